"""The library entry points: :class:`Cleaner` and :func:`clean`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from .budget import PageBudget, running
from .budget import check as check_budget
from .cache import default_cleaner  # the one cache of loaded cleaners (cleaner.cache)
from .config import CleanerConfig
from .decode import decode_labels
from .document import CleanResult, Segment
from .errors import InputTooLargeError, InputTypeError
from .features import PageFeatures, featurize
from .headline import headline_chooser
from .html_stage import HtmlStage, default_html_stage
from .html_text import RenderedPage
from .model import Model, load_model
from .page_meta import PageMeta, apply_page_meta, read_html_page
from .reassemble import assemble_articles, merge_units, with_credited_author
from .segment import Unit, find_phrases, split_units
from .structure import ArticleFilter, ArticleSpan, default_article_filter

__all__ = ["Cleaner", "clean", "clean_html", "default_cleaner"]


def _check_text(text: object, config: CleanerConfig) -> str:
    if isinstance(text, bytes | bytearray | memoryview):
        raise InputTypeError(
            "cleaner.clean() takes text (str), but was given bytes. Decode them first, "
            "for example text = data.decode('utf-8', errors='replace'), or use the charset "
            "the page declares."
        )
    if not isinstance(text, str):
        raise InputTypeError(f"cleaner.clean() takes text (str), not {type(text).__name__}")
    if config.max_chars is not None and len(text) > config.max_chars:
        raise InputTooLargeError(
            f"the input has {len(text):,} characters, more than max_chars={config.max_chars:,}; "
            "raise CleanerConfig(max_chars=...) or pass None to accept it"
        )
    return text


def _check_meta(meta: object) -> None:
    if meta is not None and not isinstance(meta, PageMeta):
        raise InputTypeError(
            f"meta must be a cleaner.PageMeta or None, not {type(meta).__name__}; "
            "for example meta=cleaner.PageMeta(title='...', authors=('...',))"
        )


def _title_spans(text: str, meta: PageMeta | None) -> list[tuple[int, int]]:
    """Where the title ``meta`` declares stands in ``text`` (:func:`cleaner.segment.find_phrases`)."""
    return find_phrases(text, meta.titles) if meta is not None and meta.titles else []


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
        self._classes = [str(c) for c in self.model.estimator.classes_]
        self.article_filter: ArticleFilter | None = default_article_filter() if self.config.page_structure else None
        self.html_stage: HtmlStage | None = default_html_stage() if self.config.html_stage else None
        self._observe_articles: Callable[[list[ArticleSpan], np.ndarray, int, list[str]], None] | None = None
        self._observe_edges: Callable[[list[tuple[int, bool, int]], np.ndarray], None] | None = None

    def _units(self, text: str, spans: Sequence[tuple[int, int]] = ()) -> list[Unit]:
        return split_units(text, split_titles=self.config.split_titles, phrases=spans, max_units=self.config.max_units)

    def _clock(self) -> PageBudget | None:
        """A new page's time budget (:mod:`cleaner.budget`), or None without one."""
        timeout = self.config.page_timeout
        return None if timeout is None else PageBudget(timeout)

    def _result(
        self,
        text: str,
        units: Sequence[Unit],
        proba: np.ndarray,
        model: Model,
        meta: PageMeta | None = None,
        spans: Sequence[tuple[int, int]] = (),
    ) -> CleanResult:
        """The result of a page; ``spans``: where the declared title stands in the text
        (:func:`_title_spans`, as the units were cut)."""
        if not units:
            return CleanResult(articles=[], segments=[])
        bounds = set(spans)
        titled = [i for i, u in enumerate(units) if (u.start, u.end) in bounds]
        segments = self._segments(text, units, proba, model, titled, meta.furniture if meta is not None else ())
        check_budget("assembling articles")
        articles = assemble_articles(
            segments,
            reference_time=self.config.reference_time,
            keep_headline_only=self.config.keep_headline_only,
        )
        result = CleanResult(articles=articles, segments=segments)
        if meta is None or not meta.authors:  # the page's declared authors beat a guess
            result = with_credited_author(text, result)
        return result if meta is None else apply_page_meta(result, meta, title_in_text=bool(spans))

    def _proba(self, model: Model, feats: Sequence[PageFeatures]) -> np.ndarray:
        """Class probabilities of ``model`` in the columns of this cleaner's labels (a
        fallback model may lack a custom label: its column is zero)."""
        proba = model.estimator.predict_proba_features(feats)
        if model is self.model:
            return proba
        out = np.zeros((proba.shape[0], len(self._classes)))
        for j, label in enumerate(model.labels):
            out[:, self._classes.index(label)] = proba[:, j]
        return out

    def predict_units(self, text: str) -> tuple[list[Unit], np.ndarray]:
        """The page's units and their class probabilities (columns: the model's labels).

        The first steps of :meth:`clean`, for tools that show or correct the model's
        view of a page (``cleaner review``, ``cleaner label``).
        """
        with running(self._clock()):
            units, proba, _ = self._predict(_check_text(text, self.config))
        return units, proba

    def _predict(
        self, text: str, spans: Sequence[tuple[int, int]] = (), url: str | None = None
    ) -> tuple[list[Unit], np.ndarray, Model]:
        """Units, probabilities and the model (of a scoped model's two) that gave them."""
        model = self.model.for_text(text, url)
        units = self._units(text, spans)
        if not units:
            return units, np.zeros((0, len(self._classes))), model
        check_budget("computing features")
        feats = featurize(text, units)
        check_budget("classifying")
        proba = self._proba(model, [feats])
        check_budget("classifying")
        return units, proba, model

    def _segments(
        self,
        text: str,
        units: Sequence[Unit],
        proba: np.ndarray,
        model: Model,
        titled: Sequence[int] = (),
        furniture: Sequence[tuple[int, int]] = (),
    ) -> list[Segment]:
        if not units:
            return []
        chooser = headline_chooser(model.headline_ranker, text, units, proba, self._classes, titled)
        check_budget("decoding labels")
        why: list[str | None] = []
        labels, conf = decode_labels(
            text,
            units,
            proba,
            self._classes,
            chooser,
            titled,
            furniture,
            article_filter=self.article_filter,
            observe_articles=self._observe_articles,
            why=why,
            observe_edges=self._observe_edges,
        )
        check_budget("decoding labels")
        return merge_units(text, units, labels, conf, why)

    def cleaned_by(self, text: str, url: str | None = None) -> str:
        """Which model cleans this page, of URL ``url`` when known (``"cleaned_by"`` of
        ``cleaner clean -f json``):

        * ``"default"``: a model not retrained on a user's pages (the shipped one);
        * ``"retrained"``: a user's retrained model (``cleaner train``): a model
          without a scope, or a scoped one on a page in its scope;
        * ``"fallback"``: the default model stored in a scoped retrained model, on a
          page outside its scope (:mod:`cleaner.scope`).
        """
        if self.model.for_text(text, url) is not self.model:
            return "fallback"
        retrained = self.model.manifest.get("retrained") or self.model.fallback is not None
        return "retrained" if retrained else "default"

    def segments(self, text: str, units: Sequence[Unit], proba: np.ndarray) -> list[Segment]:
        """Decoded, merged segments of a page from :meth:`predict_units`'s output."""
        return self._segments(text, units, proba, self.model.for_text(text))

    def clean(self, text: str, *, meta: PageMeta | None = None) -> CleanResult:
        """Clean one page of raw text.

        ``meta``, when known (a crawl's stored title, authors or date; what
        :meth:`clean_html` reads from the HTML), guides the main article: its title is
        cut out of the line it stands in and made the headline where it stands before
        the article's body, and its authors and date complete the article's. Its URL
        (``PageMeta(url=...)``) routes the page between a scoped retrained model and
        its fallback (:mod:`cleaner.scope`).
        """
        text = _check_text(text, self.config)
        _check_meta(meta)
        with running(self._clock()):
            return self._clean(text, meta)

    def _clean(self, text: str, meta: PageMeta | None) -> CleanResult:
        spans = _title_spans(text, meta)
        units, proba, model = self._predict(text, spans, meta.url if meta is not None else None)
        return self._result(text, units, proba, model, meta, spans)

    def clean_many(
        self,
        texts: Iterable[str],
        *,
        batch_size: int = 64,
        meta: Iterable[PageMeta | None] | None = None,
    ) -> list[CleanResult]:
        """Clean many pages, classifying them in batches (faster than one by one).

        ``meta``, if given, holds each page's :class:`cleaner.page_meta.PageMeta` (or
        None), in the order of ``texts``, as :meth:`clean` takes it.

        Raises:
            ValueError: ``meta`` and ``texts`` differ in length.
        """
        if isinstance(texts, str | bytes | bytearray):
            raise InputTypeError(
                "clean_many() takes an iterable of pages (a list of str), not one "
                f"{type(texts).__name__}; clean one page with clean()"
            )
        out: list[CleanResult] = []
        batch: list[str] = []
        metas: list[PageMeta | None] = []
        pairs = zip(texts, meta, strict=True) if meta is not None else ((t, None) for t in texts)
        for text, page_meta in pairs:
            batch.append(_check_text(text, self.config))
            _check_meta(page_meta)
            metas.append(page_meta)
            if len(batch) >= batch_size:
                out.extend(self._clean_batch(batch, metas))
                batch, metas = [], []
        if batch:
            out.extend(self._clean_batch(batch, metas))
        return out

    def _clean_batch(self, texts: Sequence[str], metas: Sequence[PageMeta | None]) -> list[CleanResult]:
        """Clean pages together: each page is segmented and featurized on its own, the
        pages of one model are classified in one call. A page's time budget counts its
        own steps and its share of the shared call, in proportion to its units."""
        clocks = [self._clock() for _ in texts]
        all_spans: list[list[tuple[int, int]]] = []
        all_units: list[list[Unit]] = []
        for text, meta, clock in zip(texts, metas, clocks, strict=True):
            with running(clock):
                all_spans.append(_title_spans(text, meta))
                all_units.append(self._units(text, all_spans[-1]))
        models = [self.model.for_text(t, m.url if m is not None else None) for t, m in zip(texts, metas, strict=True)]
        probas: list[np.ndarray] = [np.zeros((0, len(self._classes)))] * len(texts)
        # one call per model over its pages of the batch (a scoped model has two)
        for model in {id(m): m for m in models}.values():
            idx = [i for i, m in enumerate(models) if m is model and all_units[i]]
            if not idx:
                continue
            feats = []
            for i in idx:
                with running(clocks[i]):
                    check_budget("computing features")
                    feats.append(featurize(texts[i], all_units[i]))
            start = time.monotonic()
            proba = self._proba(model, feats)
            shared = time.monotonic() - start
            total = sum(len(all_units[i]) for i in idx)
            pos = 0
            for i in idx:
                n = len(all_units[i])
                probas[i] = proba[pos : pos + n]
                pos += n
                clock = clocks[i]
                if clock is not None:
                    clock.charge(shared * n / total, "classifying")
        out = []
        for text, units, proba, model, meta, spans, clock in zip(
            texts, all_units, probas, models, metas, all_spans, clocks, strict=True
        ):
            with running(clock):
                out.append(self._result(text, units, proba, model, meta, spans))
        return out

    def clean_html(self, html: str | bytes) -> CleanResult:
        """Render HTML to text (:func:`cleaner.html_text.html_to_text`) and clean it,
        guided by the title, authors and date the page declares
        (:func:`cleaner.page_meta.page_meta`; ``CleanerConfig(html_metadata=False)``
        ignores them).

        Offsets in the result refer to the rendered text, ``result.segments[i].text``
        holds the text itself.

        Raises:
            InputTooLargeError: the HTML is longer than ``max_chars`` (characters, or
                bytes for bytes), checked before it is parsed; or its text is.
            PageTimeoutError: the page took longer than ``page_timeout``, parsing and
                rendering included.
        """
        max_chars = self.config.max_chars
        if max_chars is not None and isinstance(html, str | bytes | bytearray) and len(html) > max_chars:
            unit = "characters" if isinstance(html, str) else "bytes"
            raise InputTooLargeError(
                f"the HTML has {len(html):,} {unit}, more than max_chars={max_chars:,} allows (checked before "
                "parsing it); raise CleanerConfig(max_chars=...) or pass None to accept it"
            )
        with running(self._clock()):
            page, meta, units, proba, model = self._html_units(html)
            proba = self._rescore_html(page, units, proba, model)
            spans = _title_spans(page.text, meta)
            return self._result(page.text, units, proba, model, meta, spans)

    def _html_units(self, html: str | bytes) -> tuple[RenderedPage, PageMeta | None, list[Unit], np.ndarray, Model]:
        page, meta = read_html_page(html, mode=self.config.html_mode, metadata=self.config.html_metadata)
        check_budget("rendering HTML")
        text = _check_text(page.text, self.config)
        _check_meta(meta)
        units, proba, model = self._predict(text, _title_spans(text, meta), meta.url if meta is not None else None)
        return page, meta, units, proba, model

    def html_units(self, html: str | bytes) -> tuple[RenderedPage, PageMeta | None, list[Unit], np.ndarray]:
        """The first steps of :meth:`clean_html`: the rendering, what the page declares,
        the units of the text and the text model's class probabilities, before the HTML
        stage (:mod:`cleaner.html_stage`) re-scores them; ``training.fit_dom`` fits the
        stage on them."""
        with running(self._clock()):
            page, meta, units, proba, _ = self._html_units(html)
        return page, meta, units, proba

    def _rescore_html(self, page: RenderedPage, units: Sequence[Unit], proba: np.ndarray, model: Model) -> np.ndarray:
        """The HTML stage's probabilities, where it applies: the browser rendering and a
        model that is not a user's retrained one (it was fitted on the default's)."""
        stage = self.html_stage
        if stage is None or self.config.html_mode != "browser" or model.manifest.get("retrained"):
            return proba
        check_budget("reading the markup")
        return stage.rescore(page, units, proba, self._classes)


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
