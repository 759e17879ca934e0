"""Cleaner on the peers' own test data: the cases their test suites check.

    python benchmarks/peer_suites.py [--cache DIR] [--no-peers]

Downloads the source distributions of two peers from PyPI (``pip download
--no-binary :all: --no-deps``, pinned versions, into ``--cache``; nothing of them is
stored in this repository) and scores cleaner on what their tests expect:

* **trafilatura's metadata cases** (``tests/metadata_tests.py``): the small HTML
  documents of its title, author and date tests, each with the value trafilatura's
  test expects. Cleaner's answer is what the page declares
  (:func:`cleaner.page_meta.page_meta_from_tree`: ``title``, the ``authors`` joined
  with "; " as trafilatura writes them, the date of ``published``). The cases are read
  from the test file's syntax tree (string literals, and f-strings of the names the
  test assigns literals to): the test file's code is never run.
* **newspaper4k's test pages** (``tests/data/html``, ``txt`` and ``metadata``): real
  pages (CNN, Fox, Time, Wired, Arabic, Chinese, Japanese, Thai, Spanish, Latvian ...)
  with the text and title its tests expect. Cleaner cleans the HTML
  (:func:`cleaner.clean_html`): body word-F1 of the main article against the expected
  text, headline (:func:`cleaner.evaluate.headline_matches`) and authors (every
  expected author among the main article's, :func:`cleaner.evaluate.same_person`; only
  pages whose metadata names authors).

With the peers' environment (``benchmarks/peers/setup.sh``) and without
``--no-peers``, trafilatura runs on the same cases in that environment, side by side.
Prints a table, and every case cleaner misses.
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import re
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.evaluate import headline_matches, same_person  # noqa: E402

SUITES = {"trafilatura": "2.3.1", "newspaper4k": "0.9.6"}
PEERS_PYTHON = ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"
META_TESTS = {"test_titles": "title", "test_author_from_meta": "author", "test_author_from_markup": "author",
              "test_dates": "date"}  # fmt: skip
_WORD = re.compile(r"\w+")


def fetch(cache: Path) -> dict[str, Path]:
    """The unpacked source distribution of each suite's peer, downloaded once."""
    out = {}
    for name, version in SUITES.items():
        folder = cache / f"{name}-{version}"
        if not folder.is_dir():
            cache.mkdir(parents=True, exist_ok=True)
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:", "--no-deps",
                 "--dest", str(cache), f"{name}=={version}"],
                capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"could not download {name}=={version} from PyPI:\n{done.stderr}")
            with tarfile.open(cache / f"{name}-{version}.tar.gz") as tar:
                if hasattr(tarfile, "data_filter"):  # Python 3.11.4 on: no member outside the folder
                    tar.extractall(cache, filter="data")
                else:
                    tar.extractall(cache)  # a pinned release of PyPI
        out[name] = folder
    return out


def _string(node: ast.expr, names: dict[str, str]) -> str | None:
    """A string literal or an f-string of literal names, without running code."""
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id in names:
                parts.append(names[v.value.id])
            else:
                raise ValueError("not a literal f-string")
        return "".join(parts)
    raise ValueError("not a string")


def metadata_cases(test_file: Path) -> Iterator[tuple[str, str, str | None]]:
    """``(field, html, expected)`` of trafilatura's metadata tests (:data:`META_TESTS`)."""
    tree = ast.parse(test_file.read_text(encoding="utf-8"))
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or fn.name not in META_TESTS:
            continue
        names: dict[str, str] = {}
        for st in fn.body:
            if not isinstance(st, ast.Assign):
                continue
            target = st.targets[0]
            if isinstance(target, ast.Tuple) and isinstance(st.value, ast.Tuple):  # begin, end = "...", "..."
                for t, v in zip(target.elts, st.value.elts, strict=True):
                    if isinstance(t, ast.Name):
                        names[t.id] = str(ast.literal_eval(v))
            elif isinstance(target, ast.Name) and target.id in ("tests", "cases") and isinstance(st.value, ast.List):
                for case in st.value.elts:
                    if isinstance(case, ast.Tuple):
                        try:
                            html, expected = _string(case.elts[0], names), _string(case.elts[1], names)
                        except ValueError:
                            continue
                        if html is not None:
                            yield META_TESTS[fn.name], html, expected


def word_f1(got: str, want: str) -> float:
    g = collections.Counter(_WORD.findall(got.lower()))
    w = collections.Counter(_WORD.findall(want.lower()))
    tp = sum((g & w).values())
    return 0.0 if tp == 0 else 2 * tp / (sum(g.values()) + sum(w.values()))


def _cleaner_meta(html: str) -> dict[str, str | None]:
    from cleaner.html_text import parse_html
    from cleaner.page_meta import page_meta_from_tree

    m = page_meta_from_tree(parse_html(html))
    return {"title": m.title, "author": "; ".join(m.authors) or None, "date": (m.published or "")[:10] or None}


def _trafilatura_meta(html: str) -> dict[str, str | None]:
    from trafilatura.metadata import extract_metadata

    m = extract_metadata(html)
    return {"title": m.title, "author": m.author, "date": m.date}


def _cleaner_page(html: str) -> dict[str, Any]:
    import cleaner

    main = cleaner.clean_html(html).main
    if main is None:
        return {"body": "", "title": None, "authors": []}
    return {"body": "\n".join(main.body), "title": main.headline, "authors": list(main.authors)}


def _trafilatura_page(html: str) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return {"body": "", "title": None, "authors": []}
    d = doc if isinstance(doc, dict) else doc.as_dict()
    return {"body": d.get("text") or "", "title": d.get("title"),
            "authors": [a.strip() for a in (d.get("author") or "").split(";") if a.strip()]}  # fmt: skip


def newspaper_pages(folder: Path) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """``(name, html, expected text, expected metadata)`` of newspaper4k's test pages."""
    data = folder / "tests" / "data"
    for page in sorted((data / "html").glob("*.html")):
        text = data / "txt" / f"{page.stem}.txt"
        if not text.is_file():
            continue
        meta = data / "metadata" / f"{page.stem}.json"
        expected = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
        html = page.read_text(encoding="utf-8", errors="replace")
        yield page.stem, html, text.read_text(encoding="utf-8"), expected


def _authors(value: Any) -> list[str]:
    if isinstance(value, str):  # newspaper4k's files write some lists as their repr
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return []
    return [a for a in value or [] if isinstance(a, str) and a.strip()]


def run_tool(tool: str, folders: dict[str, Path]) -> dict[str, Any]:
    """Every case's outcome for one tool (``cleaner`` or ``trafilatura``)."""
    meta_fn: Callable[[str], dict[str, str | None]] = _cleaner_meta if tool == "cleaner" else _trafilatura_meta
    page_fn: Callable[[str], dict[str, Any]] = _cleaner_page if tool == "cleaner" else _trafilatura_page
    cases = []
    for field, html, expected in metadata_cases(folders["trafilatura"] / "tests" / "metadata_tests.py"):
        try:
            got = meta_fn(html)[field]
        except Exception as e:  # a tool's crash counts as a miss
            got = f"error: {type(e).__name__}"
        cases.append({"field": field, "html": html[:160], "want": expected, "got": got, "ok": got == expected})
    pages = []
    for name, html, text, meta in newspaper_pages(folders["newspaper4k"]):
        try:
            out = page_fn(html)
        except Exception as e:
            out = {"body": "", "title": None, "authors": [], "error": type(e).__name__}
        want_title, want_authors = meta.get("title"), _authors(meta.get("authors"))
        pages.append({
            "page": name,
            "f1": word_f1(out["body"], text),
            "title_ok": None if not want_title else bool(out["title"]) and headline_matches(out["title"], want_title),
            "authors_ok": None if not want_authors else all(
                any(same_person(g, a) for a in out["authors"]) for g in want_authors),
            "title": out["title"], "want_title": want_title, "authors": out["authors"], "want_authors": want_authors,
        })  # fmt: skip
    return {"metadata_cases": cases, "newspaper_pages": pages}


def _summary(r: dict[str, Any]) -> dict[str, str]:
    out = {}
    for field in ("title", "author", "date"):
        c = [x for x in r["metadata_cases"] if x["field"] == field]
        out[f"trafilatura's {field} cases"] = f"{sum(x['ok'] for x in c)} of {len(c)}"
    p = r["newspaper_pages"]
    out["newspaper4k pages: body word-F1"] = f"{sum(x['f1'] for x in p) / max(1, len(p)):.3f} ({len(p)} pages)"
    for key, label in (("title_ok", "headline"), ("authors_ok", "authors")):
        s = [x[key] for x in p if x[key] is not None]
        out[f"newspaper4k pages: {label}"] = f"{sum(s)} of {len(s)}"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / ".cache" / "peer_suites")
    ap.add_argument("--no-peers", action="store_true", help="cleaner only")
    ap.add_argument("--tool", default="cleaner", help=argparse.SUPPRESS)  # the peers' run, as a worker
    args = ap.parse_args(argv)
    folders = fetch(args.cache)
    if args.tool != "cleaner":
        print(json.dumps(run_tool(args.tool, folders)))
        return 0
    results = {"cleaner": run_tool("cleaner", folders)}
    if not args.no_peers and PEERS_PYTHON.is_file():
        done = subprocess.run(
            [str(PEERS_PYTHON), __file__, "--tool", "trafilatura", "--cache", str(args.cache)],
            capture_output=True, text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        results["trafilatura"] = json.loads(done.stdout)
    summaries = {tool: _summary(r) for tool, r in results.items()}
    tools = list(summaries)
    print(f"versions: {', '.join(f'{k} {v}' for k, v in SUITES.items())}\n")
    print("| suite | " + " | ".join(tools) + " |")
    print("|---|" + "---:|" * len(tools))
    for key in summaries["cleaner"]:
        print(f"| {key} | " + " | ".join(summaries[t][key] for t in tools) + " |")
    print("\ncleaner's misses:")
    for x in results["cleaner"]["metadata_cases"]:
        if not x["ok"]:
            print(f"  {x['field']}: want {x['want']!r}, got {x['got']!r}  <- {x['html']!r}")
    for x in results["cleaner"]["newspaper_pages"]:
        if x["f1"] < 0.9 or x["title_ok"] is False or x["authors_ok"] is False:
            print(f"  {x['page']}: body F1 {x['f1']:.3f}, headline {x['title']!r} (want {x['want_title']!r}), "
                  f"authors {x['authors']} (want {x['want_authors']})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
