"""Enrich: the last stage, what the page says about its main article beyond the
labels.

After :mod:`cleaner.pipeline.assemble` has built the articles from the labelled
segments (their bylines parsed into authors and a date there), the main article is
completed, in this order:

1. **an author credited inside a line** (:func:`with_credited_author`): when its
   bylines name none and the page declares none, a credit near its start that the
   rendering ran into a title or paragraph ("... 12:30 Uhr Von: Jane Doe |
   Kommentare ...");
2. **what the page declares** (:func:`apply_page_meta`): the title, authors and
   date of a :class:`cleaner.PageMeta` (read from the HTML, or given by the caller).

Segments are never changed here: only the articles' fields.
"""

from __future__ import annotations

from dataclasses import replace

from ..bylines import credited_author
from ..document import CleanResult
from ..labels import Label
from ..lexicon import TOKEN_RE, UNSPACED, strip_invisible
from ..page_meta import PageMeta

__all__ = ["CREDIT_AFTER", "CREDIT_BEFORE", "apply_page_meta", "enrich", "with_credited_author"]

# Where an author credit inside a line is looked for: characters before and after the
# main article's start (its headline, or its first byline or paragraph).
CREDIT_BEFORE = 500
CREDIT_AFTER = 2000


def _name_key(name: str) -> str:
    """A name as compared with another: invisible marks dropped, spaces collapsed, case folded."""
    return " ".join(strip_invisible(name).split()).casefold()


def enrich(text: str, result: CleanResult, meta: PageMeta | None, *, title_in_text: bool) -> CleanResult:
    """``result`` with its main article completed: an author credited in the text
    where neither its bylines nor ``meta`` give one, then what ``meta`` declares
    (``title_in_text``: whether a form of the declared title stands in ``text``)."""
    main = result.main_index  # found once: crediting an author leaves the bodies as they are
    if meta is None or not meta.authors:  # the page's declared authors beat a guess
        result = _with_credited_author(text, result, main)
    return result if meta is None else _apply_page_meta(result, meta, main, title_in_text=title_in_text)


def with_credited_author(text: str, result: CleanResult) -> CleanResult:
    """``result`` with an author for its main article when its bylines name none but a
    line near its start credits one inside it (:func:`cleaner.bylines.credited_author`;
    from ``CREDIT_BEFORE`` characters before the article's start to ``CREDIT_AFTER``
    after, within the article's end; never inside a headline). Collapsed lines run a
    byline into the title or the first paragraph ("... 12:30 Uhr Von: Jane Doe |
    Kommentare ..."), where no segment is a byline.
    """
    return _with_credited_author(text, result, result.main_index)


def _with_credited_author(text: str, result: CleanResult, i: int | None) -> CleanResult:
    """:func:`with_credited_author`, the main article (``result.main_index``) given."""
    if i is None or result.articles[i].authors:
        return result
    main = result.articles[i]
    headlines = [(s.start, s.end) for s in result.segments if s.label == Label.HEADLINE]
    window = (max(0, main.start - CREDIT_BEFORE), min(main.end, main.start + CREDIT_AFTER))
    name = credited_author(text, *window, skip=headlines)
    if name is None:
        return result
    articles = list(result.articles)
    articles[i] = replace(main, authors=[name])
    return CleanResult(articles=articles, segments=result.segments)


def _share_a_word(a: str, b: str) -> bool:
    """Whether two titles have a word in common (any case; "the" counts: a headline
    worded otherwise stays); True where either is written without spaces between words.
    A headline of no word at all (".") shares none."""
    if UNSPACED.search(a) or UNSPACED.search(b):
        return True
    return not {w.casefold() for w in TOKEN_RE.findall(a)}.isdisjoint(w.casefold() for w in TOKEN_RE.findall(b))


def _no_headline_is_the_title(result: CleanResult, i: int, title: str) -> bool:
    """Whether the page declares a title of two words or more that neither the main
    article's headline (``result.articles[i]``, which it has) nor any other headline of
    the page shares a word with (:func:`_share_a_word`): the main article's headline is
    then not its title (where another article's headline is, that article is the
    title's, and the main article keeps its own)."""
    if len(title.split()) < 2 or result.articles[i].headline is None:
        return False
    return not any(a.headline is not None and _share_a_word(a.headline, title) for a in result.articles)


def apply_page_meta(result: CleanResult, meta: PageMeta, *, title_in_text: bool) -> CleanResult:
    """``result`` with its main article completed from what the page declares.

    The declared title becomes its headline where it has none, where no form of the
    title stands in the text (``title_in_text`` False: the text's headline is then a
    guess, the declaration is the page's word), or where neither it nor any other
    headline of the page shares a word with a title of two words or more
    (:func:`_no_headline_is_the_title`: a section's name, a date line, a slogan over a
    product page); the declared authors follow the ones
    its bylines give (without repeats); the declared date stands where its bylines give
    none. Segments are not changed.
    """
    return _apply_page_meta(result, meta, result.main_index, title_in_text=title_in_text)


def _apply_page_meta(result: CleanResult, meta: PageMeta, i: int | None, *, title_in_text: bool) -> CleanResult:
    """:func:`apply_page_meta`, the main article (``result.main_index``) given."""
    if i is None:
        return result
    main = result.articles[i]
    have = {_name_key(a) for a in main.authors}
    authors = [*main.authors, *(a for a in meta.authors if _name_key(a) not in have)]
    headline = main.headline
    if meta.title is not None and (
        headline is None or not title_in_text or _no_headline_is_the_title(result, i, meta.title)
    ):
        headline = meta.title
    updated = replace(
        main,
        headline=headline,
        authors=authors,
        published=main.published if main.published is not None else meta.published,
    )
    if updated == main:
        return result
    articles = list(result.articles)
    articles[i] = updated
    return CleanResult(articles=articles, segments=result.segments)
