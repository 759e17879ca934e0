"""Benchmark cleaner against peer extractors on the same pages: quality and speed.

    bash benchmarks/peers/setup.sh                      # once: the peers' environment
    python benchmarks/peers/run.py ../shared/datasets --split test --limit 300 \\
        --out benchmarks/results/

Run it with the project's interpreter from the repository root. Pages are the records
of the datasets whose site falls in the chosen split of the by-site split
(``training.splits``): the ``sites`` map of ``corpus/training/splits.json`` (or
``--split-file``) where it names the site, else the same hash rule computed here, with
the sites of ``corpus/gold/ids.txt`` forced into test. ``--limit`` keeps that many
pages, chosen by the SHA-1 of their ids (stable across runs).

Two modes, each tool run by :mod:`worker` in a process of its own over all pages, one
tool at a time (peak memory is then the tool's, and timings do not compete):

* **text**: every tool gets the page rendered to text by
  ``cleaner.html_text.html_to_text(html, mode="browser")``; trafilatura, jusText and
  boilerpy3 get its lines wrapped in ``<p>``; C4's line rules and keep-everything are
  the baselines.
* **html**: cleaner renders and cleans the HTML (``Cleaner.clean_html``), the peers get
  the HTML.

Quality, per page, of the tool's main article (cleaner: see
:func:`cleaner.evaluate.main_article`): body word-F1 against the gold body, headline
correct (:func:`cleaner.evaluate.headline_matches`, for tools that extract a title),
every gold author found (for tools that extract authors). Speed: pages per second over
the summed per-page extraction times (import and model loading excluded, reported
apart), and peak resident memory of the tool's process; ratios are to cleaner in the
same mode. A page that fails or times out counts with an empty output.

Writes ``results.json``, ``results.md``, ``quality_vs_speed.png`` (with the peers'
matplotlib) and ``worst_pages.html`` (cleaner's 20 worst pages in text mode, segments
coloured by label) to ``--out``; intermediate files go to ``OUT/tmp/``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import tools  # noqa: E402

from cleaner.document import Article  # noqa: E402
from cleaner.evaluate import GoldArticle, PageScore, score_article  # noqa: E402
from cleaner.html_text import html_to_text  # noqa: E402
from training.splits import load_gold_ids, site_of, split_of  # noqa: E402

PEERS_PYTHON = ROOT / "benchmarks" / ".venv-peers" / "bin" / "python"
TITLE_TOOLS = frozenset(
    {"cleaner", "cleaner-html", "trafilatura", "readability-lxml", "boilerpy3", "newspaper4k", "goose3"}
)
AUTHOR_TOOLS = frozenset({"cleaner", "cleaner-html", "trafilatura", "newspaper4k", "goose3"})
REFERENCE = {"text": "cleaner", "html": "cleaner-html"}


def _split_map(path: Path | None) -> dict[str, str]:
    candidates = [path] if path else [ROOT / "corpus" / "training" / "splits.json", ROOT / "out" / "splits.json"]
    for p in candidates:
        if p is not None and p.is_file():
            data = json.loads(p.read_text(encoding="utf-8"))
            print(f"splits: {p} ({len(data.get('sites', {}))} sites)", file=sys.stderr)
            return dict(data.get("sites", {}))
    if path is not None:
        raise SystemExit(f"split file {path} not found")
    print("splits: no splits.json found; computing the by-site split with training.splits", file=sys.stderr)
    return {}


def select_pages(datasets: Path, split: str, split_file: Path | None, limit: int | None) -> list[dict[str, Any]]:
    sites = _split_map(split_file)
    gold_ids = load_gold_ids(ROOT / "corpus" / "gold" / "ids.txt")
    records: list[dict[str, Any]] = []
    for f in sorted(datasets.glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                dataset = r.get("dataset") or f.name.split(".")[0]
                site = site_of(r["id"], dataset, r.get("url"))
                r["site"] = site
                r["dataset"] = dataset
                r["language"] = page_language(r)
                records.append(r)
    forced = {r["site"] for r in records if r["id"] in gold_ids}
    chosen = [r for r in records if (sites.get(r["site"]) or split_of(r["site"], forced)) == split]
    chosen = [r for r in chosen if isinstance(r.get("html"), str) and r.get("gold")]
    chosen.sort(key=lambda r: hashlib.sha1(r["id"].encode()).hexdigest())
    return chosen[:limit] if limit else chosen


def write_inputs(pages: list[dict[str, Any]], tmp: Path) -> tuple[Path, Path, float]:
    tmp.mkdir(parents=True, exist_ok=True)
    html_path, text_path = tmp / "pages_html.jsonl", tmp / "pages_text.jsonl"
    t0 = time.perf_counter()
    with html_path.open("w", encoding="utf-8") as fh, text_path.open("w", encoding="utf-8") as ft:
        for r in pages:
            base = {"id": r["id"], "url": r.get("url"), "lang": r.get("lang")}
            fh.write(json.dumps({**base, "input": r["html"]}, ensure_ascii=False) + "\n")
            r["text"] = html_to_text(r["html"], mode="browser")
            hint = r["html"][:5000]
            ft.write(json.dumps({**base, "input": r["text"], "lang_hint": hint}, ensure_ascii=False) + "\n")
    return html_path, text_path, time.perf_counter() - t0


def run_tool(tool: str, mode: str, pages_file: Path, out: Path, timeout: float, n: int) -> dict[str, Any]:
    python = str(PEERS_PYTHON) if tool in tools.PEERS else sys.executable
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    cmd = [python, str(HERE / "worker.py"), tool, mode, str(pages_file), str(out), "--timeout", str(timeout)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60 + timeout * n)
    except subprocess.TimeoutExpired:
        return {"failed": "the whole run timed out"}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        return {"failed": f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    # split on "\n" only: outputs hold raw U+2028 and other characters str.splitlines() cuts at
    lines = [x for x in out.read_text(encoding="utf-8").split("\n") if x.strip()]
    summary: dict[str, Any] = json.loads(lines[-1])["summary"]
    summary["wall_seconds"] = wall
    return summary


def _articles(rec: dict[str, Any]) -> list[Article]:
    if rec.get("error"):
        return []
    if "articles" in rec:
        return [Article(**a) for a in rec["articles"]]
    authors = tools._names(rec.get("authors"))
    title = rec.get("title") if isinstance(rec.get("title"), str) else None
    body = rec.get("body") if isinstance(rec.get("body"), str) else ""
    return [Article(title, authors, authors, None, None, None, [body], [])]


def _gold(r: dict[str, Any]) -> GoldArticle:
    g = r.get("gold") or {}
    authors = tuple(a for a in (g.get("authors") or []) if isinstance(a, str) and a.strip())
    return GoldArticle(title=g.get("title") or None, body=g.get("body") or None, authors=authors)


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_ENGLISH_WORDS = frozenset("the and of to in is that for it with was on as are".split())


def page_language(record: dict[str, Any]) -> str:
    """A page's language (primary subtag): the record's, else its ``<html lang>``, else
    ``"en"`` when at least 8% of its gold body's words are common English words and
    ``"other"`` otherwise (pages without a declared language are mostly WCXB's)."""
    for value in (record.get("lang"), *(_HTML_LANG.findall(record.get("html") or "")[:1])):
        if isinstance(value, str) and value.strip():
            return value.strip().lower().replace("_", "-").split("-")[0]
    words = re.findall(r"\w+", ((record.get("gold") or {}).get("body") or "").lower())
    if not words:
        return "unknown"
    return "en" if sum(w in _ENGLISH_WORDS for w in words) >= 0.08 * len(words) else "other"


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def score_tool(tool: str, out: Path, pages: list[dict[str, Any]]) -> tuple[dict[str, Any], list[PageScore]]:
    recs = {}
    for line in out.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        d = json.loads(line)
        if "summary" not in d:
            recs[d["id"]] = d
    scores = []
    named: list[PageScore] = []  # authors scored on the names a tool gives, not its byline lines
    for r in pages:
        rec = recs.get(r["id"], {"error": "missing"})
        articles = _articles(rec)
        scores.append(score_article(articles, _gold(r), id=r["id"], site=r["site"], page_type=r.get("page_type")))
        names_only = [dataclasses.replace(a, bylines=list(a.authors)) for a in articles]
        named.append(score_article(names_only, _gold(r), id=r["id"]))
    body = [s.body_f1 for s in scores if s.body_f1 is not None]
    q: dict[str, Any] = {"body_f1": _mean(body), "body_pages": len(body)}
    q["all_body_f1"] = _mean([s.all_body_f1 for s in scores if s.all_body_f1 is not None])
    by_type: dict[str, list[float]] = {}
    for s in scores:
        if s.body_f1 is not None:
            by_type.setdefault(s.page_type or "unknown", []).append(s.body_f1)
    q["body_f1_by_type"] = {k: {"f1": _mean(v), "pages": len(v)} for k, v in sorted(by_type.items())}
    by_ds: dict[str, list[float]] = {}
    for s, r in zip(scores, pages, strict=True):
        if s.body_f1 is not None:
            by_ds.setdefault(r["dataset"], []).append(s.body_f1)
    q["body_f1_by_dataset"] = {k: {"f1": _mean(v), "pages": len(v)} for k, v in sorted(by_ds.items())}
    non_en = [s.body_f1 for s, r in zip(scores, pages, strict=True) if s.body_f1 is not None and r["language"] != "en"]
    q["body_f1_non_english"] = _mean(non_en)
    q["non_english_pages"] = len(non_en)
    heads = [float(bool(s.headline_correct)) for s in scores if s.headline_correct is not None]
    q["headline_accuracy"] = _mean(heads) if tool in TITLE_TOOLS else None
    q["headline_pages"] = len(heads)
    with_authors = [s for s in scores if s.authors_total]
    if tool in AUTHOR_TOOLS and with_authors:
        q["author_accuracy"] = _mean([float(s.authors_found == s.authors_total) for s in with_authors])
        q["author_recall"] = sum(s.authors_found for s in with_authors) / sum(s.authors_total for s in with_authors)
        q["author_name_accuracy"] = _mean([float(s.authors_found == s.authors_total) for s in named if s.authors_total])
    else:
        q["author_accuracy"] = q["author_recall"] = q["author_name_accuracy"] = None
    q["author_pages"] = len(with_authors)
    return q, scores


def _fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def results_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        "# Benchmark: cleaner and peer extractors",
        "",
        f"{meta['pages']} pages: the `{meta['split']}` split of the by-site split of "
        f"`{meta['datasets']}` ({', '.join(f'{k} {v}' for k, v in meta['pages_by_dataset'].items())}); "
        f"page types: {', '.join(f'{k} {v}' for k, v in meta['pages_by_type'].items())}.",
        f"Model: `{meta['model']}`. Machine: {meta['machine']}. Run: {meta['date']}.",
        "",
        f"Command: `{meta['command']}`",
        "",
        "Body F1: bag-of-words F1 of the main article's body against the gold body, averaged over "
        "pages with a gold body. Headline: main headline matches the gold title (site suffixes "
        "allowed), over pages with a gold title, for tools that extract a title. Authors: every "
        "gold author found, over pages that name authors, for tools that extract authors: "
        '"shown" counts a name that stands in one of cleaner\'s byline lines ("By Jane Doe | '
        'May 3"), "names" only the author names a tool gives (a peer gives names only, so '
        "both count the same for it). "
        "Speed: pages/s over summed per-page extraction time (one process per tool, one tool at "
        "a time; import and model loading excluded); memory: peak RSS of that process. "
        '× = ratio to cleaner in the same mode. "all articles": cleaner\'s body F1 when the '
        "bodies of all the articles it found on the page are joined (for the peers, which return "
        "one text, the same as body F1).",
    ]
    for mode, title in (("text", "Raw text in"), ("html", "HTML in")):
        rows = results["modes"].get(mode)
        if not rows:
            continue
        types = sorted({t for r in rows.values() for t in r.get("body_f1_by_type", {})})
        lines += ["", f"## {title}", ""]
        head = ["tool", "body F1", "all articles", *[f"F1 {t}" for t in types], "F1 non-English"]
        head += ["headline", "authors shown", "author names"]
        head += ["pages/s", "× speed", "peak MB", "× mem", "errors", "timeouts"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for tool, r in sorted(rows.items(), key=lambda kv: -(kv[1].get("body_f1") or -1)):
            if "failed" in r:
                lines.append(f"| {tool} | failed: {r['failed'][:80]} |" + " |" * (len(head) - 2))
                continue
            bt = r.get("body_f1_by_type", {})
            cells = [
                f"**{tool}**" if tool == REFERENCE[mode] else tool,
                _fmt(r["body_f1"]),
                _fmt(r["all_body_f1"]) if tool.startswith("cleaner") else "=",
                *[_fmt(bt[t]["f1"]) if t in bt else "–" for t in types],
                _fmt(r.get("body_f1_non_english")),
                _fmt(r["headline_accuracy"]),
                _fmt(r["author_accuracy"]),
                _fmt(r.get("author_name_accuracy")),
                f"{r['pages_per_second']:.1f}",
                f"{r['speed_ratio']:.2f}" if r.get("speed_ratio") is not None else "–",
                f"{r['peak_rss_mb']:.0f}",
                f"{r['memory_ratio']:.2f}" if r.get("memory_ratio") is not None else "–",
                str(r["errors"]),
                str(r["timeouts"]),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        counts = next(iter(rows.values()))
        if "body_f1_by_type" in counts:
            n = ", ".join(f"{t} {v['pages']}" for t, v in counts["body_f1_by_type"].items())
            lines.append("")
            lines.append(
                f"Pages with a gold body by type: {n}; not in English: {counts.get('non_english_pages')}; "
                f"with a gold title: {counts['headline_pages']}; "
                f"naming authors: {counts['author_pages']}."
            )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, help="folder of dataset *.jsonl.gz files (../shared/datasets)")
    ap.add_argument("--split", default="test", choices=("train", "validation", "test"))
    ap.add_argument("--split-file", type=Path, default=None, help="splits.json of training.build_data")
    ap.add_argument("--limit", type=int, default=300, help="pages to use (0: all); default 300")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per page and tool")
    ap.add_argument("--modes", default="text,html")
    ap.add_argument("--tools", default=None, help="comma-separated subset of tools")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    out = args.out
    tmp = out / "tmp"
    pages = select_pages(args.datasets, args.split, args.split_file, args.limit or None)
    if not pages:
        print("no pages selected", file=sys.stderr)
        return 2
    html_path, text_path, render_s = write_inputs(pages, tmp)
    print(f"{len(pages)} pages; rendered to text in {render_s:.1f}s", file=sys.stderr)
    if not PEERS_PYTHON.exists():
        print(f"{PEERS_PYTHON} missing: run bash benchmarks/peers/setup.sh; peers are skipped", file=sys.stderr)
    wanted = set(args.tools.split(",")) if args.tools else None
    results: dict[str, Any] = {"modes": {}}
    all_scores: dict[str, dict[str, list[PageScore]]] = {}
    for mode in args.modes.split(","):
        mode_tools = tools.TEXT_TOOLS if mode == "text" else tools.HTML_TOOLS
        rows: dict[str, Any] = {}
        for tool in mode_tools:
            if wanted is not None and tool not in wanted and tool != REFERENCE[mode]:
                continue
            if tool in tools.PEERS and not PEERS_PYTHON.exists():
                continue
            outfile = tmp / f"{mode}-{tool}.jsonl"
            print(f"[{mode}] {tool} ...", file=sys.stderr, end=" ", flush=True)
            summary = run_tool(
                tool, mode, text_path if mode == "text" else html_path, outfile, args.timeout, len(pages)
            )
            if "failed" in summary:
                print(summary["failed"], file=sys.stderr)
                rows[tool] = summary
                continue
            quality, scores = score_tool(tool, outfile, pages)
            all_scores.setdefault(mode, {})[tool] = scores
            row = {**quality, **summary}
            row["pages_per_second"] = (
                summary["pages"] / summary["extract_seconds"] if summary["extract_seconds"] else 0.0
            )
            rows[tool] = row
            print(
                f"body F1 {_fmt(quality['body_f1'])} (article pages "
                f"{_fmt(quality['body_f1_by_type'].get('article', {}).get('f1'))}, non-English "
                f"{_fmt(quality['body_f1_non_english'])}), headline {_fmt(quality['headline_accuracy'])}, "
                f"authors {_fmt(quality['author_accuracy'])} (names {_fmt(quality['author_name_accuracy'])}), "
                f"{row['pages_per_second']:.1f} pages/s, "
                f"{summary['peak_rss_mb']:.0f} MB, {summary['errors']} errors, "
                f"{summary['timeouts']} timeouts",
                file=sys.stderr,
            )
        ref = rows.get(REFERENCE[mode])
        for row in rows.values():
            if ref and "failed" not in ref and "failed" not in row:
                row["speed_ratio"] = row["pages_per_second"] / ref["pages_per_second"]
                row["memory_ratio"] = row["peak_rss_mb"] / ref["peak_rss_mb"]
        results["modes"][mode] = rows
    from collections import Counter

    from cleaner.model import load_model

    manifest = load_model().manifest
    results["meta"] = {
        "pages": len(pages),
        "split": args.split,
        "datasets": str(args.datasets),
        "pages_by_dataset": dict(sorted(Counter(r["dataset"] for r in pages).items())),
        "pages_by_type": dict(sorted(Counter(r.get("page_type") or "unknown" for r in pages).items())),
        "pages_by_language": dict(Counter(r["language"] for r in pages).most_common()),
        "model": f"cleaner/models/default.model.zip ({manifest.get('design')}, "
        f"{manifest.get('training_pages')} training pages, data sha256 "
        f"{str(manifest.get('training_data_sha256'))[:12]})",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "python benchmarks/peers/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "render_seconds": render_s,
        "page_ids": [r["id"] for r in pages],
    }
    out.mkdir(parents=True, exist_ok=True)
    per_page = {
        mode: {tool: {s.id: s.body_f1 for s in scores} for tool, scores in by_tool.items()}
        for mode, by_tool in all_scores.items()
    }
    results["meta"]["seconds"] = time.perf_counter() - t_start
    (out / "results.json").write_text(json.dumps({**results, "per_page_body_f1": per_page}, indent=1) + "\n")
    (out / "results.md").write_text(results_markdown(results), encoding="utf-8")
    if "text" in all_scores and "cleaner" in all_scores["text"]:
        from report import worst_pages_html

        html = worst_pages_html(pages, all_scores["text"]["cleaner"], tmp / "text-cleaner.jsonl", n=20)
        (out / "worst_pages.html").write_text(html, encoding="utf-8")
    if PEERS_PYTHON.exists():
        cmd = [str(PEERS_PYTHON), str(HERE / "plot.py"), str(out / "results.json")]
        cmd.append(str(out / "quality_vs_speed.png"))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"plot failed: {proc.stderr[-500:]}", file=sys.stderr)
    print(f"done in {time.perf_counter() - t_start:.0f}s; wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
