"""Render HTML as the raw page text a scraper would produce.

Two renderings (``mode``):

* ``"browser"``: what a browser's select-all copy gives: one visual block a line
  (``p``, ``div``, ``h1``-``h6``, ``li``, ``tr``, ``br``, ``section``, ...), inline text
  joined, white space collapsed; ``script``, ``style``, ``noscript``, ``template``,
  ``svg``, ``head``, ``iframe`` and hidden elements dropped.
* ``"collapsed"``: the same blocks, but some containers (paragraph runs, lists,
  article cards) have their blocks run together on one line, joined by spaces, as
  scrapers that flatten a container's text do. Which containers collapse is chosen
  by a seeded pseudo-random draw, so a rendering is reproducible.

:func:`html_to_text` returns the text. :func:`render_blocks` also returns each block's
character offsets and where it came from (link text, heading level, navigation zone,
enclosing list item or card), which :mod:`training.align` uses to label the text.

>>> html_to_text("<h1>Title</h1><p>One <b>bold</b> word.<script>x()</script></p><p>Two</p>")
'Title\\nOne bold word.\\nTwo'
"""

from __future__ import annotations

import codecs
import random
import re
from dataclasses import dataclass, field

from lxml import etree

from .config import HTML_MODES
from .errors import InputTypeError, UnsupportedInputError

__all__ = [
    "MODES",
    "Block",
    "HTMLInputError",
    "RenderedPage",
    "html_to_text",
    "parse_html",
    "render_blocks",
    "render_tree",
]

MODES: tuple[str, ...] = HTML_MODES
"""The rendering modes :func:`html_to_text` accepts."""


class HTMLInputError(UnsupportedInputError):
    """The HTML input cannot be rendered (not HTML, or not parseable)."""


# Elements whose content a reader never sees.
_DROP = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "head", "iframe", "object",
        "embed", "canvas", "math", "select", "option", "datalist", "map", "title", "meta", "link",
    }
)  # fmt: skip

# Elements that start and end a visual block (a line of their own).
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
        "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot",
        "thead", "tr", "ul", "noframes", "frameset", "frame", "textarea",
    }
)  # fmt: skip

_CELL = frozenset({"td", "th"})
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Zones whose text is page furniture rather than content.
_ZONE = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
# Containers that may hold one article card or list entry.
_CARD = frozenset({"li", "article", "tr", "dd"})

_WS = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(slots=True)
class Block:
    """One visual block of a rendered page.

    Attributes:
        start: offset of the block's first character in :attr:`RenderedPage.text`.
        end: offset just past its last character.
        tag: the innermost block element it comes from (``"p"``, ``"li"``, ...).
        heading: 1-6 inside ``h1``-``h6``, else 0.
        zone: the innermost ``nav``/``header``/``footer``/``aside``/``form``/``menu``
            enclosing it, or ``""``.
        card: an id of the innermost ``li``/``article``/``tr``/``dd`` enclosing it, or -1.
        links: ``(start, end)`` offsets of the text of links to other pages inside the
            block (``<a href>``, except ``href="#..."`` and ``javascript:`` links).
        ancestors: ids of the enclosing block elements, outermost first.
    """

    start: int
    end: int
    tag: str
    heading: int = 0
    zone: str = ""
    card: int = -1
    links: list[tuple[int, int]] = field(default_factory=list)
    ancestors: tuple[int, ...] = ()

    @property
    def link_chars(self) -> int:
        """Number of characters of link text in the block."""
        return sum(e - s for s, e in self.links)


@dataclass(slots=True)
class RenderedPage:
    """A rendering: the text and its blocks, in order (several may share a line)."""

    text: str
    blocks: list[Block]
    mode: str


def _decoded(data: bytes) -> str | bytes:
    """HTML bytes as text where they are UTF-8 (a byte-order mark aside), else the bytes.

    libxml2 reads bytes in the charset a ``<meta>`` declares, but only if the
    declaration comes before any other non-ASCII byte, and in Latin-1 without one: a
    UTF-8 page whose ``<title>`` precedes its ``<meta charset>`` came out as "mÃ¶gen".
    Bytes that are valid UTF-8 are UTF-8 (a page in another charset almost never is);
    the others go to libxml2 and its charset detection.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return data  # with its byte-order mark, which libxml2 heeds


def parse_html(html: str | bytes) -> etree._Element | None:
    """Parse HTML leniently; return the root element, or None for an empty document.

    Bytes are read as UTF-8 when they are valid UTF-8, else in the charset the page
    declares (libxml2's detection; Latin-1 without a declaration).

    Raises:
        InputTypeError: ``html`` is neither ``str`` nor ``bytes``.
        HTMLInputError: lxml cannot parse it at all.
    """
    if isinstance(html, bytearray | memoryview):
        html = bytes(html)
    if not isinstance(html, str | bytes):
        raise InputTypeError(
            f"HTML must be str or bytes, not {type(html).__name__}; "
            "read a file with open(path, 'rb').read() and pass the bytes, so that the "
            "page's own <meta charset> decides the encoding"
        )
    if not html.strip():
        return None
    if isinstance(html, bytes):
        html = _decoded(html)
    if isinstance(html, str):
        if html.lstrip().startswith("<?"):
            html = _XML_DECL.sub("", html, count=1)
        if "\x00" in html:
            html = html.replace("\x00", "")
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError) as exc:
        raise HTMLInputError(f"cannot parse the input as HTML: {exc}") from exc
    return root


class _Builder:
    """Accumulates inline text into blocks while walking the tree."""

    __slots__ = ("blocks", "buf", "buf_len", "link_open", "links", "parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.buf_len = 0
        self.links: list[tuple[int, int]] = []
        self.link_open = -1

    def add(self, text: str, in_link: bool) -> None:
        if not text:
            return
        text = _WS.sub(" ", text)
        if text == " ":
            if self.buf and not self.buf[-1].endswith(" "):
                self.buf.append(" ")
                self.buf_len += 1
            return
        if text[0] == " " and (not self.buf or self.buf[-1].endswith(" ")):
            text = text[1:]
        start = self.buf_len
        if in_link:
            lead = len(text) - len(text.lstrip(" "))
            s, e = start + lead, start + len(text.rstrip(" "))
            if self.links and self.links[-1][1] >= s - 1 and self.link_open == 1:
                self.links[-1] = (self.links[-1][0], e)
            else:
                self.links.append((s, e))
            self.link_open = 1
        else:
            self.link_open = 0
        self.buf.append(text)
        self.buf_len += len(text)

    def flush(self, tag: str, heading: int, zone: str, card: int, ancestors: tuple[int, ...]) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        lead = len(raw) - len(raw.lstrip(" "))
        text = raw.strip(" ")
        self.buf = []
        self.buf_len = 0
        links = self.links
        self.links = []
        self.link_open = -1
        if not text:
            return
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        start = self.pos
        n = len(text)
        block_links = []
        for s, e in links:
            s, e = max(0, s - lead), min(n, e - lead)
            if e > s:
                block_links.append((start + s, start + e))
        self.parts.append(text)
        self.pos += n
        self.blocks.append(Block(start, start + n, tag, heading, zone, card, block_links, ancestors))


def _is_link(href: str | None) -> bool:
    """True for a link to another page (not ``#fragment`` or ``javascript:``)."""
    if href is None:
        return False
    href = href.strip()
    return bool(href) and not href.startswith("#") and not href.lower().startswith("javascript:")


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return style is not None and _DISPLAY_NONE.search(style) is not None


def _walk(root: etree._Element, keep_noscript: bool = False) -> RenderedPage:
    b = _Builder()
    # Stacks describing where we are; each entry is pushed on "start", popped on "end".
    block_stack: list[tuple[str, int]] = []  # (tag, id)
    heading_stack: list[int] = []
    zone_stack: list[str] = []
    card_stack: list[int] = []
    link_depth = 0
    next_id = 0
    pushed: list[int] = []  # bit flags of what each open element pushed

    def ctx() -> tuple[str, int, str, int, tuple[int, ...]]:
        return (
            block_stack[-1][0] if block_stack else "body",
            heading_stack[-1] if heading_stack else 0,
            zone_stack[-1] if zone_stack else "",
            card_stack[-1] if card_stack else -1,
            tuple(i for _, i in block_stack),
        )

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions, entities
            if event == "end" and el.tail:
                b.add(el.tail, link_depth > 0)
            continue
        tag = tag.lower()
        if event == "start":
            if (tag in _DROP and not (keep_noscript and tag == "noscript")) or _is_hidden(el):
                walker.skip_subtree()
                pushed.append(-1)
                continue
            flags = 0
            if tag in _BLOCK:
                b.flush(*ctx())
                block_stack.append((tag, next_id))
                next_id += 1
                flags |= 1
                if tag in _HEADING:
                    heading_stack.append(_HEADING[tag])
                    flags |= 2
                if tag in _ZONE:
                    zone_stack.append(tag)
                    flags |= 4
                if tag in _CARD:
                    card_stack.append(next_id - 1)
                    flags |= 8
            elif tag == "br":
                b.flush(*ctx())
            elif tag in _CELL:
                b.add(" ", False)
            elif tag == "a" and _is_link(el.get("href")):
                link_depth += 1
                flags |= 16
            pushed.append(flags)
            if el.text:
                b.add(el.text, link_depth > 0)
        else:
            flags = pushed.pop()
            if flags > 0:
                if flags & 1:
                    b.flush(*ctx())
                    block_stack.pop()
                if flags & 2:
                    heading_stack.pop()
                if flags & 4:
                    zone_stack.pop()
                if flags & 8:
                    card_stack.pop()
                if flags & 16:
                    link_depth -= 1
                    b.link_open = 0  # the next link is another range, even if adjacent
            elif flags == 0 and tag in _CELL:
                b.add(" ", False)
            if el.tail:
                b.add(el.tail, link_depth > 0)
    b.flush(*ctx())
    return RenderedPage("".join(b.parts), b.blocks, "browser")


# A container is collapsed only if its text is at most this long: whole-page
# wrappers stay broken into lines, as they do in the scraped pages we have seen
# (the seed page's cards run to about 2,500 characters).
_MAX_COLLAPSE_CHARS = 4000
# Chance that an eligible container is collapsed (a guess: about half of the
# containers of the seed page's cards are).
_COLLAPSE_P = 0.5


def _collapse(page: RenderedPage, seed: int) -> RenderedPage:
    """Join the blocks of some containers onto one line; see the module docstring."""
    blocks = page.blocks
    if len(blocks) < 2:
        return RenderedPage(page.text, blocks, "collapsed")
    # Per container id: first and last block index and text size.
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    size: dict[int, int] = {}
    for i, blk in enumerate(blocks):
        n = blk.end - blk.start
        for a in blk.ancestors:
            if a not in first:
                first[a] = i
            last[a] = i
            size[a] = size.get(a, 0) + n
    rng = random.Random(seed)
    chosen: list[tuple[int, int]] = []
    covered_until = -1
    # Visit containers in document order (ids grow in document order), outermost first.
    for cid in sorted(first):
        lo, hi = first[cid], last[cid]
        if hi == lo or size[cid] > _MAX_COLLAPSE_CHARS or lo <= covered_until:
            continue
        if rng.random() < _COLLAPSE_P:
            chosen.append((lo, hi))
            covered_until = hi
    join_with_prev = [False] * len(blocks)
    for lo, hi in chosen:
        for i in range(lo + 1, hi + 1):
            join_with_prev[i] = True
    parts: list[str] = []
    out: list[Block] = []
    pos = 0
    text = page.text
    for i, blk in enumerate(blocks):
        if i:
            parts.append(" " if join_with_prev[i] else "\n")
            pos += 1
        shift = pos - blk.start
        piece = text[blk.start : blk.end]
        parts.append(piece)
        out.append(
            Block(
                blk.start + shift,
                blk.end + shift,
                blk.tag,
                blk.heading,
                blk.zone,
                blk.card,
                [(s + shift, e + shift) for s, e in blk.links],
                blk.ancestors,
            )
        )
        pos += len(piece)
    return RenderedPage("".join(parts), out, "collapsed")


# Below this many characters of text a page is taken for a JavaScript shell and is
# rendered again with its <noscript> content, kept if it adds at least as many (four of five empty renderings in the
# peers benchmark were Discourse forums whose posts sit in <noscript>).
_NOSCRIPT_FALLBACK_CHARS = 200


def render_tree(root: etree._Element | None, *, mode: str = "browser", seed: int = 0) -> RenderedPage:
    """Render a tree from :func:`parse_html` (None gives an empty page); see :func:`render_blocks`."""
    if mode not in MODES:
        raise UnsupportedInputError(f"unknown rendering mode {mode!r}; the modes are {', '.join(MODES)}")
    if root is None:
        return RenderedPage("", [], mode)
    page = _walk(root)
    if len(page.text) < _NOSCRIPT_FALLBACK_CHARS:
        # a page built by JavaScript (Discourse forums, some shops) may carry its only
        # text in <noscript>: what a scraper without JavaScript gets
        with_noscript = _walk(root, keep_noscript=True)
        if len(with_noscript.text) >= len(page.text) + _NOSCRIPT_FALLBACK_CHARS:
            page = with_noscript
    if mode == "collapsed":
        page = _collapse(page, seed)
    return page


def render_blocks(html: str | bytes, *, mode: str = "browser", seed: int = 0) -> RenderedPage:
    """Render HTML and return the text with its blocks; see :func:`html_to_text`.

    Args:
        html: the page, as text or as bytes (decoded by lxml from the page's charset).
        mode: ``"browser"`` or ``"collapsed"``.
        seed: for ``"collapsed"``, the seed of the draw of containers to collapse.
    """
    if mode not in MODES:
        raise UnsupportedInputError(f"unknown rendering mode {mode!r}; the modes are {', '.join(MODES)}")
    return render_tree(parse_html(html), mode=mode, seed=seed)


def html_to_text(html: str | bytes, *, mode: str = "browser", seed: int = 0) -> str:
    """Return the text of an HTML page, one visual block a line.

    Args:
        html: the page, as ``str`` or ``bytes``; broken HTML is repaired as browsers do,
            an empty document gives ``""``.
        mode: ``"browser"`` (one block a line) or ``"collapsed"`` (some containers'
            blocks run together on one line); see the module docstring.
        seed: for ``"collapsed"``, selects which containers collapse.

    Raises:
        InputTypeError: ``html`` is not ``str`` or ``bytes``.
        HTMLInputError: the input cannot be parsed as HTML.
        UnsupportedInputError: ``mode`` is unknown.
    """
    return render_blocks(html, mode=mode, seed=seed).text
