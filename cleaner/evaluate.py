"""Evaluation: word-level label scores and article-level scores.

Word-level scores do not depend on how segments were cut: every word of a page
(a run of non-space characters) gets the gold label of the span holding it and the
predicted label of the segment holding it, and precision, recall and F1 are counted
per label over words.

Body word-F1 is the bag-of-words F1 between an extracted body and the gold body, as
the WCXB benchmark scores it: both are lower-cased and split into word tokens, and
precision and recall count the overlap of the two multisets of tokens.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .document import Article, CleanResult, Segment
from .errors import SampleFormatError
from .labels import Label
from .lexicon import TOKEN_RE, WORD_RE
from .model import Model
from .samples import LabelledPage, LabelSpan, iter_samples

if TYPE_CHECKING:
    from .api import Cleaner

__all__ = [
    "ArticleScores",
    "EvaluationReport",
    "GoldArticle",
    "LabelScores",
    "PageScore",
    "author_found",
    "body_word_f1",
    "compare_table",
    "evaluate_model",
    "evaluate_results",
    "gold_article",
    "gold_article_count",
    "headline_matches",
    "iter_eval_pages",
    "main_article",
    "normalize_title",
    "page_from_record",
    "page_url",
    "predict_pages",
    "same_person",
    "score_article",
    "score_labels",
    "span_articles",
    "tokens",
    "word_labels",
]

_WORD = WORD_RE  # a character of Chinese or Japanese script is a word of its own
_TOKEN = TOKEN_RE


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of a text, as body word-F1 counts them."""
    return _TOKEN.findall(text.lower())


def body_word_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 between two texts (1.0 when both are empty).

    >>> round(body_word_f1("the cat sat", "the cat sat down"), 3)
    0.857
    """
    p, g = Counter(tokens(predicted)), Counter(tokens(gold))
    if not p and not g:
        return 1.0
    overlap = sum((p & g).values())
    if overlap == 0:
        return 0.0
    precision = overlap / sum(p.values())
    recall = overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def word_labels(text: str, spans: Sequence[LabelSpan] | Sequence[Segment], default: str = Label.JUNK) -> list[str]:
    """The label of every word of ``text`` (words outside all spans get ``default``)."""
    out: list[str] = []
    k = 0
    n = len(spans)
    for m in _WORD.finditer(text):
        mid = (m.start() + m.end() - 1) // 2
        while k < n and spans[k].end <= mid:
            k += 1
        if k < n and spans[k].start <= mid:
            out.append(spans[k].label)
        else:
            out.append(default)
    return out


@dataclass
class LabelScores:
    """Word counts per (gold, predicted) label pair, and the scores derived from them."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, gold: Iterable[str], predicted: Iterable[str]) -> None:
        self.confusion.update(zip(gold, predicted, strict=True))

    @property
    def labels(self) -> list[str]:
        seen = {g for g, _ in self.confusion} | {p for _, p in self.confusion}
        order = [str(lbl) for lbl in Label]
        return [lbl for lbl in order if lbl in seen] + sorted(seen - set(order))

    def prf(self, label: str) -> tuple[float, float, float, int]:
        """Precision, recall, F1 and gold word count of one label."""
        tp = self.confusion[(label, label)]
        pred = sum(v for (_, p), v in self.confusion.items() if p == label)
        gold = sum(v for (g, _), v in self.confusion.items() if g == label)
        precision = tp / pred if pred else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, gold

    @property
    def accuracy(self) -> float:
        total = sum(self.confusion.values())
        return sum(v for (g, p), v in self.confusion.items() if g == p) / total if total else 0.0

    @property
    def macro_f1(self) -> float:
        labels = [lbl for lbl in self.labels if self.prf(lbl)[3] > 0]
        return sum(self.prf(lbl)[2] for lbl in labels) / len(labels) if labels else 0.0

    def table(self) -> str:
        """A plain-text table of per-label scores and the confusion matrix."""
        labels = self.labels
        lines = [f"{'label':<14}{'precision':>10}{'recall':>8}{'F1':>8}{'words':>10}"]
        for lbl in labels:
            precision, recall, f1, n = self.prf(lbl)
            lines.append(f"{lbl:<14}{precision:>10.3f}{recall:>8.3f}{f1:>8.3f}{n:>10}")
        lines.append(f"{'word accuracy':<14}{self.accuracy:>10.3f}   macro F1 {self.macro_f1:.3f}")
        lines.append("")
        lines.append("confusion (rows gold, columns predicted, words)")
        width = max(8, *(len(lbl) + 1 for lbl in labels))
        lines.append(" " * 14 + "".join(f"{lbl:>{width}}" for lbl in labels))
        for g in labels:
            lines.append(f"{g:<14}" + "".join(f"{self.confusion[(g, p)]:>{width}}" for p in labels))
        return "\n".join(lines)


def score_labels(pages: Iterable[LabelledPage], predictions: Iterable[Sequence[Segment]]) -> LabelScores:
    """Word-level label scores of predicted segments against labelled pages."""
    scores = LabelScores()
    for page, segments in zip(pages, predictions, strict=True):
        scores.add(word_labels(page.text, page.spans), word_labels(page.text, segments))
    return scores


# --------------------------------------------------------------------------------------
# Article-level scores
# --------------------------------------------------------------------------------------

# Separators between a headline and a site name in a page title ("Storm hits coast |
# Daily News", "Daily News - Storm hits coast"): the characters sites use in <title>.
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s+[|·•»]|[|·•»]\s+")


def normalize_title(title: str) -> str:
    """A title lower-cased with word tokens joined by single spaces.

    >>> normalize_title("  U.S., China hold  Talks!")
    'u s china hold talks'
    """
    return " ".join(tokens(title))


def headline_matches(predicted: str | None, gold: str) -> bool:
    """Whether a predicted headline matches a gold title after normalization.

    Either side may carry a site name before or after a separator (``" | Site"``,
    ``"Site - "``): the match holds if, after normalization, the two are equal, or
    one equals a part of the other obtained by cutting it at separators, keeping at
    least half of its words.

    >>> headline_matches("Storm hits coast", "Storm hits coast | Daily News")
    True
    >>> headline_matches("Daily News - Storm hits coast", "Storm hits coast")
    True
    >>> headline_matches("Storm", "Storm hits coast | Daily News")
    False
    """
    if predicted is None:
        return False
    p, g = normalize_title(predicted), normalize_title(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    return p in _title_variants(gold) or g in _title_variants(predicted)


def _title_variants(title: str) -> set[str]:
    """Normalized contiguous runs of a title's separator-cut parts (at least half its words)."""
    parts = [normalize_title(x) for x in _TITLE_SEPARATORS.split(title)]
    parts = [x for x in parts if x]
    total = sum(len(x.split()) for x in parts)
    out: set[str] = set()
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            run = " ".join(parts[i:j])
            if 2 * len(run.split()) >= total:
                out.add(run)
    return out


def author_found(name: str, article: Article) -> bool:
    """Whether an author's name appears (case-insensitively) in an article's authors or bylines.

    White space is normalized; the name must appear as whole words.
    """
    wanted = normalize_title(name)
    if not wanted:
        return False
    for text in (*article.authors, *article.bylines):
        have = f" {normalize_title(text)} "
        if f" {wanted} " in have:
            return True
    return False


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """The gold article of a page, as far as it is known.

    Attributes:
        title: the headline, or None if unknown.
        body: the body text, or None if unknown.
        authors: author names (empty when unknown or when the page names none).
        source: where the gold came from: ``"record"`` (the dataset's page-level gold)
            or ``"spans"`` (derived from the labelled spans).
    """

    title: str | None
    body: str | None
    authors: tuple[str, ...] = ()
    source: str = "record"


def span_articles(page: LabelledPage) -> list[tuple[str | None, list[str]]]:
    """The articles of a page's labelled spans: each one's title and its body texts.

    An article is a run of the page from a headline to the headline that starts the
    next article; its body is the text of the body spans in that run. A headline does
    not start a new article when

    * the article has no body yet: a second headline before the body is a standfirst
      or a kicker, and the first one stays the title;
    * it is a subheading: the spans right before and after it (a run of headlines
      taken as one) are body. A headline after a byline, a related item or junk
      starts an article: on an aggregator, cards are told apart by their byline or
      date lines, or by what stands between them.

    Body before the first headline belongs to the first article; a page without a
    headline is one article without a title. Subheading and standfirst texts are not
    body (the user labelled them headline). A composed page (``meta["render"] ==
    "composed"``, training data glued from whole articles by :mod:`cleaner.compose`)
    has no subheadings: each headline after body starts an article there. Returns
    ``[]`` for a page with neither headline nor body.
    """
    composed = page.meta.get("render") == "composed"
    segments = list(page.segments())
    labels = [label for label, _ in segments]
    articles: list[tuple[str | None, list[str]]] = []
    title: str | None = None
    body: list[str] = []
    i = 0
    while i < len(segments):
        label, text = segments[i]
        if label == Label.BODY:
            body.append(text)
        elif label == Label.HEADLINE:
            last = i
            while last + 1 < len(labels) and labels[last + 1] == Label.HEADLINE:
                last += 1
            subheading = (
                not composed and 0 < i and last + 1 < len(labels) and labels[i - 1] == Label.BODY == labels[last + 1]
            )
            if title is None:
                title = text
            elif body and not subheading:
                articles.append((title, body))
                title, body = text, []
            i = last
        i += 1
    if title is not None or body:
        articles.append((title, body))
    return articles


def gold_article(page: LabelledPage) -> GoldArticle | None:
    """The gold article of a labelled page.

    A page built from a dataset record carries the record's gold in
    ``page.meta["gold"]`` (``title``, ``authors``, ``body``). Otherwise the gold is
    the first article of the labelled spans (:func:`span_articles`): its headline, and
    the body spans of its run joined by blank lines; subheadings and standfirsts
    labelled headline do not cut it short. Returns None for a page with neither
    headline nor body.
    """
    g = page.meta.get("gold")
    if isinstance(g, dict) and (g.get("title") or g.get("body")):
        authors = tuple(a for a in (g.get("authors") or []) if isinstance(a, str) and a.strip())
        return GoldArticle(title=g.get("title") or None, body=g.get("body") or None, authors=authors)
    articles = span_articles(page)
    if not articles:
        return None
    title, body = articles[0]
    return GoldArticle(title=title, body="\n\n".join(body) if body else None, source="spans")


def main_article(articles: Sequence[Article], gold: GoldArticle) -> Article | None:
    """The article that a page's gold describes: the first whose headline matches the gold
    title, else the one with the most body words (None when there are no articles)."""
    if not articles:
        return None
    if gold.title:
        for a in articles:
            if headline_matches(a.headline, gold.title):
                return a
    return max(articles, key=lambda a: sum(len(tokens(p)) for p in a.body))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Article-level scores of one page.

    Attributes:
        id: the page id.
        site: the page's site, if known.
        page_type: the page's type (``article``, ``forum`` ...), if known.
        body_f1: body word-F1 of the main article against the gold body (None: no gold body).
        all_body_f1: body word-F1 of all articles' bodies joined (None: no gold body).
        headline_correct: whether the main article's headline matches (None: no gold title).
        authors_found: gold authors found in the main article.
        authors_total: gold authors of the page.
        predicted_title: the main article's headline.
        gold_title: the gold title.
        main_body_f1: body word-F1 of the page's main article as a user gets it
            (:attr:`cleaner.CleanResult.main`, the article with the most body words),
            whatever its headline (None: no gold body).
        articles: how many articles the page gave.
        gold_articles: how many it should give (None: unknown): 1 on a single-article
            page (``page_type`` ``article``), the articles of the labelled spans on an
            aggregator (a composed page, or labelled spans with two or more headed
            articles).
        aggregator: whether the page carries several articles.
        title_in_text: whether some form of the gold title that
            :func:`headline_matches` accepts stands in the page text (None: no gold
            title); no cleaner of raw text can find the others.
        authors_in_text: whether every gold author's name stands in the page text
            (None: the page names no authors).
        predicted_authors: the names in the main article's ``authors`` (on pages that
            name gold authors; empty elsewhere, where a name cannot be judged).
        correct_authors: how many of ``predicted_authors`` are gold authors.
        authors_parsed: how many gold authors a name of ``predicted_authors`` is
            (``authors_found`` also counts a gold name that only stands in a byline
            line: it was shown, but not read as an author).
    """

    id: str
    site: str | None
    page_type: str | None
    body_f1: float | None
    all_body_f1: float | None
    headline_correct: bool | None
    authors_found: int
    authors_total: int
    predicted_title: str | None
    gold_title: str | None
    main_body_f1: float | None = None
    articles: int = 0
    gold_articles: int | None = None
    aggregator: bool = False
    title_in_text: bool | None = None
    authors_in_text: bool | None = None
    predicted_authors: tuple[str, ...] = ()
    correct_authors: int = 0
    authors_parsed: int = 0


def score_article(
    articles: Sequence[Article],
    gold: GoldArticle,
    *,
    id: str = "page",
    site: str | None = None,
    page_type: str | None = None,
    text: str | None = None,
    gold_articles: int | None = None,
    aggregator: bool = False,
) -> PageScore:
    """Score the articles found on a page against the page's gold article.

    ``text``, the page text, lets the score say whether the gold title and authors
    stand in it; ``gold_articles`` is the number of articles the page should give.
    """
    main = main_article(articles, gold)
    body_f1 = all_f1 = main_f1 = None
    if gold.body is not None:
        body_f1 = body_word_f1(main.text if main else "", gold.body)
        all_f1 = body_word_f1("\n\n".join(a.text for a in articles), gold.body)
        biggest = CleanResult(articles=list(articles), segments=[]).main
        main_f1 = body_word_f1(biggest.text if biggest else "", gold.body)
    headline = None
    if gold.title is not None:
        headline = main is not None and headline_matches(main.headline, gold.title)
    found = sum(1 for name in gold.authors if main is not None and author_found(name, main))
    predicted: tuple[str, ...] = tuple(main.authors) if main is not None and gold.authors else ()
    correct = sum(1 for name in predicted if any(same_person(name, g) for g in gold.authors))
    parsed = sum(1 for g in gold.authors if any(same_person(name, g) for name in predicted))
    title_in = authors_in = None
    if text is not None:
        page = f" {normalize_title(text)} "
        if gold.title is not None:
            forms = {normalize_title(gold.title)} | _title_variants(gold.title)
            title_in = any(f and f" {f} " in page for f in forms)
        if gold.authors:
            authors_in = all(f" {normalize_title(a)} " in page for a in gold.authors)
    return PageScore(
        id=id,
        site=site,
        page_type=page_type,
        body_f1=body_f1,
        all_body_f1=all_f1,
        headline_correct=headline,
        authors_found=found,
        authors_total=len(gold.authors),
        predicted_title=main.headline if main else None,
        gold_title=gold.title,
        main_body_f1=main_f1,
        articles=len(articles),
        gold_articles=gold_articles,
        aggregator=aggregator,
        title_in_text=title_in,
        authors_in_text=authors_in,
        predicted_authors=predicted,
        correct_authors=correct,
        authors_parsed=parsed,
    )


def same_person(name: str, gold: str) -> bool:
    """Whether an output author name is a gold author: equal after normalization, or
    one holds the other as whole words ("Jane Doe" and "Dr. Jane Doe").

    >>> same_person("JANE DOE", "Jane Doe"), same_person("Dr Jane Doe", "Jane Doe")
    (True, True)
    >>> same_person("Jane", "Jane Doe"), same_person("Circular Motion", "Jane Doe")
    (False, False)
    """
    a, b = normalize_title(name), normalize_title(gold)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(short.split()) >= 2 and f" {short} " in f" {long} "


def gold_article_count(page: LabelledPage) -> tuple[int | None, bool]:
    """How many articles a page should give, and whether it is an aggregator.

    A page of type ``article`` (a dataset record of one article, in any rendering)
    gives one. A composed page, or a labelled page whose spans hold two or more
    articles (:func:`span_articles` with a headline and body), is an aggregator and gives as many
    articles as its spans hold. Otherwise (listings, forums, products ...) unknown.
    """
    page_type = page.meta.get("page_type")
    headed = sum(1 for title, body in span_articles(page) if title is not None and body) if page.spans else 0
    if page.meta.get("render") == "composed" or headed >= 2:
        return headed, True
    if page_type == "article":
        return 1, False
    return None, False


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class ArticleScores:
    """Article-level scores of many pages, and their averages."""

    pages: list[PageScore] = field(default_factory=list)

    @property
    def body_f1(self) -> float | None:
        """Body word-F1 averaged over pages with a gold body."""
        return _mean([p.body_f1 for p in self.pages if p.body_f1 is not None])

    @property
    def all_body_f1(self) -> float | None:
        """Body word-F1 of all articles joined, averaged over pages with a gold body."""
        return _mean([p.all_body_f1 for p in self.pages if p.all_body_f1 is not None])

    @property
    def headline_accuracy(self) -> float | None:
        """Share of pages with a gold title whose main article's headline matches it."""
        return _mean([float(p.headline_correct) for p in self.pages if p.headline_correct is not None])

    @property
    def author_recall(self) -> float | None:
        """Share of gold authors found, over all pages that name authors."""
        total = sum(p.authors_total for p in self.pages)
        return sum(p.authors_found for p in self.pages) / total if total else None

    @property
    def author_accuracy(self) -> float | None:
        """Share of pages that name authors on which every author was found."""
        return _mean([float(p.authors_found == p.authors_total) for p in self.pages if p.authors_total])

    @property
    def main_body_f1(self) -> float | None:
        """Body word-F1 of :attr:`cleaner.CleanResult.main`, averaged over pages with a gold body."""
        return _mean([p.main_body_f1 for p in self.pages if p.main_body_f1 is not None])

    @property
    def single_article_exact(self) -> float | None:
        """Share of single-article pages that gave exactly one article."""
        return _mean([float(p.articles == 1) for p in self.pages if p.gold_articles == 1 and not p.aggregator])

    @property
    def aggregator_count_exact(self) -> float | None:
        """Share of aggregator pages that gave exactly as many articles as they carry."""
        return _mean([float(p.articles == p.gold_articles) for p in self.pages if p.aggregator])

    @property
    def headline_accuracy_in_text(self) -> float | None:
        """Headline accuracy over pages whose gold title stands in the page text."""
        return _mean([float(bool(p.headline_correct)) for p in self.pages if p.title_in_text])

    @property
    def author_recall_in_text(self) -> float | None:
        """Share of pages whose gold authors all stand in the text on which every gold
        author was found."""
        return _mean([float(p.authors_found == p.authors_total) for p in self.pages if p.authors_in_text])

    @property
    def author_parsed_in_text(self) -> float | None:
        """Share of pages whose gold authors all stand in the text on which every gold
        author is among the main article's parsed ``authors`` (stricter than
        :attr:`author_recall_in_text`, which also counts a name shown in a byline)."""
        return _mean([float(p.authors_parsed == p.authors_total) for p in self.pages if p.authors_in_text])

    @property
    def author_precision(self) -> float | None:
        """Share of the main articles' author names that are gold authors, over pages
        that name gold authors."""
        total = sum(len(p.predicted_authors) for p in self.pages)
        return sum(p.correct_authors for p in self.pages) / total if total else None

    def by_page_type(self) -> dict[str, ArticleScores]:
        """The scores split by page type (pages of unknown type under ``"unknown"``)."""
        out: dict[str, ArticleScores] = {}
        for p in self.pages:
            out.setdefault(p.page_type or "unknown", ArticleScores()).pages.append(p)
        return dict(sorted(out.items()))

    def summary(self) -> dict[str, float | int | None]:
        """The averages as a dict (JSON-ready)."""
        return {
            "pages": len(self.pages),
            "body_f1": self.body_f1,
            "all_body_f1": self.all_body_f1,
            "headline_accuracy": self.headline_accuracy,
            "author_recall": self.author_recall,
            "author_accuracy": self.author_accuracy,
            "main_body_f1": self.main_body_f1,
            "single_article_exact": self.single_article_exact,
            "aggregator_count_exact": self.aggregator_count_exact,
            "headline_accuracy_in_text": self.headline_accuracy_in_text,
            "author_recall_in_text": self.author_recall_in_text,
            "author_parsed_in_text": self.author_parsed_in_text,
            "author_precision": self.author_precision,
        }

    def structure_table(self) -> str:
        """Page structure: article counts, headlines where the title stands in the text,
        author recall and precision, main-article body F1; on all pages and on article pages."""

        def fmt(x: float | None, n: int) -> str:
            return f"{'-' if x is None else f'{x:.3f}'} ({n})"

        rows = [("all pages", self)]
        articles = self.by_page_type().get("article")
        if articles is not None and len(articles.pages) != len(self.pages):
            rows.append(("article pages", articles))
        out = []
        for name, s in rows:
            p = s.pages
            single = sum(1 for x in p if x.gold_articles == 1 and not x.aggregator)
            names = sum(len(x.predicted_authors) for x in p)
            aggregators = sum(x.aggregator for x in p)
            titled = sum(bool(x.title_in_text) for x in p)
            credited = sum(bool(x.authors_in_text) for x in p)
            bodies = sum(x.main_body_f1 is not None for x in p)
            out += [
                f"{name}:",
                f"  one article on single-article pages   {fmt(s.single_article_exact, single)}",
                f"  article count exact on aggregators    {fmt(s.aggregator_count_exact, aggregators)}",
                f"  headline, title in the text           {fmt(s.headline_accuracy_in_text, titled)}",
                f"  authors found, authors in the text    {fmt(s.author_recall_in_text, credited)}",
                f"  ... read as authors, not only shown   {fmt(s.author_parsed_in_text, credited)}",
                f"  author precision (names)              {fmt(s.author_precision, names)}",
                f"  main article (most body words) F1     {fmt(s.main_body_f1, bodies)}",
            ]
        return "\n".join(out)

    def table(self) -> str:
        """A plain-text table of the averages, overall and by page type."""

        def fmt(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"

        def n_of(s: ArticleScores, attr: str) -> int:
            return sum(1 for p in s.pages if getattr(p, attr) is not None)

        lines = [
            f"{'pages':<14}{'n':>5}{'body F1':>10}{'(pages)':>9}"
            f"{'headline':>10}{'(pages)':>9}{'authors':>9}{'(names)':>9}"
        ]
        groups = [("all", self)]
        by_type = self.by_page_type()
        if len(by_type) > 1 or "unknown" not in by_type:
            groups += list(by_type.items())
        for name, s in groups:
            names = sum(p.authors_total for p in s.pages)
            lines.append(
                f"{name:<14}{len(s.pages):>5}{fmt(s.body_f1):>10}{n_of(s, 'body_f1'):>9}"
                f"{fmt(s.headline_accuracy):>10}{n_of(s, 'headline_correct'):>9}"
                f"{fmt(s.author_recall):>9}{names:>9}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Evaluating a model
# --------------------------------------------------------------------------------------


@dataclass
class EvaluationReport:
    """What :func:`evaluate_model` returns.

    Attributes:
        labels: word-level label scores over the pages that have labelled spans.
        articles: article-level scores over the pages that have a gold article.
        pages: the number of pages evaluated.
        labelled_pages: how many of them have labelled spans (word-level scores).
        model: a description of the model (its path, or ``"default"``).
        unscored: pages left out of the article-level scores, by id, with the reason
            (a page with neither headline nor body labelled, nor a record's gold).
        without_gold_body: ids of pages scored at article level but left out of body
            F1, for want of a gold body (a headline labelled, no body).
    """

    labels: LabelScores
    articles: ArticleScores
    pages: int = 0
    labelled_pages: int = 0
    model: str = ""
    unscored: dict[str, str] = field(default_factory=dict)
    without_gold_body: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float | None]:
        """The headline numbers, by name: word-level F1 per label (``f1_body`` ...),
        ``macro_f1``, ``word_accuracy``, ``headline_accuracy``, ``body_f1``,
        ``author_recall``. A metric without data is None."""
        out: dict[str, float | None] = {}
        has_words = bool(self.labels.confusion)
        for lbl in Label:
            gold_words = self.labels.prf(lbl)[3] if has_words else 0
            out[f"f1_{lbl.value}"] = self.labels.prf(lbl)[2] if gold_words else None
        out["macro_f1"] = self.labels.macro_f1 if has_words else None
        out["word_accuracy"] = self.labels.accuracy if has_words else None
        out["headline_accuracy"] = self.articles.headline_accuracy
        out["body_f1"] = self.articles.body_f1
        out["author_recall"] = self.articles.author_recall
        out["main_body_f1"] = self.articles.main_body_f1
        out["single_article_exact"] = self.articles.single_article_exact
        out["aggregator_count_exact"] = self.articles.aggregator_count_exact
        out["headline_accuracy_in_text"] = self.articles.headline_accuracy_in_text
        out["author_recall_in_text"] = self.articles.author_recall_in_text
        out["author_parsed_in_text"] = self.articles.author_parsed_in_text
        out["author_precision"] = self.articles.author_precision
        return out

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        per_label = {}
        for lbl in self.labels.labels:
            precision, recall, f1, n = self.labels.prf(lbl)
            per_label[lbl] = {"precision": precision, "recall": recall, "f1": f1, "words": n}
        labels = self.labels.labels
        return {
            "model": self.model,
            "pages": self.pages,
            "labelled_pages": self.labelled_pages,
            "metrics": self.metrics(),
            "per_label": per_label,
            "confusion": {
                "labels": labels,
                "rows": [[self.labels.confusion[(g, p)] for p in labels] for g in labels],
            },
            "articles": self.articles.summary(),
            "by_page_type": {k: v.summary() for k, v in self.articles.by_page_type().items()},
            "page_scores": [asdict(p) for p in self.articles.pages],
            "unscored": dict(self.unscored),
            "without_gold_body": list(self.without_gold_body),
        }

    def left_out(self) -> list[str]:
        """Lines naming the pages left out of scores (none when every page counts)."""
        lines = []
        if self.unscored:
            named = [f"{pid} ({why})" for pid, why in self.unscored.items()]
            lines.append(f"not scored at article level: {len(named)} page(s): {_some(named)}")
        if self.without_gold_body:
            lines.append(
                f"left out of body F1 (no gold body): {len(self.without_gold_body)} page(s): "
                f"{_some(self.without_gold_body)}"
            )
        return lines

    def table(self) -> str:
        """A plain-text report: per-label scores, confusion matrix, article-level scores."""
        head = f"model: {self.model}\n" if self.model else ""
        lines = [f"{head}pages: {self.pages} ({self.labelled_pages} with labelled segments)", ""]
        if self.labels.confusion:
            lines += ["word-level label scores", self.labels.table(), ""]
        else:
            lines += ["word-level label scores: no labelled pages", ""]
        if self.articles.pages:
            lines += ["article-level scores (main article)", self.articles.table(), ""]
            lines += ["page structure (pages counted in brackets)", self.articles.structure_table()]
        else:
            lines += ["article-level scores: no pages with a gold article"]
        left_out = self.left_out()
        if left_out:
            lines += ["", *left_out]
        return "\n".join(lines)


def _some(names: Sequence[str], shown: int = 10) -> str:
    """The first ``shown`` names, and how many more."""
    more = f", and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def compare_table(reports: Sequence[EvaluationReport], names: Sequence[str]) -> str:
    """The headline metrics of several reports side by side, with the difference of the
    last to the first when there are two."""
    rows = [r.metrics() for r in reports]
    keys = list(rows[0]) if rows else []
    width = max(12, *(len(n) + 2 for n in names))
    diff = len(reports) == 2
    header = f"{'metric':<20}" + "".join(f"{n:>{width}}" for n in names) + (f"{'change':>10}" if diff else "")
    lines = [header]
    for k in keys:
        vals = [row[k] for row in rows]
        cells = "".join(f"{'-' if v is None else f'{v:.3f}':>{width}}" for v in vals)
        if diff:
            a, b = vals
            cells += f"{'-' if a is None or b is None else f'{b - a:+.3f}':>10}"
        lines.append(f"{k:<20}{cells}")
    return "\n".join(lines)


def predict_pages(cleaner: Cleaner, pages: Sequence[LabelledPage]) -> list[CleanResult]:
    """Clean the text of each page with a :class:`~cleaner.Cleaner`, in batches; a
    page rendered from a dataset record's HTML with what the HTML declares, as
    :meth:`cleaner.Cleaner.clean_html` cleans it; a page with a URL (a record's, or a
    sample's ``# url:`` header) with that URL (a scoped model routes it by its host)."""
    from .page_meta import PageMeta

    metas: list[PageMeta | None] = []
    for p in pages:
        declared = p.meta.get("declared")
        meta = PageMeta.from_dict(declared) if isinstance(declared, dict) else None
        url = page_url(p)
        if url is not None and (meta is None or meta.url != url):
            meta = replace(meta if meta is not None else PageMeta(), url=url)
        metas.append(meta)
    return cleaner.clean_many([p.text for p in pages], meta=metas)


def page_url(page: LabelledPage) -> str | None:
    """The URL a page is cleaned with: the canonical URL its HTML declares, else its
    record's URL or its sample's ``# url:`` header; None when none is known."""
    declared = page.meta.get("declared")
    if isinstance(declared, dict) and isinstance(declared.get("url"), str) and declared["url"]:
        return str(declared["url"])
    url = page.meta.get("url")
    return url if isinstance(url, str) and url else None


def evaluate_results(
    pages: Sequence[LabelledPage], results: Sequence[CleanResult], *, model: str = ""
) -> EvaluationReport:
    """Score cleaning results against their pages.

    Word-level scores count the pages that have labelled spans; a page without spans
    (a dataset record rendered to text, see :func:`pages_from_records`) counts only
    for the article-level scores. Pages left out of the article-level scores, or of
    body F1, are named in the report (``unscored``, ``without_gold_body``).
    """
    labels = LabelScores()
    articles = ArticleScores()
    labelled = 0
    unscored: dict[str, str] = {}
    without_body: list[str] = []
    for page, result in zip(pages, results, strict=True):
        if page.spans:
            labelled += 1
            labels.add(word_labels(page.text, page.spans), word_labels(page.text, result.segments))
        gold = gold_article(page)
        if gold is None:
            unscored[page.id] = "no headline or body labelled" if page.spans else "no gold title or body"
        elif gold.body is None:
            without_body.append(page.id)
        if gold is not None:
            page_type = page.meta.get("page_type")
            count, aggregator = gold_article_count(page)
            articles.pages.append(
                score_article(
                    result.articles,
                    gold,
                    id=page.id,
                    site=page.site,
                    page_type=page_type if isinstance(page_type, str) else None,
                    text=page.text,
                    gold_articles=count,
                    aggregator=aggregator,
                )
            )
    return EvaluationReport(
        labels=labels,
        articles=articles,
        pages=len(pages),
        labelled_pages=labelled,
        model=model,
        unscored=unscored,
        without_gold_body=without_body,
    )


def evaluate_model(
    model: Model | Cleaner | str | Path | None, pages: Iterable[LabelledPage], *, name: str | None = None
) -> EvaluationReport:
    """Evaluate a model on pages: word-level label scores and article-level scores.

    Args:
        model: a :class:`~cleaner.model.Model`, a :class:`~cleaner.Cleaner`, a model
            file path or None for the shipped default. (A pickle model file of an older
            cleaner is refused: load it with ``load_model(path, trust_pickle=True)``
            if you trust it, or convert it with ``cleaner model convert``.)
        pages: labelled pages (:func:`cleaner.samples.load_samples`) or dataset
            records rendered to pages (:func:`pages_from_records`).
        name: how the report names the model (default: the path, or ``"default"``).
    """
    from .api import Cleaner

    cleaner = model if isinstance(model, Cleaner) else Cleaner(model)
    if name is None:
        name = "default" if model is None else str(model) if isinstance(model, str | Path) else "model"
    page_list = list(pages)
    return evaluate_results(page_list, predict_pages(cleaner, page_list), model=name)


# --------------------------------------------------------------------------------------
# Loading pages to evaluate
# --------------------------------------------------------------------------------------


def page_from_record(record: dict[str, Any], *, mode: str = "browser") -> LabelledPage:
    """A dataset record (``{"id", "html", "gold", ...}``, see the datasets README) as a
    page without labelled spans: its HTML rendered to text, its gold in ``meta``, and
    what the HTML declares (:func:`cleaner.page_meta.page_meta`) in ``meta["declared"]``."""
    from .page_meta import read_html

    html = record.get("html")
    if not isinstance(html, str):
        raise SampleFormatError(str(record.get("id", "?")), None, "dataset record has no 'html' string")
    meta: dict[str, Any] = {k: record[k] for k in ("dataset", "url", "page_type", "lang") if k in record}
    meta["gold"] = record.get("gold") or {}
    meta["render"] = mode
    text, declared = read_html(html, mode=mode)
    if declared is not None:
        meta["declared"] = declared.to_dict()
    return LabelledPage(id=str(record.get("id", "?")), text=text, spans=(), site=None, meta=meta)


def _first_record(path: Path) -> dict[str, Any] | None:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SampleFormatError(str(path), None, f"not valid JSON: {exc.msg}") from exc
                return record if isinstance(record, dict) else None
    return None


def _is_record_file(path: Path) -> bool:
    """Whether a JSONL file holds dataset records (HTML, no spans) rather than samples."""
    if not path.name.endswith((".jsonl", ".jsonl.gz")):
        return False
    first = _first_record(path)
    return first is not None and "spans" not in first and "html" in first


def _iter_records(path: Path, mode: str) -> Iterator[LabelledPage]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SampleFormatError(str(path), lineno, f"not valid JSON: {exc.msg}") from exc
            yield page_from_record(record, mode=mode)


def iter_eval_pages(paths: Iterable[str | Path], *, mode: str = "browser") -> Iterator[LabelledPage]:
    """Yield pages to evaluate from sample files (TSV, JSONL), dataset record files
    (``*.jsonl.gz`` with ``html`` and ``gold``, rendered with ``mode``) and directories
    of either."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(
                f for f in p.rglob("*") if f.is_file() and (f.name.endswith((".tsv", ".jsonl", ".jsonl.gz")))
            )
            yield from iter_eval_pages(files, mode=mode)
        elif p.is_file() and _is_record_file(p):
            yield from _iter_records(p, mode)
        else:
            yield from iter_samples([p])
