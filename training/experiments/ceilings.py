"""What raw text allows: the share of the test split's article pages whose gold title,
gold authors and gold body the page text holds at all.

    python training/experiments/ceilings.py [corpus/training/test.jsonl.gz]

For each article page (``meta["page_type"] == "article"``, every rendering) with a
record gold, as ``cleaner evaluate`` scores it:

* **title in text**: some form of the gold title that ``cleaner.evaluate.headline_matches``
  accepts (the whole title, or a separator-cut part holding at least half its words)
  stands in the normalised page text as whole words. No cleaner of raw text can get
  the headline right on the other pages.
* **authors in text**: every gold author's name stands in the normalised page text.
  (``evaluate`` counts a page's authors found if all are in the main article's
  authors or bylines.)
* **body, exact labels**: body word-F1 of the page's body-labelled spans joined (the
  aligner's labels, what a perfect classifier would output) against the gold body.

The figures are upper bounds for headline accuracy and author recall on raw text, and
an estimate for body word-F1 (the aligner's labels are not perfect either).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleaner.evaluate import _title_variants, body_word_f1, gold_article, normalize_title  # noqa: E402
from cleaner.labels import Label  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else ROOT / "corpus" / "training" / "test.jsonl.gz"
    titles = authors = bodies = 0
    title_in = authors_in = 0
    body_f1 = 0.0
    for page in read_jsonl(path):
        if page.meta.get("page_type") != "article":
            continue
        gold = gold_article(page)
        if gold is None or gold.source != "record":
            continue
        text = f" {normalize_title(page.text)} "
        if gold.title:
            titles += 1
            forms = {normalize_title(gold.title)} | _title_variants(gold.title)
            title_in += any(f and f" {f} " in text for f in forms)
        if gold.authors:
            authors += 1
            authors_in += all(f" {normalize_title(a)} " in text for a in gold.authors)
        if gold.body:
            bodies += 1
            spans = "\n\n".join(t for label, t in page.segments() if label == Label.BODY)
            body_f1 += body_word_f1(spans, gold.body)
    print(f"{path}: article pages")
    print(f"  gold title in the text:   {title_in} of {titles} ({title_in / max(titles, 1):.3f})")
    print(f"  gold authors in the text: {authors_in} of {authors} ({authors_in / max(authors, 1):.3f})")
    print(f"  body word-F1 with exact labels: {body_f1 / max(bodies, 1):.3f} ({bodies} pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
