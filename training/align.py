"""Label rendered page text by aligning it with a page's gold article.

The datasets give page-level gold (title, authors or byline, date, body text), not
labels per block. :func:`align_page` renders the HTML (:mod:`cleaner.html_text`),
then labels every block, or part of a block, of the rendering:

* ``body``: words aligned with the gold body. Alignment is by word trigram anchors:
  each page trigram that occurs in the gold body is a candidate pair (page position,
  gold position); the longest chain of pairs increasing in both is kept (so a teaser
  that repeats the first sentence above the article does not win over the article),
  runs of fewer than :data:`MIN_RUN` anchors are dropped as chance matches, and small
  gaps that the gold also has words for are filled.
* ``headline``: the one block most like the gold title (site prefixes and suffixes
  such as ``" | Site"`` allowed), preferring ``h1``, then headings, then the block
  nearest before the body.
* ``byline``: short blocks near the headline and the start or end of the body that
  hold a gold author name, most of the gold byline, or the gold date.
* ``related-item``: link text of 4-30 words outside navigation, header, footer and
  forms, where the page has at least two of them, plus teaser text in the same card
  (list item, ``article``) as such a link.
* ``junk``: the rest.

A block that is partly body (a byline prefix, or a "Related coverage:" tail) is split
at word boundaries, so spans are per segment, not per line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from cleaner.html_text import Block, RenderedPage
from cleaner.labels import Label
from cleaner.samples import LabelledPage, LabelSpan

__all__ = ["AlignStats", "Gold", "align_rendered", "gold_from_record", "words"]

_WORD = re.compile(r"\w+")

NGRAM = 3
"""Anchor length in words (3: long enough to be rare on a page, short enough to survive
the small wording differences between gold text and page text)."""
MIN_RUN = 2
"""Anchor runs shorter than this many consecutive trigrams (4 words) are dropped as chance
matches unless the gold body itself is that short. Chosen on the audit sample."""
RELATED_LINK_SHARE = 0.65
"""Share of a segment's characters in link text for it to be a related item: lets
"Read More: <linked title>" in, keeps sentences with a link in them out (audit)."""
TEASER_CARD_WORDS = 80
"""A list item or ``article`` of at most this many words that holds a related link is a
teaser card: its other text of 5-60 words is the teaser. Larger containers are not cards."""
MIN_SPLIT_WORDS = 4
"""A non-body run inside a body block is split off only from this many words; shorter runs
(a footnote mark, "(AP)") are taken as body, as the gold differs there by formatting."""


@dataclass(frozen=True)
class Gold:
    """The gold article of a record, as far as its dataset annotates it."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    byline: str | None = None
    date: str | None = None
    body: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "authors": list(self.authors),
            "byline": self.byline,
            "date": self.date,
            "body": self.body,
        }


def gold_from_record(record: dict[str, Any]) -> Gold:
    """Return the :class:`Gold` of a dataset record (see the datasets README)."""
    g = record.get("gold") or {}
    authors = g.get("authors") or []
    return Gold(
        title=g.get("title") or None,
        authors=tuple(a for a in authors if isinstance(a, str) and a.strip()),
        byline=g.get("byline") or None,
        date=g.get("date") or None,
        body=g.get("body") or None,
    )


@dataclass
class AlignStats:
    """How well a page aligned: share of gold body words found, and what was found."""

    body_words: int = 0
    body_matched: int = 0
    headline_found: bool = False
    byline_blocks: int = 0
    related_blocks: int = 0
    long_junk_words: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def body_coverage(self) -> float:
        return self.body_matched / self.body_words if self.body_words else 0.0


def words(text: str) -> list[str]:
    """Normalized words of ``text`` (``\\w+`` runs, case-folded), as used for matching."""
    return [m.group().casefold() for m in _WORD.finditer(text)]


# --------------------------------------------------------------------------- body


def _lis_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs strictly increasing in both coordinates (pairs sorted by i)."""
    # Sort by i ascending, j descending, so pairs with one i cannot chain together.
    pairs.sort(key=lambda p: (p[0], -p[1]))
    tails: list[int] = []  # smallest j ending a chain of each length
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[pos] = j
            tail_idx[pos] = k
        prev[k] = tail_idx[pos - 1] if pos else -1
    chain: list[tuple[int, int]] = []
    k = tail_idx[-1] if tail_idx else -1
    while k >= 0:
        chain.append(pairs[k])
        k = prev[k]
    chain.reverse()
    return chain


def align_body(page_words: Sequence[str], gold_words: Sequence[str]) -> tuple[list[bool], int]:
    """Mark the page words aligned with the gold body; return the marks and gold words matched."""
    n_page, n_gold = len(page_words), len(gold_words)
    marks = [False] * n_page
    if not n_page or not n_gold:
        return marks, 0
    n = NGRAM if n_gold >= 2 * NGRAM else 1
    index: dict[tuple[str, ...], list[int]] = {}
    for j in range(n_gold - n + 1):
        index.setdefault(tuple(gold_words[j : j + n]), []).append(j)
    pairs: list[tuple[int, int]] = []
    for i in range(n_page - n + 1):
        js = index.get(tuple(page_words[i : i + n]))
        if js and len(js) <= 8:  # a trigram repeated 9+ times in the gold anchors nothing
            pairs.extend((i, j) for j in js)
    if not pairs:
        return marks, 0
    chain = _lis_chain(pairs)
    # Split the chain into runs of consecutive anchors; drop short isolated runs.
    runs: list[list[tuple[int, int]]] = []
    for p in chain:
        if runs and p[0] == runs[-1][-1][0] + 1 and p[1] == runs[-1][-1][1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    min_run = MIN_RUN if n_gold >= 12 else 1
    kept = [r for r in runs if len(r) >= min_run]
    gold_marks = [False] * n_gold
    prev_end: tuple[int, int] | None = None
    for run in kept:
        i0, j0 = run[0]
        i1, j1 = run[-1][0] + n, run[-1][1] + n
        if prev_end is not None:
            gi, gj = i0 - prev_end[0], j0 - prev_end[1]
            # Fill a gap the gold has words for too: a word spelled differently, a link.
            if 0 < gi <= 2 * gj + 2 and gj > 0:
                for i in range(prev_end[0], i0):
                    marks[i] = True
                for j in range(prev_end[1], j0):
                    gold_marks[j] = True
        for i in range(i0, i1):
            marks[i] = True
        for j in range(j0, j1):
            gold_marks[j] = True
        prev_end = (i1, j1)
    return marks, sum(gold_marks)


# ---------------------------------------------------------------------- headline

_TITLE_SEP = re.compile(r"\s+[|\-–—:·•»/]+\s+|\s*\|\s*|\s+::\s+")


def _title_variants(title: str) -> list[list[str]]:
    variants = [words(title)]
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) > 1:
        longest = max(parts, key=lambda p: len(words(p)))
        variants.append(words(longest))
        variants.append(words(" ".join(parts[:-1])))
        variants.append(words(" ".join(parts[1:])))
    return [v for v in variants if v]


def _title_score(block_words: list[str], variants: list[list[str]]) -> float:
    best = 0.0
    bset = set(block_words)
    for v in variants:
        if len(set(v) & bset) < 0.5 * len(set(v)):
            continue
        r = SequenceMatcher(None, block_words, v, autojunk=False).ratio()
        best = max(best, r)
    return best


# ------------------------------------------------------------------------ byline

_MONTHS = [
    ("january", "jan", "januar", "janvier", "enero", "gennaio", "jänner"),
    ("february", "feb", "februar", "février", "febrero", "febbraio", "fevrier"),
    ("march", "mar", "märz", "mars", "marzo", "maerz"),
    ("april", "apr", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio"),
    ("june", "jun", "juni", "juin", "junio", "giugno"),
    ("july", "jul", "juli", "juillet", "julio", "luglio"),
    ("august", "aug", "août", "agosto", "aout"),
    ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
    ("october", "oct", "oktober", "octobre", "octubre", "ottobre", "okt"),
    ("november", "nov", "novembre", "noviembre"),
    ("december", "dec", "dezember", "décembre", "diciembre", "dicembre", "dez"),
]
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _date_matcher(date: str | None) -> tuple[str, set[str], set[str]] | None:
    """Return (year, day forms, month forms) of a gold date, or None."""
    if not date:
        return None
    m = _DATE.search(date)
    if not m:
        return None
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return None
    days = {str(day), f"{day:02d}", f"{day}st", f"{day}nd", f"{day}rd", f"{day}th"}
    months = {str(month), f"{month:02d}", *_MONTHS[month - 1]}
    return year, days, months


def _has_date(bw: list[str], dm: tuple[str, set[str], set[str]]) -> bool:
    year, days, months = dm
    s = set(bw)
    if year in s or year[2:] in s:
        return bool(s & days) and bool(s & months)
    # "Sept. 4" without a year, next to a headline
    return bool(s & days) and bool(s & {m for m in months if not m.isdigit()})


# ------------------------------------------------------------------------ related

_NOT_RELATED = re.compile(
    r"privacy|cookie|terms of|terms and|\bsign (in|up)\b|\blog ?in\b|\bsubscribe\b|newsletter|"
    r"contact|all rights|advertis|skip to|read (our|the) full|open in a new|view on publisher|"
    r"access through|author publications|"
    r"\bcomments?\b|share (on|this)|follow us|download (the|our) app|app store|google play|"
    r"personal information|accessibility|sitemap|feedback|careers|about us|\binbox\b|"
    r"consultation|free trial|get started|get a quote|check prices?|buy now|shop now|\bshop\b|"
    r"create an account|\bdoi\b|\bago\b|min read|talk to|request a|\bcart\b|"
    r"credit:|\(image:|image:|photo:|photograph:|source:|getty|©|\bcaption\b",
    re.IGNORECASE,
)
"""Link texts that are site furniture, calls to action or captions, not related articles.
Collected from the first audit (training/README.md)."""
_SOCIAL = re.compile(
    r"facebook|twitter|\bx\b|instagram|pinterest|linkedin|youtube|google\+|discord|whatsapp|"
    r"tiktok|\bemail\b|\brss\b|reddit|bluesky|threads|read more|continue reading|view all|see all|"
    r"load more|learn more",
    re.IGNORECASE,
)
"""Social links and "Read more" buttons: not related items when the text is short
("Follow us on Facebook"), though "READ MORE: <a title>" is one."""
_DATEISH = re.compile(
    r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}(st|nd|rd|th)? (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)\b|"
    r"\b(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?,? \d{1,2}[:.]\d{2}|\b\d{1,2}:\d{2} ?(am|pm)\b|"
    r"\b\d+ (minutes?|mins?|hours?|hrs?|days?|weeks?) ago\b",
    re.IGNORECASE,
)
"""A date or time in a byline: "Nov 19, 2019", "19 Nov 2019", "2019-11-19", "3 hours ago"."""
_AUTHOR_SPLIT = re.compile(r",|;| and | & | und | et ")
_NAME = re.compile(r"^(?:[A-ZÀ-Ý][\w'’.-]*\s?){2,4}$")
"""Two to four capitalised words: a name next to a byline ("Adam Clark Estes")."""
_BY = re.compile(r"\b(by|von|par|por|door|av)\b", re.IGNORECASE)
_NOT_NAME = frozenset(
    "in this the all view of our and a an to for on with by editorial guidelines article more share "
    "follow read see show about news home menu search print save comments comment related top".split()
)


def _is_name(seg_text: str) -> bool:
    """Two to four capitalised words that are not common menu words ("Adam Clark Estes")."""
    text = seg_text.strip()
    return bool(_NAME.match(text)) and not any(w.casefold() in _NOT_NAME for w in text.split())


_BYLINE_WORDS = re.compile(
    r"^(by|von|par|por|di|door|av)\b|\b(published|updated|posted|written by|reviewed by|fact.checked|"
    r"min read|minute read|author|last updated|veröffentlicht|aktualisiert)\b",
    re.IGNORECASE,
)
"""Words that mark a byline line."""
_FURNITURE_ZONES = frozenset({"nav", "header", "footer", "form", "menu"})


# ---------------------------------------------------------------------- segments


@dataclass
class _Seg:
    """A run of a block's words with one body mark; the unit that gets a label."""

    block: int
    start: int  # char offsets into the page text
    end: int
    words: list[str]
    body: bool
    label: str = Label.JUNK


def _segments(page: RenderedPage, marks: list[bool], tok_block: list[int], tok_spans: list[tuple[int, int]]
              ) -> list[_Seg]:  # fmt: skip
    """Split blocks into runs of body / non-body words (short runs absorbed)."""
    segs: list[_Seg] = []
    text = page.text
    t = 0
    n_tok = len(tok_block)
    for b_idx, blk in enumerate(page.blocks):
        t0 = t
        while t < n_tok and tok_block[t] == b_idx:
            t += 1
        toks = range(t0, t)
        if not toks:
            segs.append(_Seg(b_idx, blk.start, blk.end, [], False))
            continue
        m = [marks[k] for k in toks]
        n_body = sum(m)
        if n_body == 0 or n_body == len(m):
            segs.append(_Seg(b_idx, blk.start, blk.end, [w for w, _ in _tok_words(text, tok_spans, toks)],
                             n_body > 0))  # fmt: skip
            continue
        # Absorb short non-body runs into the body; split off long ones.
        runs: list[list[int]] = []  # [value, start k, end k]
        for k, mark in enumerate(m):
            v = int(mark)
            if runs and runs[-1][0] == v:
                runs[-1][2] = k + 1
            else:
                runs.append([v, k, k + 1])
        if n_body < 3 and len(m) > 6:
            runs = [[0, 0, len(m)]]
        else:
            for r in runs:
                if r[0] == 0 and r[2] - r[1] < MIN_SPLIT_WORDS:
                    r[0] = 1
            merged: list[list[int]] = []
            for r in runs:
                if merged and merged[-1][0] == r[0]:
                    merged[-1][2] = r[2]
                else:
                    merged.append(r)
            runs = merged
        for r_i, (is_body, k0, k1) in enumerate(runs):
            if r_i == 0:
                s = blk.start
            else:
                # Split in the white space before the run's first word.
                first = tok_spans[t0 + k0][0]
                prev_end = tok_spans[t0 + k0 - 1][1]
                gap = text[prev_end:first]
                sp = gap.rfind(" ")
                s = prev_end + sp + 1 if sp >= 0 else first
            if r_i == len(runs) - 1:
                e = blk.end
            else:
                nk = runs[r_i + 1][1]
                first = tok_spans[t0 + nk][0]
                prev_end = tok_spans[t0 + nk - 1][1]
                gap = text[prev_end:first]
                sp = gap.rfind(" ")
                e = prev_end + sp if sp >= 0 else first
            seg_words = [text[a:b].casefold() for a, b in tok_spans[t0 + k0 : t0 + k1]]
            segs.append(_Seg(b_idx, s, e, seg_words, bool(is_body)))
    return segs


def _tok_words(text: str, tok_spans: list[tuple[int, int]], toks: range) -> list[tuple[str, int]]:
    return [(text[tok_spans[k][0] : tok_spans[k][1]].casefold(), k) for k in toks]


def _in_directory(segs: list[_Seg], k: int, blocks: list[Block], text: str) -> bool:
    """True if segment ``k`` sits inside a run of short links: a directory of place or
    category links ("Glens Falls movers"), not a list of article titles. Runs of 4+
    short links on both sides, or 8+ on one side, make a directory; cards of title,
    author, date and section links (3 short links between titles) do not."""

    def is_short_link(j: int) -> bool:
        sg = segs[j]
        blk = blocks[sg.block]
        return 0 < len(sg.words) < 4 and _link_share(blk, sg.start, sg.end, text) >= 0.8

    before = 0
    j = k - 1
    while j >= 0 and before < 8 and is_short_link(j):
        before, j = before + 1, j - 1
    after = 0
    j = k + 1
    while j < len(segs) and after < 8 and is_short_link(j):
        after, j = after + 1, j + 1
    return (before >= 4 and after >= 4) or before >= 8 or after >= 8


def _longest_link_words(blk: Block, start: int, end: int, text: str) -> int:
    best = 0
    for s, e in blk.links:
        lo, hi = max(s, start), min(e, end)
        if hi > lo:
            best = max(best, len(text[lo:hi].split()))
    return best


def _link_share(blk: Block, start: int, end: int, text: str) -> float:
    chars = sum(1 for ch in text[start:end] if not ch.isspace())
    if not chars:
        return 0.0
    linked = 0
    for s, e in blk.links:
        lo, hi = max(s, start), min(e, end)
        if hi > lo:
            linked += sum(1 for ch in text[lo:hi] if not ch.isspace())
    return linked / chars


def align_rendered(
    page: RenderedPage,
    gold: Gold,
    *,
    id: str,
    site: str | None = None,
    meta: dict[str, Any] | None = None,
    title_fallback: str | None = None,
) -> tuple[LabelledPage, AlignStats]:
    """Label a rendered page against its gold article.

    Args:
        page: the rendering (:func:`cleaner.html_text.render_tree`).
        gold: the record's gold article.
        id, site, meta: passed to the :class:`LabelledPage`.
        title_fallback: a title to look for when the gold has none (the page's
            ``og:title`` or ``<title>``); it marks the headline only where it matches
            a heading block.

    Returns:
        The labelled page and alignment statistics.
    """
    text = page.text
    stats = AlignStats()
    tok_spans: list[tuple[int, int]] = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    page_words = [text[s:e].casefold() for s, e in tok_spans]
    block_starts = [b.start for b in page.blocks]
    tok_block = [bisect.bisect_right(block_starts, s) - 1 for s, _ in tok_spans]
    gold_words = words(gold.body) if gold.body else []
    stats.body_words = len(gold_words)
    marks, stats.body_matched = align_body(page_words, gold_words)
    segs = _segments(page, marks, tok_block, tok_spans)
    blocks = page.blocks

    body_idx = [k for k, s in enumerate(segs) if s.body]
    for k in body_idx:
        segs[k].label = Label.BODY
    first_body = body_idx[0] if body_idx else len(segs)
    last_body = body_idx[-1] if body_idx else -1

    # Headline.
    title = gold.title or title_fallback
    head_k = -1
    if title:
        variants = _title_variants(title)
        max_len = max(len(v) for v in variants) + 8
        best = 0.0
        for k, sg in enumerate(segs):
            if not sg.words or len(sg.words) > max_len:
                continue
            if sg.body and not blocks[sg.block].heading:
                continue
            sc = _title_score(sg.words, variants)
            if sc < 0.75:
                continue
            blk = blocks[sg.block]
            if gold.title is None and not blk.heading:
                continue
            pref = sc
            if blk.heading == 1:
                pref += 0.4
            elif blk.heading:
                pref += 0.2
            if _link_share(blk, sg.start, sg.end, text) > 0.5:
                pref -= 0.3
            if blk.zone in _FURNITURE_ZONES:
                pref -= 0.3 if blk.zone != "header" else 0.1
            # Nearest before the body is best; after the body start is unlikely.
            dist = first_body - k
            pref -= 0.002 * dist if dist >= 0 else 0.3 + 0.002 * -dist
            if pref > best:
                best, head_k = pref, k
        if head_k >= 0:
            segs[head_k].label = Label.HEADLINE
            segs[head_k].body = False
            stats.headline_found = True

    # Byline.
    names = [n for a in gold.authors for n in _AUTHOR_SPLIT.split(a) if n.strip()]
    author_keys = ["".join(words(n)) for n in names]
    author_keys = [a for a in author_keys if len(a) >= 3]
    author_sets = [set(words(n)) for n in names if len(words(n)) >= 2]
    byline_words = set(words(gold.byline)) if gold.byline else set()
    dm = _date_matcher(gold.date)
    anchor = head_k if head_k >= 0 else first_body
    windows = [(anchor - 8, anchor + 12), (first_body - 10, first_body + 1), (last_body + 1, last_body + 4)]
    # Between the headline and the body, a short dated or "By ..." line is a byline even
    # where the dataset has no byline gold (scrapinghub).
    lead = (head_k + 1, head_k + 12) if head_k >= 0 else (first_body - 5, first_body)
    for k, sg in enumerate(segs):
        if sg.label != Label.JUNK or not sg.words or len(sg.words) > 40:
            continue
        if not any(lo <= k < hi for lo, hi in windows):
            continue
        # In navigation only an author name counts, or a line right after the headline
        # (some sites put the whole article header inside <nav>).
        in_nav = blocks[sg.block].zone in ("nav", "menu", "form") and not lead[0] <= k < lead[1]
        seg_text = text[sg.start : sg.end]
        joined = "".join(sg.words)
        n = len(sg.words)
        marked = _BYLINE_WORDS.search(seg_text) is not None
        ws = set(sg.words)
        # An author name in a short line, or in a longer one marked as a byline ("Posted on
        # ... by ..."): a publication named as author ("Le Monde") is not a byline in
        # "Vous pouvez lire Le Monde sur un seul appareil".
        named = any(a in joined for a in author_keys) or any(a <= ws for a in author_sets)
        hit = named and (n <= 10 or ((marked or _BY.search(seg_text) is not None) and n <= 30))
        if not hit and in_nav:
            continue
        if not hit and byline_words and n <= 30:
            hit = len(byline_words & set(sg.words)) >= max(1, 0.7 * len(byline_words))
        if not hit and dm and (n <= 14 or marked) and _has_date(sg.words, dm):
            hit = True
        if not hit and lead[0] <= k < lead[1] and n <= 15 and (marked or _DATEISH.search(seg_text)):
            hit = True
        if hit:
            sg.label = Label.BYLINE
            stats.byline_blocks += 1
    # Short connectors and markers next to a byline: "By", "Last Updated:", "Author of the article:".
    for _ in range(2):  # twice, so that "15" then "min read" both join
        for k in range(len(segs)):
            sg = segs[k]
            if sg.label != Label.JUNK or len(sg.words) > 5:
                continue
            near = (k > 0 and segs[k - 1].label == Label.BYLINE) or (
                k + 1 < len(segs) and segs[k + 1].label == Label.BYLINE
            )
            if not near:
                continue
            seg_text = text[sg.start : sg.end]
            if (
                not sg.words
                or all(w.isdigit() or w in ("min", "mins") for w in sg.words)
                or _BYLINE_WORDS.search(seg_text)
                or (lead[0] <= k < lead[1] and _is_name(seg_text))
            ):
                sg.label = Label.BYLINE

    # Related items: link titles of 4+ words outside furniture zones, two or more a page.
    title_variants = _title_variants(title) if title else []
    cand: list[int] = []
    for k, sg in enumerate(segs):
        if sg.label != Label.JUNK or not 4 <= len(sg.words) <= 30:
            continue
        if head_k < k < first_body:  # a dek or author blurb, not a teaser
            continue
        if (k > 0 and segs[k - 1].label == Label.BYLINE) or (k + 1 < len(segs) and segs[k + 1].label == Label.BYLINE):
            continue  # an author's job title or profile link
        blk = blocks[sg.block]
        if blk.zone in _FURNITURE_ZONES or blk.tag in ("figcaption", "caption"):
            continue
        seg_text = text[sg.start : sg.end]
        if _NOT_RELATED.search(seg_text) or (seg_text.rstrip().endswith((":", "?")) and len(sg.words) < 6):
            continue
        if len(sg.words) <= 5 and _SOCIAL.search(seg_text):
            continue
        if len(sg.words) <= 8 and _DATEISH.search(seg_text):
            continue
        if (
            _link_share(blk, sg.start, sg.end, text) < RELATED_LINK_SHARE
            or _longest_link_words(blk, sg.start, sg.end, text) < 4
        ):
            continue
        if title_variants and _title_score(sg.words, title_variants) >= 0.8:
            continue  # the page's own title in a breadcrumb or "trending" list
        if _in_directory(segs, k, blocks, text):
            continue
        cand.append(k)
    if len(cand) >= 2:
        card_words: dict[int, int] = {}
        for sg in segs:
            c = blocks[sg.block].card
            if c >= 0:
                card_words[c] = card_words.get(c, 0) + len(sg.words)
        cards = set()
        for k in cand:
            segs[k].label = Label.RELATED
            stats.related_blocks += 1
            c = blocks[segs[k].block].card
            # Only small cards: a whole <article> holding the page is not a teaser card.
            if c >= 0 and card_words.get(c, 0) <= TEASER_CARD_WORDS:
                cards.add(c)
        # Teaser text in the same card as a related link.
        for sg in segs:
            blk = blocks[sg.block]
            if sg.label == Label.JUNK and 8 <= len(sg.words) <= 60 and blk.card in cards:
                seg_text = text[sg.start : sg.end]
                if (
                    blk.zone not in _FURNITURE_ZONES
                    and not _NOT_RELATED.search(seg_text)
                    and not _DATEISH.search(seg_text)
                ):
                    sg.label = Label.RELATED
                    stats.related_blocks += 1

    # Pages whose gold body misses much of the main text (a truncated gold): long plain
    # paragraphs left as junk. Counted so that the caller can skip the page.
    for sg in segs:
        if sg.label == Label.JUNK and len(sg.words) >= 25:
            blk = blocks[sg.block]
            if blk.zone not in _FURNITURE_ZONES and _link_share(blk, sg.start, sg.end, text) < 0.2:
                stats.long_junk_words += len(sg.words)

    # Spans: merge neighbours with one label on one line.
    spans: list[LabelSpan] = []
    for sg in segs:
        s, e = sg.start, sg.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        if spans and spans[-1].label == sg.label and "\n" not in text[spans[-1].end : s]:
            spans[-1] = LabelSpan(spans[-1].start, e, sg.label)
        else:
            spans.append(LabelSpan(s, e, sg.label))
    labelled = LabelledPage(id=id, text=text, spans=tuple(spans), site=site, meta=dict(meta or {}))
    return labelled, stats
