"""The extractors of the benchmark, one adapter each, all with one signature.

An adapter takes one page (``{"id", "input", "url", "lang"}``; ``input`` is HTML or
rendered text depending on the mode) and returns ``{"title", "body", "authors"}``
(title None where the tool does not extract one, authors None likewise). Adapters
import their library lazily, so this module imports with the standard library only:
the peers run in ``benchmarks/.venv-peers``, cleaner in the project's interpreter.

Raw-text mode: every tool gets the same rendered text
(``cleaner.html_text.html_to_text(html, mode="browser")``); HTML tools get it with each
non-blank line wrapped in ``<p>`` (:func:`lines_as_html`).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from typing import Any

Page = dict[str, Any]
Output = dict[str, Any]
Adapter = Callable[[Page], Output]


def _names(authors: Any) -> list[str]:
    """A tool's authors as a flat list of strings (goose3 sometimes nests lists)."""
    out: list[str] = []
    for a in authors or []:
        if isinstance(a, str):
            out.append(a)
        elif isinstance(a, list | tuple):
            out.extend(_names(a))
    return out


def lines_as_html(text: str) -> str:
    """Rendered text as an HTML document, one ``<p>`` per non-blank line."""
    paras = "".join(f"<p>{html_lib.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>\n{paras}</body></html>"


# ---- baselines ------------------------------------------------------------------------

# C4's line rules (Raffel et al. 2020; tensorflow_datasets c4_utils): keep a line only if
# it ends in terminal punctuation and has at least 3 words; drop lines that mention
# "javascript" or a cookie/terms/privacy policy. The page-level C4 rules (drop pages with
# fewer than 5 sentences, "lorem ipsum", curly braces, bad words) are not applied: they
# drop whole pages, which would score 0 here rather than filter lines.
_C4_END = (".", "!", "?", '"', "”")
_C4_POLICY = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)


def c4_rules(page: Page) -> Output:
    keep = []
    for line in page["input"].splitlines():
        s = line.strip()
        low = s.lower()
        if len(s.split()) < 3 or not s.endswith(_C4_END):
            continue
        if "javascript" in low or any(p in low for p in _C4_POLICY):
            continue
        keep.append(s)
    return {"title": None, "body": "\n".join(keep), "authors": None}


def keep_all(page: Page) -> Output:
    return {"title": None, "body": page["input"], "authors": None}


# ---- cleaner --------------------------------------------------------------------------

_cleaner: Any = None


def _get_cleaner() -> Any:
    global _cleaner
    if _cleaner is None:
        from cleaner import Cleaner

        _cleaner = Cleaner()
    return _cleaner


def _cleaner_output(result: Any) -> Output:
    articles = [a.to_dict() for a in result.articles]
    segments = [[s.start, s.end, s.label, s.confidence] for s in result.segments]
    return {"title": None, "body": None, "authors": None, "articles": articles, "segments": segments}


def cleaner_text(page: Page) -> Output:
    return _cleaner_output(_get_cleaner().clean(page["input"]))


def cleaner_html(page: Page) -> Output:
    return _cleaner_output(_get_cleaner().clean_html(page["input"]))


# ---- peers ----------------------------------------------------------------------------


def trafilatura(page: Page) -> Output:
    import trafilatura as t

    doc = t.bare_extraction(page["input"], url=page.get("url"), with_metadata=True)
    if doc is None:
        return {"title": None, "body": "", "authors": []}
    d = doc if isinstance(doc, dict) else doc.as_dict()
    authors = [a.strip() for a in (d.get("author") or "").split(";") if a.strip()]
    return {"title": d.get("title"), "body": d.get("text") or "", "authors": authors}


def _html_text(fragment: str) -> str:
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def readability(page: Page) -> Output:
    from readability import Document

    doc = Document(page["input"])
    return {"title": doc.short_title(), "body": _html_text(doc.summary(html_partial=True)), "authors": None}


_JUSTEXT_LANGS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "cs": "Czech", "sv": "Swedish",
    "da": "Danish", "no": "Norwegian_Bokmal", "fi": "Finnish", "ru": "Russian", "tr": "Turkish",
    "id": "Indonesian", "ro": "Romanian", "hu": "Hungarian", "uk": "Ukrainian", "el": "Greek",
}  # fmt: skip
_HTML_LANG = re.compile(r"<html[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2})", re.IGNORECASE)


def _justext_stoplist(page: Page) -> frozenset[str]:
    """jusText needs the page's language: the record's, else the HTML's lang attribute,
    else English (raw-text mode has no lang attribute, so it falls back to the HTML's,
    passed along as ``lang_hint``)."""
    import justext as j

    lang = (page.get("lang") or "").split("-")[0].lower()
    if not lang:
        m = _HTML_LANG.search(page.get("lang_hint") or page["input"][:5000])
        lang = m.group(1).lower() if m else "en"
    return frozenset(j.get_stoplist(_JUSTEXT_LANGS.get(lang, "English")))


def justext(page: Page) -> Output:
    import justext as j

    paras = j.justext(page["input"].encode("utf-8"), _justext_stoplist(page), encoding="utf-8")
    return {
        "title": None,
        "body": "\n\n".join(p.text for p in paras if not p.is_boilerplate),
        "authors": None,
    }


def boilerpy3(page: Page) -> Output:
    from boilerpy3 import extractors

    doc = extractors.ArticleExtractor(raise_on_failure=False).get_doc(page["input"])
    return {"title": doc.title, "body": doc.content or "", "authors": None}


def resiliparse(page: Page) -> Output:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(page["input"])
    return {"title": None, "body": extract_plain_text(tree, main_content=True), "authors": None}


def newspaper4k(page: Page) -> Output:
    import newspaper

    art = newspaper.Article(page.get("url") or "https://example.com/page", fetch_images=False)
    art.download(input_html=page["input"])
    art.parse()
    return {"title": art.title or None, "body": art.text or "", "authors": _names(art.authors)}


_goose: Any = None


def goose3(page: Page) -> Output:
    global _goose
    if _goose is None:
        from goose3 import Goose

        _goose = Goose()
    art = _goose.extract(raw_html=page["input"], url=page.get("url"))
    return {"title": art.title or None, "body": art.cleaned_text or "", "authors": _names(art.authors)}


ADAPTERS: dict[str, Adapter] = {
    "cleaner": cleaner_text,
    "cleaner-html": cleaner_html,
    "c4-rules": c4_rules,
    "keep-all": keep_all,
    "trafilatura": trafilatura,
    "readability-lxml": readability,
    "justext": justext,
    "boilerpy3": boilerpy3,
    "resiliparse": resiliparse,
    "newspaper4k": newspaper4k,
    "goose3": goose3,
}

# Which tools run in which mode, and whether they run in the peers' environment.
TEXT_TOOLS = ("cleaner", "c4-rules", "keep-all", "trafilatura", "justext", "boilerpy3")
HTML_TOOLS = (
    "cleaner-html", "trafilatura", "readability-lxml", "justext", "boilerpy3",
    "resiliparse", "newspaper4k", "goose3",
)  # fmt: skip
PEERS = frozenset({"trafilatura", "readability-lxml", "justext", "boilerpy3", "resiliparse", "newspaper4k", "goose3"})
# Tools given the lines of the rendered text wrapped in <p> in raw-text mode.
WRAP_IN_TEXT_MODE = frozenset({"trafilatura", "justext", "boilerpy3"})
