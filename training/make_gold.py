"""Build the raw page texts of the gold set in ``corpus/gold/`` (and draft labels to correct).

The gold set is hand-labelled and never used for training. Its truth is the TSV files
(``NAME.labels.tsv``) beside the page texts (``NAME.txt``); this script only makes the
page texts and, where no TSV exists yet, a *draft* TSV for the labeller to correct
line by line. It never overwrites an existing TSV.

Two kinds of pages:

* **handmade** pages (``corpus/gold/handmade/NAME.ann``), written for the gold set
  with invented sites and text: one segment a line, ``label<TAB>text``; a label with a
  leading ``+`` puts the segment on the same line as the one before it (joined by a
  space, as scrapers collapse blocks); a line holding only ``-`` is a blank line of the
  page; ``# key: value`` lines are TSV headers. These produce both files exactly.
* **dataset** pages, listed in ``corpus/gold/ids.txt`` (one record id a line; the
  training build excludes these records' sites) and named ``DATASET-SITE``, rendered
  from ``../shared/datasets/*.jsonl.gz`` with :func:`cleaner.html_text.html_to_text`
  (browser mode). Their draft labels come from a crude alignment with the record's
  gold title, authors, date and body, and are then corrected by hand.

Usage::

    python -m training.make_gold [--datasets DIR] [--gold DIR] [--force-handmade] [--rerender]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.labels import Label

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold"
DATASETS = ROOT.parent / "shared" / "datasets"


# --------------------------------------------------------------------------- handmade


def handmade_to_files(ann: str) -> tuple[str, str]:
    """Return ``(page_text, tsv_text)`` for an annotated handmade page."""
    headers: list[str] = []
    lines: list[list[str]] = []
    rows: list[str] = []
    for raw in ann.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("#"):
            headers.append(raw)
            continue
        if raw.strip() == "-":
            lines.append([])
            continue
        label, text = raw.split("\t", 1)
        text = text.strip()
        same_line = label.startswith("+")
        label = label.lstrip("+")
        Label(label)  # raises ValueError on a typo
        if same_line and lines and lines[-1]:
            lines[-1].append(text)
        else:
            lines.append([text])
        rows.append(f"{label}\t{text}")
    page = "\n".join(" ".join(parts) for parts in lines) + "\n"
    return page, "\n".join([*headers, *rows]) + "\n"


def build_handmade(gold: Path, *, force: bool) -> int:
    n = 0
    for ann in sorted((gold / "handmade").glob("*.ann")):
        page, tsv = handmade_to_files(ann.read_text(encoding="utf-8"))
        name = ann.name[: -len(".ann")]
        txt_path, tsv_path = gold / f"{name}.txt", gold / f"{name}.labels.tsv"
        txt_path.write_text(page, encoding="utf-8")
        if force or not tsv_path.exists():
            tsv_path.write_text(tsv, encoding="utf-8")
        n += 1
    return n


# --------------------------------------------------------------------------- dataset pages


def read_ids(path: Path) -> list[str]:
    """Return the record ids in ``ids.txt``, one a line."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def record_site(record: dict[str, Any]) -> str:
    """The record's site as the training build names it (registered domain, else ``dataset:id``)."""
    from training.splits import site_of  # imported here: the gold tests need none of this

    return site_of(record["id"], record["dataset"], record.get("url"))


def page_name(record: dict[str, Any]) -> str:
    """File name stem of a dataset page: ``DATASET-SITE`` (``readability-cnn`` without a URL)."""
    site = record_site(record).split(":")[-1]
    return f"{record['dataset']}-{site}".replace("/", "-")


def iter_records(datasets: Path, wanted: set[str]) -> Iterator[dict[str, Any]]:
    for path in sorted(datasets.glob("*.jsonl.gz")):
        prefix = path.name.split(".")[0] + "/"
        if not any(w.startswith(prefix) for w in wanted):
            continue
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not any(f'"id": "{w}"' in line[:200] for w in wanted if w.startswith(prefix)):
                    continue
                record = json.loads(line)
                if record["id"] in wanted:
                    yield record


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def draft_labels(text: str, gold: dict[str, Any]) -> list[tuple[str, str]]:
    """A crude first labelling of each line from the record's gold fields, to be corrected."""
    title = _norm(gold.get("title") or "")
    body = _norm(gold.get("body") or "")
    names = [_norm(a) for a in gold.get("authors") or [] if a]
    if gold.get("byline"):
        names.append(_norm(gold["byline"]))
    date = gold.get("date") or ""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        n = _norm(line)
        label: str = Label.JUNK
        if title and n == title:
            label = Label.HEADLINE
        elif n and len(n) >= 20 and n in body:
            label = Label.BODY
        elif len(line) < 160 and (any(a and a in n for a in names) or (date and date[:4] in line)):
            label = Label.BYLINE
        out.append((label, line.strip()))
    return out


def build_dataset_pages(gold: Path, datasets: Path, *, rerender: bool = False) -> int:
    """Render the pages of ``ids.txt`` that have no page text yet (all with ``rerender``).

    A stored page text is the truth its TSV was checked against: re-rendering it with a
    changed renderer can break the TSV, so it is opt-in.
    """
    from cleaner.html_text import html_to_text

    ids = read_ids(gold / "ids.txt")
    found: set[str] = set()
    for record in iter_records(datasets, set(ids)):
        found.add(record["id"])
        name = page_name(record)
        txt_path = gold / f"{name}.txt"
        if rerender or not txt_path.exists():
            text = html_to_text(record["html"], mode="browser")
            txt_path.write_text(text + "\n", encoding="utf-8")
        else:
            text = txt_path.read_text(encoding="utf-8")
        tsv_path = gold / f"{name}.labels.tsv"
        if not tsv_path.exists():
            rows = [f"# site: {record_site(record)}", f"# source: {record['id']}"]
            rows += [f"{label}\t{line}" for label, line in draft_labels(text, record.get("gold") or {})]
            tsv_path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    missing = set(ids) - found
    if missing:
        print(f"not found in {datasets}: {', '.join(sorted(missing))}", file=sys.stderr)
    return len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--force-handmade", action="store_true", help="rewrite handmade TSVs too")
    parser.add_argument("--rerender", action="store_true", help="re-render dataset page texts that exist")
    args = parser.parse_args(argv)
    n = build_handmade(args.gold, force=args.force_handmade)
    print(f"handmade pages: {n}")
    if (args.gold / "ids.txt").exists() and args.datasets.is_dir():
        print(f"dataset pages: {build_dataset_pages(args.gold, args.datasets, rerender=args.rerender)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
