"""Build ``cleaner/models/common_words.txt`` (words that many sites use) and
``cleaner/models/everyday_words.txt`` (words that sites write in lowercase in their
running text).

    python -m training.common_words corpus/training

A byline line such as "Related Topics", "Up Next" or "React Native" has the shape of a
person's name (two to four capitalised words) but none of a name's words: each of its
words stands on the pages of many sites. :func:`cleaner.bylines.parse_bylines` does not
take a bare capitalised phrase for an author when every word of it is in this list
(a name after "By" is kept whatever its words).

A word is listed when it appears (any case, letters only) in the text of at least
:data:`MIN_SITES` of the train split's sites (``browser`` renderings, one vote a
site), unless it is a given name: the first word of at least two of the split's gold
author names ("john", "david", "mark"), stop words aside; so "John Green" stays an
author. On the test split's article pages this took the share of predicted authors that
are not the gold author from 0.51 to 0.27 with no gold author lost
(``training/CHANGELOG.md``, "Author precision: phrases of common words"). The build
is deterministic: the same data gives the same file.

The second list serves the same test, with a wider net: a word is listed when it stands
in lowercase right after a lowercase word ("a circular motion", "the bread") in the
text of at least :data:`EVERYDAY_MIN_SITES` of the train split's sites, unless it is a
word of any gold author's name in the split ("rose", "hill"), stop words aside. Names
are written with capitals, so few of their words are on it, and a phrase all of whose
words are ("Circular Motion", "Oatmeal Bread", "Wedding Planning", "Home Security
Expert") is not taken for a person (:func:`cleaner.bylines.plausible_person`). On the
train split, the list built from half of its sites took the author precision of the
other half from 0.835 to 0.861 and from 0.854 to 0.864, with no gold author lost
(``training/CHANGELOG.md``, "tenth session").
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.pipeline.featurize import _STOPWORDS  # noqa: E402
from cleaner.samples import LabelledPage, read_jsonl  # noqa: E402

MIN_SITES = 40
EVERYDAY_MIN_SITES = 3
OUT = ROOT / "cleaner" / "models" / "common_words.txt"
EVERYDAY_OUT = ROOT / "cleaner" / "models" / "everyday_words.txt"
_WORD = re.compile(r"[^\W\d_]+")


def _browser_pages(train_file: Path) -> Iterator[tuple[str, LabelledPage]]:
    """The ``browser`` renderings of ``train_file``'s pages, with each one's site."""
    for page in read_jsonl(train_file):
        if page.meta.get("render") == "browser":
            yield page.site or str(page.meta.get("url") or page.id), page


def common_words(train_file: Path, min_sites: int = MIN_SITES) -> list[str]:
    """Words in the text of at least ``min_sites`` sites of ``train_file``, given names
    aside, sorted."""
    sites: dict[str, set[str]] = defaultdict(set)
    given: Counter[str] = Counter()
    for site, page in _browser_pages(train_file):
        for word in set(_WORD.findall(page.text.lower())):
            sites[word].add(site)
        gold = page.meta.get("gold") or {}
        for name in gold.get("authors") or []:
            words = _WORD.findall(str(name))
            if len(words) >= 2 and words[0][:1].isupper():
                given[words[0].lower()] += 1
    names = {w for w, k in given.items() if k >= 2 and w not in _STOPWORDS}
    return sorted(w for w, s in sites.items() if len(s) >= min_sites and w not in names)


def everyday_words(train_file: Path, min_sites: int = EVERYDAY_MIN_SITES) -> list[str]:
    """Words that stand in lowercase right after a lowercase word in the text of at
    least ``min_sites`` sites of ``train_file``, the words of its gold authors' names
    aside (stop words excepted), sorted."""
    sites: dict[str, set[str]] = defaultdict(set)
    name_words: set[str] = set()
    for site, page in _browser_pages(train_file):
        seen: set[str] = set()
        for line in page.text.splitlines():
            tokens = line.split()
            for before, word in itertools.pairwise(tokens):
                if before[:1].islower() and before.isalpha() and word.isalpha() and word.islower():
                    seen.add(word)
        for word in seen:
            sites[word].add(site)
        gold = page.meta.get("gold") or {}
        for name in gold.get("authors") or []:
            name_words.update(w.lower() for w in _WORD.findall(str(name)))
    names = name_words - _STOPWORDS
    return sorted(w for w, s in sites.items() if len(s) >= min_sites and w not in names)


def _write(path: Path, words: list[str], header: str) -> None:
    """A word list, one word a line under a ``#`` header line."""
    path.write_text(f"# {header}\n" + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words):,} words to {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.common_words", description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, help="the training data folder (corpus/training)")
    ap.add_argument("--min-sites", type=int, default=MIN_SITES)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--everyday-min-sites", type=int, default=EVERYDAY_MIN_SITES)
    ap.add_argument("--everyday-out", type=Path, default=EVERYDAY_OUT)
    args = ap.parse_args(argv)
    train = args.data / "train.jsonl.gz"
    built = "built by `python -m training.common_words corpus/training`"
    _write(
        args.out,
        common_words(train, args.min_sites),
        f"words in the text of at least {args.min_sites} sites of the train split; {built}",
    )
    _write(
        args.everyday_out,
        everyday_words(train, args.everyday_min_sites),
        f"words in lowercase after a lowercase word in the text of at least {args.everyday_min_sites} sites of "
        f"the train split, no word of a gold author's name; {built}",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
