"""The library entry points: :class:`Cleaner` and :func:`clean`.

A page goes through the stages of :mod:`cleaner.pipeline`, in this order, in
:meth:`Cleaner._run`::

    read -> segment -> featurize -> classify -> decode -> assemble -> enrich

:meth:`Cleaner.clean` and :meth:`Cleaner.clean_html` run them for one page,
:meth:`Cleaner.clean_many` for a batch of pages, whose classify step is one call per
model over all of them, and so is the headline ranker's choice inside decode (the
decode stage runs in three steps: the steps before the ranker, the ranker's choice
for all the pages, the rest).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from .budget import PageBudget, running
from .budget import check as check_budget
from .cache import default_cleaner  # the one cache of loaded cleaners (cleaner.cache)
from .config import CleanerConfig
from .document import CleanResult, Segment
from .errors import InputTypeError
from .html_stage import HtmlStage, default_html_stage
from .html_text import RenderedPage
from .markdown_text import from_view
from .model import Model, load_model
from .page_meta import PageMeta
from .pipeline.assemble import assemble_articles, merge_units
from .pipeline.classify import classify, rescore_html
from .pipeline.containers import unit_markup
from .pipeline.decode import Decoding, finish_decoding, start_decoding
from .pipeline.enrich import enrich
from .pipeline.featurize import featurize
from .pipeline.headline import rank_headlines
from .pipeline.read import Page, check_html_size, read_html, read_rendering, read_text, text_view
from .pipeline.segment import Unit, split_units
from .pipeline.structure import ArticleFilter, ArticleSpan, default_article_filter

__all__ = ["Cleaner", "clean", "clean_html", "default_cleaner"]


class Cleaner:
    """Cleans page text with one model and configuration, loaded once and reused.

    Args:
        model: a :class:`cleaner.model.Model`, a path to a model file, or None for the
            shipped default model.
        config: options; see :class:`CleanerConfig`.
        trust_pickle: also load a pickle (joblib) model file, as cleaner wrote them
            before; **loading a pickle runs any code it holds** (see
            :func:`cleaner.model.load_model`).

    >>> c = Cleaner()
    >>> r = c.clean("Lovely weather returns\\nBy Jane Doe | June 9, 2025\\n"
    ...             "The sun came out over the city on Monday, and people went to the park "
    ...             "to enjoy the warm afternoon with their families and friends.")
    >>> r.articles[0].headline, r.articles[0].authors
    ('Lovely weather returns', ['Jane Doe'])
    """

    def __init__(
        self,
        model: Model | str | Path | None = None,
        *,
        config: CleanerConfig | None = None,
        trust_pickle: bool = False,
    ) -> None:
        self.model = model if isinstance(model, Model) else load_model(model, trust_pickle=trust_pickle)
        self.config = CleanerConfig() if config is None else config
        self._classes = self.model.labels
        self.article_filter: ArticleFilter | None = default_article_filter() if self.config.page_structure else None
        self.html_stage: HtmlStage | None = default_html_stage() if self.config.html_stage else None
        self._observe_articles: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None
        self._observe_edges: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None

    # -- the stages -----------------------------------------------------------------

    def _run(self, pages: Sequence[Page], clocks: Sequence[PageBudget | None]) -> list[CleanResult]:
        """The stages after reading, for pages read by :mod:`cleaner.pipeline.read`:
        each page is segmented and featurized on its own, the pages of one model are
        classified in one call, each page's decoding is begun on its own, the headline
        rankers choose for all the pages in one call a ranker, and each page's decoding
        is finished, and the page assembled and enriched, on its own. A page's time
        budget counts its own steps and its share of each shared call, in proportion to
        its units (classify) or candidates (ranker)."""
        units = []
        for page, clock in zip(pages, clocks, strict=True):
            with running(clock):
                units.append(self._segment(page))
        probas, models = self._classify(pages, units, clocks)
        started = []
        for page, page_units, proba, model, clock in zip(pages, units, probas, models, clocks, strict=True):
            with running(clock):
                started.append(self._start_decoding(page, page_units, proba, model))
        choices = self._rank_headlines(started, models, clocks)
        out = []
        for page, decoding, choice, clock in zip(pages, started, choices, clocks, strict=True):
            with running(clock):
                out.append(self._finish_page(page, decoding, choice))
        return out

    def _segment(self, page: Page) -> list[Unit]:
        """The segment stage (:mod:`cleaner.pipeline.segment`): the page's units, the
        declared title cut out of its line."""
        return split_units(
            page.text,
            split_titles=self.config.split_titles,
            phrases=page.title_spans,
            max_units=self.config.max_units,
        )

    def _classify(
        self,
        pages: Sequence[Page],
        units: Sequence[list[Unit]],
        clocks: Sequence[PageBudget | None],
        *,
        rescore: bool = True,
    ) -> tuple[list[np.ndarray], list[Model]]:
        """The featurize and classify stages: each page's class probabilities (columns:
        this cleaner's labels) and the model (of a scoped model's two) that gave them;
        ``rescore`` False leaves out the HTML stage's re-scoring of HTML pages."""
        models = [self.model.for_text(page.text, page.url) for page in pages]
        probas: list[np.ndarray] = [np.zeros((0, len(self._classes)))] * len(pages)
        for model in {id(m): m for m in models}.values():  # one call per model (a scoped model has two)
            idx = [i for i, m in enumerate(models) if m is model and units[i]]
            if not idx:
                continue
            feats = []
            for i in idx:
                with running(clocks[i]):
                    check_budget("computing features")
                    # HTML: words counted by spaces, as the HTML stage was fitted (featurize)
                    feats.append(featurize(pages[i].text, units[i], cjk_words=pages[i].rendered is None))
                    check_budget("classifying")
            start = time.monotonic()
            proba = classify(model, feats, self._classes)
            _charge([clocks[i] for i in idx], [len(units[i]) for i in idx], time.monotonic() - start, "classifying")
            pos = 0
            for i in idx:
                n = len(units[i])
                probas[i] = proba[pos : pos + n]
                pos += n
        for i, page in enumerate(pages):
            if rescore and page.rendered is not None and len(units[i]):
                with running(clocks[i]):
                    probas[i] = rescore_html(
                        self.html_stage, page, units[i], probas[i], models[i], self._classes, self.config.html_mode
                    )
        return probas, models

    def _start_decoding(self, page: Page, units: Sequence[Unit], proba: np.ndarray, model: Model) -> Decoding | None:
        """The decode stage's steps before the headline ranker (:mod:`cleaner.pipeline.decode`),
        and its question to the ranker (None: a page without units)."""
        if not units:
            return None
        bounds = set(page.title_spans)
        titled = [i for i, u in enumerate(units) if (u.start, u.end) in bounds] if bounds else []
        check_budget("decoding labels")
        return start_decoding(
            page.text,
            units,
            proba,
            self._classes,
            has_ranker=model.ranker is not None,
            titled=titled,
            furniture=page.meta.furniture if page.meta is not None else (),
            article_filter=self.article_filter,
            observe_articles=self._observe_articles,
            markup=(
                unit_markup(
                    page.rendered,
                    units,
                    article=page.meta is not None and page.meta.kind == "article",
                    # a user's retrained model's labels stand
                    fill_empty=not (model.manifest.get("retrained") or model.fallback is not None),
                )
                if page.rendered is not None
                else None
            ),
        )

    def _rank_headlines(
        self, started: Sequence[Decoding | None], models: Sequence[Model], clocks: Sequence[PageBudget | None]
    ) -> list[int | None]:
        """The headline rankers' choices for the pages' questions
        (:func:`cleaner.pipeline.headline.rank_headlines`: one call a ranker), each
        page's time budget charged its share, in proportion to its candidates."""
        questions = [d.question if d is not None else None for d in started]
        start = time.monotonic()
        choices = rank_headlines([m.ranker for m in models], questions)
        shares = [0 if q is None else len(q.candidates.index) for q in questions]
        _charge(clocks, shares, time.monotonic() - start, "choosing the headline")
        return choices

    def _finish_page(self, page: Page, decoding: Decoding | None, choice: int | None) -> CleanResult:
        """The rest of the decode stage (the ranker's ``choice`` made the headline), then
        the assemble and enrich stages."""
        if decoding is None:
            return CleanResult(articles=[], segments=[])
        segments = self._merge(page, decoding, choice)
        check_budget("assembling articles")
        articles = assemble_articles(
            segments,
            reference_time=self.config.reference_time,
            keep_headline_only=self.config.keep_headline_only,
        )
        result = enrich(
            page.text,
            CleanResult(articles=articles, segments=segments),
            page.meta,
            title_in_text=bool(page.title_spans),
        )
        return result if page.source is None else from_view(result, page.source)

    def _merge(self, page: Page, decoding: Decoding, choice: int | None) -> list[Segment]:
        """The decode stage's steps from the headline ranker's on, then units of one
        line and label merged into segments."""
        why: list[str | None] = []
        labels, conf = finish_decoding(decoding, choice, why=why, observe_edges=self._observe_edges)
        check_budget("decoding labels")
        return merge_units(page.text, decoding.units, labels, conf, why)

    def _finish(self, page: Page, units: Sequence[Unit], proba: np.ndarray, model: Model) -> CleanResult:
        """The decode, assemble and enrich stages of one classified page."""
        decoding = self._start_decoding(page, units, proba, model)
        return self._finish_page(page, decoding, self._rank_headlines([decoding], [model], [None])[0])

    def _decode(self, page: Page, units: Sequence[Unit], proba: np.ndarray, model: Model) -> list[Segment]:
        """The decode stage (:mod:`cleaner.pipeline.decode`) of one page: labels under
        the page's structure, then units of one line and label merged into segments."""
        decoding = self._start_decoding(page, units, proba, model)
        if decoding is None:
            return []
        return self._merge(page, decoding, self._rank_headlines([decoding], [model], [None])[0])

    def _clock(self) -> PageBudget | None:
        """A new page's time budget (:mod:`cleaner.budget`), or None without one."""
        timeout = self.config.page_timeout
        return None if timeout is None else PageBudget(timeout)

    def _predict(self, page: Page, *, rescore: bool = True) -> tuple[list[Unit], np.ndarray, Model]:
        """A page's units, their class probabilities and the model that gave them (the
        stages up to classify), under a new time budget."""
        clock = self._clock()
        with running(clock):
            units = self._segment(page)
        probas, models = self._classify([page], [units], [clock], rescore=rescore)
        return units, probas[0], models[0]

    # -- the entry points -----------------------------------------------------------

    def predict_units(self, text: str) -> tuple[list[Unit], np.ndarray]:
        """The page's units and their class probabilities (columns: the model's labels).

        The first steps of :meth:`clean`, for tools that show or correct the model's
        view of a page (``cleaner review``, ``cleaner label``).
        """
        units, proba, _ = self._predict(read_text(text, self.config))
        return units, proba

    def cleaned_by(self, text: str, url: str | None = None) -> str:
        """Which model cleans this page, of URL ``url`` when known (``"cleaned_by"`` of
        ``cleaner clean -f json``):

        * ``"default"``: a model not retrained on a user's pages (the shipped one);
        * ``"retrained"``: a user's retrained model (``cleaner train``): a model
          without a scope, or a scoped one on a page in its scope;
        * ``"fallback"``: the default model stored in a scoped retrained model, on a
          page outside its scope (:mod:`cleaner.scope`).
        """
        if self.model.for_text(text_view(text, self.config), url) is not self.model:
            return "fallback"
        retrained = self.model.manifest.get("retrained") or self.model.fallback is not None
        return "retrained" if retrained else "default"

    def segments(self, text: str, units: Sequence[Unit], proba: np.ndarray) -> list[Segment]:
        """Decoded, merged segments of a page from :meth:`predict_units`'s output (the
        segments :meth:`clean` gives, cut from ``text`` as given)."""
        page = read_text(text, self.config)
        segments = self._decode(page, units, proba, self.model.for_text(page.text))
        if page.source is None:
            return segments
        return [replace(s, text=page.source[s.start : s.end]) for s in segments]

    def clean(self, text: str, *, meta: PageMeta | None = None, rendering: RenderedPage | None = None) -> CleanResult:
        """Clean one page of raw text.

        ``meta``, when known (a crawl's stored title, authors or date; what
        :meth:`clean_html` reads from the HTML), guides the main article: its title is
        cut out of the line it stands in and made the headline where it stands before
        the article's body, and its authors and date complete the article's. Its URL
        (``PageMeta(url=...)``) routes the page between a scoped retrained model and
        its fallback (:mod:`cleaner.scope`).

        ``rendering``: the HTML rendering ``text`` is the text of
        (:func:`cleaner.page_meta.read_html_page`), which the page is then cleaned with
        as :meth:`clean_html` cleans it (its markup re-scores the labels).

        Raises:
            ValueError: ``rendering``'s text is not ``text``.
        """
        clock = self._clock()
        with running(clock):  # Markdown's view is made in the page's time
            page = self._read(text, meta, rendering)
        return self._run([page], [clock])[0]

    def _read(self, text: str, meta: PageMeta | None, rendering: RenderedPage | None) -> Page:
        if rendering is None:
            return read_text(text, self.config, meta)
        if getattr(rendering, "text", None) != text:
            raise ValueError("the rendering given is not that of the text: pass rendering.text as the text")
        return read_rendering(rendering, self.config, meta)

    def clean_many(
        self,
        texts: Iterable[str],
        *,
        batch_size: int = 64,
        meta: Iterable[PageMeta | None] | None = None,
        renderings: Iterable[RenderedPage | None] | None = None,
    ) -> list[CleanResult]:
        """Clean many pages, classifying them in batches (faster than one by one).

        ``meta``, if given, holds each page's :class:`cleaner.page_meta.PageMeta` (or
        None), and ``renderings`` each page's HTML rendering (or None for text), in the
        order of ``texts``, as :meth:`clean` takes them.

        Raises:
            ValueError: ``meta`` or ``renderings`` and ``texts`` differ in length, or a
                rendering is not that of its text.
        """
        if isinstance(texts, str | bytes | bytearray):
            raise InputTypeError(
                "clean_many() takes an iterable of pages (a list of str), not one "
                f"{type(texts).__name__}; clean one page with clean()"
            )
        out: list[CleanResult] = []
        batch: list[Page] = []
        clocks: list[PageBudget | None] = []
        pairs = zip(texts, meta, strict=True) if meta is not None else ((t, None) for t in texts)
        triples = (
            ((t, m, r) for (t, m), r in zip(pairs, renderings, strict=True))
            if renderings is not None
            else ((t, m, None) for t, m in pairs)
        )
        for text, page_meta, rendering in triples:
            clock = self._clock()
            with running(clock):
                batch.append(self._read(text, page_meta, rendering))
            clocks.append(clock)
            if len(batch) >= batch_size:
                out.extend(self._run(batch, clocks))
                batch, clocks = [], []
        if batch:
            out.extend(self._run(batch, clocks))
        return out

    def clean_html(self, html: str | bytes) -> CleanResult:
        """Render HTML to text (:func:`cleaner.html_text.html_to_text`) and clean it,
        guided by the title, authors and date the page declares
        (:func:`cleaner.page_meta.page_meta`; ``CleanerConfig(html_metadata=False)``
        ignores them), its labels re-scored with the markup (:mod:`cleaner.html_stage`).

        Offsets in the result refer to the rendered text, ``result.segments[i].text``
        holds the text itself.

        Raises:
            InputTooLargeError: the HTML is longer than ``max_chars`` (characters, or
                bytes for bytes), checked before it is parsed; or its text is.
            PageTimeoutError: the page took longer than ``page_timeout``, parsing and
                rendering included.
        """
        check_html_size(html, self.config)
        clock = self._clock()
        with running(clock):
            page = read_html(html, self.config)
        return self._run([page], [clock])[0]

    def html_units(self, html: str | bytes) -> tuple[RenderedPage, PageMeta | None, list[Unit], np.ndarray]:
        """The first steps of :meth:`clean_html`: the rendering, what the page declares,
        the units of the text and the text model's class probabilities, before the HTML
        stage (:mod:`cleaner.html_stage`) re-scores them; ``training.fit_dom`` fits the
        stage on them."""
        with running(self._clock()):
            page = read_html(html, self.config)
        units, proba, _ = self._predict(page, rescore=False)
        assert page.rendered is not None
        return page.rendered, page.meta, units, proba


def _charge(clocks: Sequence[PageBudget | None], shares: Sequence[int], seconds: float, where: str) -> None:
    """Charge each page's time budget its share of ``seconds`` of work done for all
    the pages at once, in proportion to ``shares`` (its units, its candidates)."""
    total = sum(shares)
    if total == 0:
        return
    for clock, share in zip(clocks, shares, strict=True):
        if clock is not None and share:
            clock.charge(seconds * share / total, where)


def clean(text: str, *, config: CleanerConfig | None = None, meta: PageMeta | None = None) -> CleanResult:
    """Clean one page of raw text with the default model.

    Returns a :class:`CleanResult`: ``.articles`` (headline, bylines, authors,
    published, body paragraphs, related titles) and ``.segments`` (every segment
    with offsets, label and confidence). ``meta``: what is known of the page
    (:class:`cleaner.PageMeta`, a stored title for example); see :meth:`Cleaner.clean`.

    Raises:
        InputTypeError: ``text`` is not a ``str`` (bytes: decode them first).
        InputTooLargeError: ``text`` is longer than ``config.max_chars``.
    """
    if config is None:
        return default_cleaner().clean(text, meta=meta)
    return Cleaner(default_cleaner().model, config=config).clean(text, meta=meta)


def clean_html(html: str | bytes, *, config: CleanerConfig | None = None) -> CleanResult:
    """Render HTML to text and clean it with the default model."""
    cleaner = default_cleaner() if config is None else Cleaner(default_cleaner().model, config=config)
    return cleaner.clean_html(html)
