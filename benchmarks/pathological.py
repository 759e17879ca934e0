"""Hostile page shapes, doubled in size: time and peak memory must grow linearly.

    python benchmarks/pathological.py                  # every shape, 64 KB to 8 MB
    python benchmarks/pathological.py --max-mb 1 --shapes dots,attributes

Each shape is a kind of page that once took more than linear time or memory, or that
stresses a part of the pipeline (issue 15): runs of sentence marks, title-like lines
against list lines, one tag with very many attributes, an XML declaration that never
ends, deep nesting, deep JSON-LD, entity floods, sibling tab panels each compared with
the shown one, text without spaces (CJK), emoji,
right-to-left text, long lines, many short lines, Markdown (an article, emphasis
markers that never close, brackets that never close), text a text node a line (every
line cut, :mod:`cleaner.fragment_text`; a line of text is read a sentence a line,
:mod:`cleaner.flat_text`), and an ordinary article for
comparison. Every shape is built at sizes doubling from 64 KB to 8 MB (of UTF-8) and
cleaned with the default configuration (:func:`cleaner.clean` for text,
:func:`cleaner.clean_html` for HTML) in a fresh process per shape, sizes ascending.

Printed per shape and size: the CPU seconds the process spent (the best of three runs
below 1 MB; CPU time, not wall time, so that other work on the machine does not count),
the growth of the process's peak memory over its size after loading the model (MB), and
what happened (``ok``, or the typed error that stopped the page: a page past
``max_units`` stops as it is segmented). The ratio columns divide each size's time
and memory growth by the previous size's: linear growth gives about 2, quadratic 4.
Ratios of tiny figures (under 20 ms, or under 8 MB of growth) are noise and are
printed in brackets; the summary takes the largest ratio of the rest.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PROSE = (
    "The council met on Monday to vote on the plan for the new park by the river. "
    "Residents said they had waited years for it, and the mayor promised work would start in spring. "
)


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode("utf-8")))


def _dots(size: int) -> str:
    return "." * size + " then some words" * 10


def _marks(size: int) -> str:
    return _repeat("?!…", size) + " and then some words" * 10


def _titles_and_lists(size: int) -> str:
    n = max(1, size // 200)
    titles = "\n".join(f"Title number {i} of the page" for i in range(n))
    lists = "\n".join(
        f"Related: one two three four five six seven eight nine ten eleven twelve thirteen fourteen {i}"
        for i in range(n)
    )
    return titles + "\n" + lists


def _many_short_lines(size: int) -> str:
    return "a\n" * (size // 2)


def _long_line(size: int) -> str:
    return _repeat("word ", size)


def _one_char_run(size: int) -> str:
    return "a" * size


def _sentences_in_one_line(size: int) -> str:
    return _repeat("Aa bb. ", size)


def _space_run(size: int) -> str:
    return "Start " + " " * size + " end.\n" + "\t" * 10 + "x"


def _cjk(size: int) -> str:
    return _repeat("東京都は月曜日に新しい公園の計画を発表した市民は長年待っていたと述べた", size)


def _cjk_lines(size: int) -> str:
    return _repeat("東京都は月曜日に新しい公園の計画を発表した。市民は長年待っていたと述べた。\n", size)


def _emoji(size: int) -> str:
    return _repeat("Big news 👩‍👩‍👧‍👦🏳️‍🌈 today 👍🏽🔥 and more 🇯🇵🇺🇸 here. ", size)


def _rtl(size: int) -> str:
    return _repeat("\u200fقال المجلس يوم الاثنين إن العمل سيبدأ في الربيع. \u202eעודכן היום\u202c\n", size)


def _controls(size: int) -> str:
    return _repeat("Text \x00 with \x1b[31mcontrols\x1b[0m and \x07 bells.\r\n", size)


def _prose(size: int) -> str:
    head = "Park plan approved\nBy Jane Doe | June 9, 2025\n"
    return head + _repeat(_PROSE + "\n", size)


def _html(body: str) -> str:
    return f"<html><head><title>Park plan approved</title></head><body>{body}</body></html>"


def _attributes(size: int) -> str:
    n = size // 8
    return "<div " + " ".join(f"a{i}=x" for i in range(n)) + ">Hello there</div>"


def _xml_decl(size: int) -> str:
    return "<?xml" + " " * size + "<p>hi</p>"


def _deep_nesting(size: int) -> str:
    return _html("<nav>Home News</nav>" + "<div>" * (size // 5) + f"<p>{_PROSE}</p>")


def _deep_mixed(size: int) -> str:
    return _html("<nav>Home News</nav>" + "<div><span><b>" * (size // 14) + f"<p>{_PROSE}</p>")


def _deep_json_ld(size: int) -> str:
    script = '<script type="application/ld+json">' + "[" * size + "</script>"
    return f"<html><head>{script}</head><body><p>{_PROSE}</p></body></html>"


def _entities(size: int) -> str:
    return _html("<p>" + _repeat("&amp;&lt;&#65;&#x42;&nbsp;&unknown; ", size) + "</p>")


def _html_paragraphs(size: int) -> str:
    return _html(_repeat(f"<p>{_PROSE}</p>\n", size))


def _tab_panes(size: int) -> str:  # sibling tab panels, the shown one last (html_text._repeated_tab)
    pane = f"<div class='tab-pane'><p>{_PROSE}</p></div>"
    return _html(
        "<div class='tab-content'>" + _repeat(pane, size) + pane.replace("tab-pane", "tab-pane active") + "</div>"
    )


def _unclosed_quotes(size: int) -> str:
    return _repeat('<a b="', size)


# six links and a heading: read as Markdown (cleaner.markdown_text.looks_like_markdown)
_MD_LINKS = "".join(f"* [{w}](/{w.lower()})\n" for w in ("Home", "News", "Sport", "Arts", "Money", "Life"))
_MD_LINKS += "# Title\n"


def _markdown_article(size: int) -> str:
    return _MD_LINKS + _repeat(f"[{_PROSE[:30]}](https://example.org/a) {_PROSE}\n\n", size)


def _markdown_emphasis(size: int) -> str:
    return _MD_LINKS + _repeat("*a ", size)  # emphasis markers that never close


def _markdown_brackets(size: int) -> str:
    return _MD_LINKS + "[" * size + "\n](x)"


def _fragments(size: int) -> str:  # a text node a line (cleaner.fragment_text): every line a cut
    return _repeat("The storm reached the \ncoast\n on Monday, and \nschools\n closed.\n \n", size)


SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "prose": ("text", _prose),
    "dots": ("text", _dots),
    "marks": ("text", _marks),
    "titles-x-lists": ("text", _titles_and_lists),
    "short-lines": ("text", _many_short_lines),
    "long-line": ("text", _long_line),
    "one-char-run": ("text", _one_char_run),
    "sentences-in-a-line": ("text", _sentences_in_one_line),
    "space-run": ("text", _space_run),
    "cjk-no-spaces": ("text", _cjk),
    "cjk-lines": ("text", _cjk_lines),
    "emoji": ("text", _emoji),
    "rtl": ("text", _rtl),
    "nul-and-escapes": ("text", _controls),
    "markdown": ("text", _markdown_article),
    "markdown-emphasis": ("text", _markdown_emphasis),
    "markdown-brackets": ("text", _markdown_brackets),
    "fragments": ("text", _fragments),
    "html-paragraphs": ("html", _html_paragraphs),
    "attributes": ("html", _attributes),
    "xml-declaration": ("html", _xml_decl),
    "deep-nesting": ("html", _deep_nesting),
    "deep-mixed-nesting": ("html", _deep_mixed),
    "deep-json-ld": ("html", _deep_json_ld),
    "entities": ("html", _entities),
    "unclosed-quotes": ("html", _unclosed_quotes),
    "tab-panes": ("html", _tab_panes),
}

_NOISE_SECONDS = 0.02
_NOISE_MB = 8.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _worker(shape: str, sizes: list[int]) -> None:
    """Clean the shape at each size in this process; print one JSON line a size."""
    import cleaner
    from cleaner.errors import CleanerError

    kind, build = SHAPES[shape]
    cleaner.clean("Warm up the model. It loads once.")
    cleaner.clean_html("<p>Warm up the parser.</p>")
    base = _peak_mb()
    for size in sizes:
        page = build(size)
        run = cleaner.clean if kind == "text" else cleaner.clean_html
        best = float("inf")
        outcome = "ok"
        for _ in range(3 if size < (1 << 20) else 1):
            start = time.process_time()
            try:
                run(page)
            except CleanerError as exc:
                outcome = type(exc).__name__
            best = min(best, time.process_time() - start)
        del page
        row = {"size": size, "seconds": best, "peak_mb": _peak_mb() - base, "outcome": outcome}
        print(json.dumps(row), flush=True)


def _ratio(new: float, old: float, noise: float) -> str:
    if old <= 0 or new < noise or old < noise:
        return f"({new / old:.1f})" if old > 0 else "(-)"
    return f"{new / old:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-kb", type=int, default=64)
    parser.add_argument("--max-mb", type=float, default=8)
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shape names")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = []
    size = args.min_kb * 1024
    while size <= args.max_mb * (1 << 20):
        sizes.append(size)
        size *= 2
    if args.worker:
        _worker(args.worker, sizes)
        return 0
    worst_time = worst_mem = 0.0
    print(f"{'shape':<20} {'size':>6} {'CPU s':>8} {'x':>6} {'peak MB':>8} {'x':>6}  outcome")
    for shape in args.shapes.split(","):
        if shape not in SHAPES:
            parser.error(f"unknown shape {shape!r}; the shapes are {', '.join(SHAPES)}")
        cmd = [
            sys.executable,
            __file__,
            "--worker",
            shape,
            "--min-kb",
            str(args.min_kb),
            "--max-mb",
            str(args.max_mb),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0:
            print(f"{shape:<20} failed: {done.stderr.strip().splitlines()[-1:]}")
            worst_time = worst_mem = float("inf")
        prev: dict[str, float] | None = None
        for row in rows:
            t_ratio = m_ratio = ""
            if prev is not None:
                t_ratio = _ratio(row["seconds"], prev["seconds"], _NOISE_SECONDS)
                m_ratio = _ratio(row["peak_mb"], prev["peak_mb"], _NOISE_MB)
                if not t_ratio.startswith("("):
                    worst_time = max(worst_time, float(t_ratio))
                if not m_ratio.startswith("("):
                    worst_mem = max(worst_mem, float(m_ratio))
            label = f"{row['size'] / 1024:.0f}K" if row["size"] < (1 << 20) else f"{row['size'] / (1 << 20):.0f}M"
            print(
                f"{shape:<20} {label:>6} {row['seconds']:>8.3f} {t_ratio:>6} {row['peak_mb']:>8.1f} "
                f"{m_ratio:>6}  {row['outcome']}",
                flush=True,
            )
            prev = row
    print(f"largest ratio per doubling: time {worst_time:.1f}, peak memory {worst_mem:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
