"""Check that a change leaves cleaner's outputs on normal pages as they were.

    python benchmarks/same_outputs.py snapshot [--out /tmp/cleaner-same-outputs.json]
    python benchmarks/same_outputs.py check    [--out /tmp/cleaner-same-outputs.json]

``snapshot`` cleans every page of ``corpus/training/test.jsonl.gz`` with
:func:`cleaner.clean` and, where ``../shared/datasets`` is there, the HTML of every
record of its datasets with :func:`cleaner.clean_html`, and stores per page the JSON
of the result (articles and segments) and its text and Markdown renderings.
``check`` does it again with the current code and counts the pages whose outputs are
identical, by kind (``text``: the test split's pages, ``html``: the datasets'
records) and by output (``json``, ``text``, ``markdown``), and of the others those
that are the same once read: JSON that parses to the same data, text the same but for
terminal control characters, Markdown the same once its escapes are read; it prints
the ids of the rest. Run ``snapshot`` on the old code and ``check`` on the new.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import clean, clean_html  # noqa: E402
from cleaner.errors import CleanerError  # noqa: E402
from cleaner.output import render, result_to_json  # noqa: E402
from cleaner.samples import read_jsonl  # noqa: E402

DEFAULT_OUT = Path("/tmp/cleaner-same-outputs.json")
DATASETS = ROOT.parent.parent / "shared" / "datasets"


def _pages(html_limit: int) -> Iterator[tuple[str, str, str]]:
    """(kind, id, input) of every page compared."""
    for page in read_jsonl(ROOT / "corpus" / "training" / "test.jsonl.gz"):
        yield "text", page.id, page.text
    datasets = DATASETS if DATASETS.is_dir() else ROOT.parent / "shared" / "datasets"
    n = 0
    for path in sorted(datasets.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if html_limit and n >= html_limit:
                    return
                record = json.loads(line)
                if isinstance(record.get("html"), str):
                    n += 1
                    yield "html", str(record["id"]), record["html"]


def _outputs(kind: str, data: str) -> dict[str, str]:
    try:
        result = clean(data) if kind == "text" else clean_html(data)
    except CleanerError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "json": result_to_json(result, segments=True),
        "text": render(result, "text"),
        "markdown": render(result, "markdown"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("snapshot", "check"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--html-limit", type=int, default=0, help="compare at most N HTML records (0: all)")
    args = parser.parse_args(argv)
    current = {f"{kind}:{pid}": _outputs(kind, data) for kind, pid, data in _pages(args.html_limit)}
    if args.action == "snapshot":
        args.out.write_text(json.dumps(current), encoding="utf-8")
        print(f"{len(current)} pages snapshot to {args.out}")
        return 0
    before = json.loads(args.out.read_text(encoding="utf-8"))
    differ = 0
    for kind in ("text", "html"):
        keys = [k for k in before if k.startswith(kind + ":")]
        errors = [k for k in keys if "error" in before[k] or "error" in current.get(k, {})]
        if errors:
            same = sum(before[k].get("error") == current.get(k, {}).get("error") for k in errors)
            print(f"{kind} pages raising an error: {same} of {len(errors)} identical")
        keys = [k for k in keys if k not in errors]
        for output, explain in _OUTPUTS:
            same = [k for k in keys if before[k][output] == current[k][output]]
            explained = [k for k in keys if k not in same and explain(before[k][output], current[k][output])]
            print(
                f"{kind} pages, {output}: {len(same)} of {len(keys)} identical"
                + (f", {len(explained)} more equal {_WHY[output]}" if explained else "")
            )
            for k in keys:
                if k not in same and k not in explained:
                    differ += 1
                    print(f"  differs: {k}")
    return 1 if differ else 0


def _same_data(old: str, new: str) -> bool:
    return bool(json.loads(old) == json.loads(new))


def _terminal_safe(text: str) -> str:
    from cleaner.output import terminal_safe  # the new code's (snapshot may run on code without it)

    return terminal_safe(text)


def _same_shown(old: str, new: str) -> bool:
    return _terminal_safe(old) == new


_UNESCAPE = re.compile(r"\\([\\*_#`\[\]])")


def _same_read(old: str, new: str) -> bool:
    def read(md: str) -> str:
        return _UNESCAPE.sub(r"\1", md).replace("&lt;", "<").replace("&amp;", "&")

    return read(_terminal_safe(old)) == read(new)


_OUTPUTS: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    ("json", _same_data),
    ("text", _same_shown),
    ("markdown", _same_read),
)
_WHY = {
    "json": "as data (control characters written as \\u escapes)",
    "text": "once control characters are stripped from the old output",
    "markdown": "once escapes are read (backslashes, &lt; and &amp;) and control characters stripped",
}


if __name__ == "__main__":
    raise SystemExit(main())
