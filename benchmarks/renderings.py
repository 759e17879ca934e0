"""Cleaner on page text from other renderers: the same pages, written out by other tools.

    pip install html2text markdownify inscriptis beautifulsoup4   # not cleaner's dependencies
    apt install lynx w3m                                           # text browsers, optional
    python benchmarks/renderings.py ../shared/datasets [--split validation] [--limit 100]
        [--page-type article]

Users hand cleaner the text their scraper wrote, not cleaner's own rendering. This
takes the pages of the peers benchmark (``benchmarks/peers/run.py``'s selection: the
records of ``--split`` with HTML and gold, the first ``--limit`` of them by the SHA-1
of their ids, of ``--page-type`` unless "all"), writes each out with every renderer
installed (cleaner's browser rendering, html2text's Markdown unwrapped and wrapped at
78 characters as it does by default, markdownify's Markdown, the dumps of the text
browsers lynx and w3m,
inscriptis's text, BeautifulSoup's ``get_text("\\n")``, with ``strip=True`` and as one
line with ``get_text(" ", strip=True)``), cleans the text with
:func:`cleaner.clean` as it reads them by default (Markdown as Markdown, a text
browser's dump as one, text nodes a line joined into paragraphs, a text of one line a
sentence a line) and as plain text (``markdown=False, dumps=False, fragments=False,
flat=False``), and prints the main article's body word-F1 and
headline accuracy against the gold (:func:`cleaner.evaluate.main_article`,
:func:`cleaner.evaluate.headline_matches`), with the word-F1 of keeping the whole text.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "peers"))

from run import select_pages  # noqa: E402

from cleaner import Cleaner, CleanerConfig  # noqa: E402
from cleaner.evaluate import GoldArticle, headline_matches, main_article  # noqa: E402
from cleaner.html_text import html_to_text  # noqa: E402

_WORD = re.compile(r"\w+")


def word_f1(got: str, want: str) -> float:
    g = collections.Counter(_WORD.findall(got.lower()))
    w = collections.Counter(_WORD.findall(want.lower()))
    tp = sum((g & w).values())
    return 0.0 if tp == 0 else 2 * tp / (sum(g.values()) + sum(w.values()))


def renderers() -> dict[str, Callable[[str], str]]:
    """The renderers installed, by name."""
    out: dict[str, Callable[[str], str]] = {"cleaner browser": lambda h: html_to_text(h, mode="browser")}
    if importlib.util.find_spec("html2text"):
        import html2text

        def h2t(h: str) -> str:
            conv = html2text.HTML2Text()
            conv.body_width = 0  # no hard wrapping, as crawlers write Markdown
            return str(conv.handle(h))

        def h2t_wrapped(h: str) -> str:
            return str(html2text.HTML2Text().handle(h))  # its default: lines wrapped at 78 characters

        out["html2text (Markdown)"] = h2t
        out["html2text, wrapped at 78 (its default)"] = h2t_wrapped
    if importlib.util.find_spec("markdownify"):
        import markdownify

        out["markdownify (Markdown)"] = lambda h: str(markdownify.markdownify(h))
    if importlib.util.find_spec("inscriptis"):
        import inscriptis

        out["inscriptis"] = lambda h: str(inscriptis.get_text(h))
    if importlib.util.find_spec("bs4"):
        from bs4 import BeautifulSoup

        out["BeautifulSoup get_text"] = lambda h: str(BeautifulSoup(h, "lxml").get_text("\n"))
        out["BeautifulSoup get_text, stripped"] = lambda h: str(BeautifulSoup(h, "lxml").get_text("\n", strip=True))
        out["BeautifulSoup get_text, one line"] = lambda h: str(BeautifulSoup(h, "lxml").get_text(" ", strip=True))
    if shutil.which("lynx"):  # Debian: apt install lynx

        def lynx(h: str) -> str:
            args = ["lynx", "-dump", "-stdin", "-display_charset=utf-8", "-assume_charset=utf-8"]
            return subprocess.run(args, input=h.encode(), capture_output=True, timeout=60).stdout.decode(
                "utf-8", "replace"
            )

        out["lynx -dump"] = lynx
    if shutil.which("w3m"):

        def w3m(h: str) -> str:
            args = ["w3m", "-dump", "-T", "text/html", "-O", "utf-8", "-I", "utf-8"]
            return subprocess.run(args, input=h.encode(), capture_output=True, timeout=60).stdout.decode(
                "utf-8", "replace"
            )

        out["w3m -dump"] = w3m
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, nargs="?", default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--split", default="validation")
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--page-type", default="article", help='a page type of the datasets, or "all"')
    args = ap.parse_args(argv)
    pages = [
        p
        for p in select_pages(args.datasets, args.split, None, None)
        if args.page_type == "all" or p.get("page_type") == args.page_type
    ][: args.limit or None]
    plain = CleanerConfig(markdown=False, dumps=False, fragments=False, flat=False)
    cleaners = {"markdown read": Cleaner(), "as plain text": Cleaner(config=plain)}
    rows = []
    for name, render in renderers().items():
        scores: dict[str, list[tuple[float, bool]]] = collections.defaultdict(list)
        keep = []
        for p in pages:
            gold = p["gold"]
            try:
                text = render(p["html"])
            except Exception:  # a renderer's crash counts as an empty text
                text = ""
            keep.append(word_f1(text, gold.get("body") or ""))
            for how, c in cleaners.items():
                articles = c.clean(text).articles
                m = main_article(articles, GoldArticle(title=gold.get("title"), body=gold.get("body")))
                body = "\n".join(m.body) if m else ""
                right = bool(m and m.headline and gold.get("title") and headline_matches(m.headline, gold["title"]))
                scores[how].append((word_f1(body, gold.get("body") or ""), right))
        n = max(1, len(pages))
        a, b = scores["markdown read"], scores["as plain text"]
        rows.append(
            f"| {name} | {sum(x[0] for x in a) / n:.3f} | {sum(x[0] for x in b) / n:.3f} | "
            f"{sum(x[1] for x in a) / n:.3f} | {sum(x[1] for x in b) / n:.3f} | {sum(keep) / n:.3f} |"
        )
    print(f"{len(pages)} pages of the {args.split} split ({args.page_type}), raw text in, cleaner.clean\n")
    print("| rendering | body word-F1 | (as plain text) | headline | (as plain text) | keep everything |")
    print("|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
