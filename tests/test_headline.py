"""The headline ranker: candidates, choice, and its place in the model file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cleaner import Cleaner
from cleaner.errors import ModelVersionError
from cleaner.labels import STANDARD_LABELS
from cleaner.model import Model, load_model, save_model
from cleaner.model.predict import RankerPredictor
from cleaner.model.ranker import N_CANDIDATE_FEATURES, RANKER_FEATURE_VERSION, Candidates, HeadlineRanker
from cleaner.pipeline.byline_rules import author_line, prefixed_author
from cleaner.pipeline.decode import decode_labels, main_run
from cleaner.pipeline.headline import _CAPTION, candidates, choose_headline, headline_question, rank_headlines
from cleaner.pipeline.segment import Unit, split_units
from cleaner.samples import load_samples
from cleaner.trainer import fit_headline_ranker

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"
CLASSES = ["body", "byline", "headline", "junk", "related-item"]

PAGE = "\n".join(
    [
        "Home",  # 0
        "World News",  # 1
        "Storm floods the old harbour town",  # 2: the title
        "By Jane Doe",  # 3
        "Share on Facebook",  # 4
        "The storm reached the coast on Monday night and flooded the streets of the harbour town.",  # 5
        "Rescue teams worked through the night to bring families to the school on the hill above it.",  # 6
        "Most popular",  # 7
    ]
)


def _proba(rows: dict[int, str], n: int, sure: float = 0.9) -> np.ndarray:
    p = np.full((n, len(CLASSES)), (1 - sure) / (len(CLASSES) - 1))
    for i in range(n):
        p[i, CLASSES.index(rows.get(i, "junk"))] = sure
    return p


class _Fixed(HeadlineRanker):
    """A stand-in ranker that always picks one unit."""

    def __init__(self, unit: int) -> None:
        super().__init__()
        self.unit = unit

    def choose(self, cands: Candidates, allowed: np.ndarray | None = None) -> int | None:
        if self.unit not in cands.index:
            return None
        return self.unit if allowed is None or allowed[list(cands.index).index(self.unit)] else None


@dataclass(frozen=True)
class _BodyPage:
    """:data:`PAGE` cut into units, its two body units (5 and 6) labelled body and the
    rest junk, with probabilities as sure of those labels."""

    units: list[Unit]
    labels: list[str]
    proba: np.ndarray


@pytest.fixture
def body_page() -> _BodyPage:
    """:class:`_BodyPage`, made anew for each test (tests change its labels)."""
    units = split_units(PAGE)
    labels = ["junk"] * len(units)
    labels[5] = labels[6] = "body"
    return _BodyPage(units, labels, _proba({5: "body", 6: "body"}, len(units)))


def test_main_run_is_the_run_with_most_words(body_page: _BodyPage) -> None:
    units, labels = body_page.units, body_page.labels
    assert main_run(units, PAGE, labels) == (5, 6)
    assert main_run(units, PAGE, ["junk"] * len(units)) is None


def test_candidates_are_short_units_before_the_run(body_page: _BodyPage) -> None:
    cands = candidates(PAGE, body_page.units, body_page.labels, body_page.proba, CLASSES)
    assert cands is not None
    assert list(cands.index) == [0, 1, 2, 3, 4]
    assert cands.run_start == 5


def test_candidate_features_do_not_depend_on_label_order_or_custom_labels(body_page: _BodyPage) -> None:
    units, labels = body_page.units, body_page.labels
    proba = _proba({2: "headline", 5: "body", 6: "body"}, len(units), sure=0.7)
    a = candidates(PAGE, units, labels, proba, CLASSES)
    order = [4, 2, 0, 3, 1]
    extra = np.hstack([proba[:, order], np.zeros((len(units), 1))])
    b = candidates(PAGE, units, labels, extra, [CLASSES[k] for k in order] + ["caption"])
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.features, b.features)


def test_chosen_headline_replaces_headlines_between_it_and_the_body(body_page: _BodyPage) -> None:
    labels = body_page.labels
    labels[4] = "headline"  # a share button taken for a title
    choose_headline(PAGE, body_page.units, labels, body_page.proba, CLASSES, _Fixed(2))
    assert labels[2] == "headline"
    assert labels[4] == "junk"
    assert labels[5:7] == ["body", "body"]


def test_decode_runs_the_ranker_before_rescuing_bylines() -> None:
    units = split_units(PAGE)
    proba = _proba({4: "headline", 5: "body", 6: "body"}, len(units))
    proba[3, CLASSES.index("byline")] = 0.2  # "By Jane Doe": under-called
    labels, conf = decode_labels(PAGE, units, proba, CLASSES, headline_ranker=_Fixed(2))
    assert labels[2] == "headline" and labels[4] == "junk"
    assert labels[3] == "byline"
    assert len(conf) == len(units)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lucie Stuchlíková", True),
        ("Written by Jorge Jimenez", True),
        ("Autorin/Autor Roman Goncharenko", True),
        ("Aaron Ricadela | Senior Writer | July 2, 2025", True),
        ("Mathias Hagen – Journalist", True),
        ("Read More", False),
        ("Sign In", False),
        ("Share on Facebook", False),
        ("12/19/2025 Friday", False),
        ("Gaming & Culture", False),
    ],
)
def test_author_lines(line: str, expected: bool) -> None:
    assert author_line(line) is expected


def test_bare_name_in_the_main_article_header_becomes_a_byline() -> None:
    page = PAGE.replace("By Jane Doe", "Jane Doe")
    units = split_units(page)
    proba = _proba({2: "headline", 5: "body", 6: "body"}, len(units))
    proba[3] = [0.02, 0.03, 0.02, 0.9, 0.03]  # the classifier calls the name junk
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[3] == "byline"
    assert labels[1] == "junk"  # "World News" is not a name after all: before the headline's window


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("by Linda Rosencrance", True),
        ("Thread starter lulug30", True),
        ("Post by galitsyn » 11. Sep 2024, 18:36", True),
        ("Interview by Sylvia Bishop December 3, 2025. Updated: December 7, 2025", True),
        ("By Jane Doe and Max Roe", True),
        ("By Jane Doe, Staff Writer", True),
        ("recommended by Sylvia Bishop", False),  # not a credit of the article
        ("By clicking Sign Up you agree", False),
        ("by Manchester United in December 2018.", False),  # the end of a sentence
        ("by WSET Global More posts from this author", False),
    ],
)
def test_prefixed_author_lines(line: str, expected: bool) -> None:
    assert prefixed_author(line) is expected


def test_a_body_sentence_that_opens_with_by_stays_body() -> None:
    page = PAGE.replace("By Jane Doe", "Storm desk").replace(
        "Most popular", "By Tuesday Morning, rescue teams had brought families to the school."
    )
    units = split_units(page)
    proba = _proba({2: "headline", 5: "body", 6: "body", 7: "body"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[7] == "body"


def test_credited_author_anywhere_near_the_main_article_becomes_its_byline() -> None:
    page = PAGE.replace("By Jane Doe", "Storm desk").replace("Most popular", "Written by Jane Doe")
    units = split_units(page)
    proba = _proba({2: "headline", 5: "body", 6: "body"}, len(units))
    proba[7] = [0.6, 0.0, 0.0, 0.4, 0.0]  # the credit line after the body, called body
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[7] == "byline" and labels[3] == "junk"
    # an article that already names its author keeps that one byline
    page = PAGE.replace("Home", "By Max Roe")
    units = split_units(page)
    proba = _proba({2: "headline", 3: "byline", 5: "body", 6: "body"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[3] == "byline" and labels[0] == "junk"
    proba = _proba({2: "headline", 5: "body", 6: "body"}, len(units))  # "By Jane Doe" called junk
    proba[3] = [0.0, 0.0, 0.0, 1.0, 0.0]  # and sure of it: no rescue by probability
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[0] == "byline" and labels[3] == "junk"  # the first credit, before the headline


class _Best(HeadlineRanker):
    """A stand-in ranker that scores one unit highest and another next."""

    def __init__(self, best: int, second: int) -> None:
        super().__init__()
        self.best, self.second = best, second

    def choose(self, cands: Candidates, allowed: np.ndarray | None = None) -> int | None:
        index = list(cands.index)
        for unit in (self.best, self.second):
            if unit in index and (allowed is None or allowed[index.index(unit)]):
                return unit
        return None


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("Foto: Seznam Zprávy", True),
        ("Image: Jose Mourinho has agreed a deal", True),
        ("Photo by Solen Feyissa on Unsplash", True),
        ("(Photo: AP)", True),
        ("Photos: The best of the parade", False),  # a gallery's title
        ("Photography tips for beginners", False),
        ("Pictures of the year", False),
    ],
)
def test_caption_prefixes(line: str, caption: bool) -> None:
    assert (_CAPTION.match(line) is not None) is caption


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_a_photo_credit_is_never_chosen() -> None:
    page = PAGE.replace("Share on Facebook", "Foto: Jane Doe, Harbour News")
    units = split_units(page)
    proba = _proba({5: "body", 6: "body"}, len(units))

    # the ranker prefers the credit
    labels, _ = decode_labels(page, units, proba, CLASSES, headline_ranker=_Best(4, 2))
    assert labels[4] != "headline" and labels[2] == "headline"  # the credit refused, the next best taken
    ranker, _model = _fit_on_gold()
    cands = candidates(page, units, labels, proba, CLASSES)
    assert cands is not None and 4 in cands.index
    assert ranker.choose(cands, np.zeros(len(cands.index), bool)) is None


def test_a_headline_takes_its_whole_title_line() -> None:
    page = "\n".join(
        [
            "Home",  # 0
            "31% of new crypto buyers influenced by friends. Here is why that can be a bad idea, advisor says",  # 1, 2
            "By Jane Doe",  # 3
            "The army took control of the state broadcaster on Wednesday and said the president was safe.",  # 4
            "Soldiers stood at the gates of the parliament building in the centre of the capital.",  # 5
            "Markets fall again. Traders in London and New York sold shares of banks and insurers for the third "
            "day running, and the index closed lower.",  # 6, 7
            "Shares rose in Tokyo.",  # 8
        ]
    )
    units = split_units(page)
    assert [u.line for u in units] == [0, 1, 1, 2, 3, 4, 5, 5, 6]
    proba = _proba({2: "headline", 3: "byline", 4: "body", 5: "body", 6: "headline", 8: "body"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[1:3] == ["headline", "headline"]
    assert labels[6:8] == ["headline", "junk"]  # a line too long for a title keeps its headline a part of it


@pytest.mark.parametrize(
    ("title_line", "whole"),
    [
        ("31% of new crypto buyers influenced by friends. Here is why that can be a bad idea, advisor says", True),
        (  # a closing quote after the full stop
            "Army seizes power in Zimbabwe as tanks roll in. "
            "Soldiers said “we are only targeting the criminals around him.”",
            False,
        ),
        (  # 26 words, no full stop
            "Storm floods the old harbour town. Rescue teams from three counties worked through the night "
            "to bring families to the school on the hill above it and beyond",
            False,
        ),
    ],
)
def test_whole_line_rule_limits(title_line: str, whole: bool) -> None:
    page = "\n".join(["Home", title_line, *PAGE.split("\n")[5:7]])
    units = split_units(page)
    assert [u.line for u in units][:3] == [0, 1, 1]
    proba = _proba({1: "headline", 3: "body", 4: "body"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[1] == "headline" and (labels[2] == "headline") is whole


def test_whole_line_rule_stops_at_a_byline() -> None:
    title = "Storm floods the old harbour town as the river rises again overnight in the north. By Jane Doe"
    page = "\n".join(["Home", title, *PAGE.split("\n")[5:7]])
    units = split_units(page)
    proba = _proba({1: "headline", 2: "byline", 3: "body", 4: "body"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[1:3] == ["headline", "byline"]


def _fit_on_gold() -> tuple[HeadlineRanker, Any]:
    model = load_model()
    pages = load_samples(GOLD)
    ranker = fit_headline_ranker(model.estimator, pages)
    assert ranker is not None
    return ranker, model


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_ranker_round_trips_through_the_model_file(tmp_path: Path) -> None:
    ranker, model = _fit_on_gold()
    path = tmp_path / "m.model.zip"
    saved = save_model(model.estimator, path, {"note": "test"}, headline_ranker=ranker)
    loaded = load_model(path)
    assert saved.manifest["headline_ranker"] is True
    assert isinstance(loaded.headline_ranker, HeadlineRanker)
    text = PAGE
    with_ranker = Cleaner(loaded).clean(text)
    without = Cleaner(Model(loaded.estimator, loaded.manifest, None)).clean(text)
    assert [s.text for s in with_ranker.segments] == [s.text for s in without.segments]  # same units either way
    assert with_ranker.articles and with_ranker.articles[0].headline == "Storm floods the old harbour town"


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_ranker_of_another_feature_layout_is_refused(tmp_path: Path) -> None:
    ranker, model = _fit_on_gold()
    assert ranker.feature_version_ == RANKER_FEATURE_VERSION
    ranker.feature_version_ = "1"  # as a model file from before the word-overlap feature
    path = tmp_path / "old.model.zip"
    save_model(model.estimator, path, {"note": "test"}, headline_ranker=ranker)
    with pytest.raises(
        ModelVersionError, match=r"old\.model\.zip has a headline ranker for candidate feature layout 1"
    ):
        load_model(path)


def test_overlap_feature_is_the_share_of_words_in_the_body() -> None:
    cleaner = Cleaner()
    units, proba = cleaner.predict_units(PAGE)
    labels, _ = decode_labels(PAGE, units, proba, cleaner._classes)
    cands = candidates(PAGE, units, labels, proba, cleaner._classes)
    assert cands is not None
    assert cands.features.shape[1] == N_CANDIDATE_FEATURES  # what a model file's ranker is checked against
    overlap = dict(zip(cands.index.tolist(), cands.features[:, -1].tolist(), strict=True))
    text_of = {j: PAGE[units[j].start : units[j].end] for j in overlap}
    title = next(j for j, t in text_of.items() if t == "Storm floods the old harbour town")
    assert overlap[title] > 0.5  # "storm", "floods", "harbour", "town" come back in the body
    others = [j for j, t in text_of.items() if t in ("Home", "World News", "Share on Facebook")]
    assert others and all(overlap[j] == 0.0 for j in others)  # none of their words is in the body


def test_shipped_model_has_a_ranker_that_picks_the_title() -> None:
    cleaner = Cleaner()
    ranker = cleaner.model.headline_ranker
    assert isinstance(ranker, HeadlineRanker)
    units, proba = cleaner.predict_units(PAGE)
    labels, _ = decode_labels(PAGE, units, proba, cleaner._classes)
    cands = candidates(PAGE, units, labels, proba, cleaner._classes)
    assert cands is not None
    scores = ranker.scores(cands)
    assert scores.shape == (len(cands.index),)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert ranker.choose(cands) == 2
    article = cleaner.clean(PAGE).articles[0]
    assert article.headline == "Storm floods the old harbour town"
    assert article.bylines == ["By Jane Doe"]


def test_standard_labels_cover_the_ranker_columns() -> None:
    assert set(CLASSES) == set(STANDARD_LABELS)


def test_headlines_before_the_choice_without_body_between_become_junk(body_page: _BodyPage) -> None:
    labels = body_page.labels
    labels[0] = labels[2] = "headline"  # "Home" taken for a title, and the title
    choose_headline(PAGE, body_page.units, labels, body_page.proba, CLASSES, _Fixed(3))
    assert labels[:5] == ["junk", "junk", "junk", "headline", "junk"]


def test_title_like_junk_above_a_byline_heads_its_body_run() -> None:
    page = "\n".join(
        [
            "Kyodo News",
            "2 hours ago",
            "Japan urges China to prevent recurrence after near miss",  # 2: the card's title
            "KYODO NEWS - 6 minutes ago - 13:16 | World, Japan, All",  # 3
            "Japan said Thursday it has strongly urged China to prevent a recurrence of the incident.",
            "The aircraft came within a few dozen metres of the patrol plane, the ministry said.",
        ]
    )
    units = split_units(page)
    proba = _proba({1: "byline", 3: "byline", 4: "body", 5: "body"}, len(units))
    proba[2] = [0.13, 0.004, 0.005, 0.72, 0.141]  # junk, and a headline probability under 0.01
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[2] == "headline"


def test_related_item_ending_with_a_colon_is_junk() -> None:
    page = "\n".join(
        [
            "Storm floods the old harbour town",
            "The storm reached the coast on Monday night and flooded the streets of the harbour town.",
            "Related coverage:",
            "Bridge repairs delayed again after the storm",
            "Explore what Daily8 AI can do for you:",
        ]
    )
    units = split_units(page)
    proba = _proba({0: "headline", 1: "body", 3: "related-item", 4: "related-item"}, len(units))
    labels, _ = decode_labels(page, units, proba, CLASSES)
    assert labels[3] == "related-item"
    assert labels[4] == "junk"


def _real_pages() -> list[str]:
    pages = [PAGE]
    for folder in ("seed", "gold"):
        pages += [p.read_text(encoding="utf-8") for p in sorted((GOLD.parent / folder).glob("*.txt"))[:6]]
    return [p for p in pages if p.strip()]


def test_the_ranker_scores_pages_together_as_it_scores_them_alone() -> None:
    cleaner = Cleaner()
    ranker = cleaner.model.headline_ranker
    asked = []
    for text in _real_pages():
        units, proba = cleaner.predict_units(text)
        labels, _ = decode_labels(text, units, proba, cleaner._classes)
        question = headline_question(text, units, labels, proba, cleaner._classes)
        if question is not None:
            asked.append(question)
    assert len(asked) >= 5
    together = ranker.scores_many([q.candidates for q in asked])
    for q, scores in zip(asked, together, strict=True):
        np.testing.assert_array_equal(scores, ranker.scores(q.candidates))  # bit for bit
    chosen = ranker.choose_many([q.candidates for q in asked], [q.allowed for q in asked])
    assert chosen == [ranker.choose(q.candidates, q.allowed) for q in asked]
    assert any(c is not None for c in chosen)


class _Counting(HeadlineRanker):
    """A stand-in ranker that picks the last candidate and counts its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def choose_many(
        self, pages: Sequence[Candidates], allowed: Sequence[np.ndarray | None] | None = None
    ) -> list[int | None]:
        self.calls.append(len(pages))
        return [int(c.index[-1]) for c in pages]


def test_rank_headlines_asks_each_ranker_once_for_its_pages(body_page: _BodyPage) -> None:
    question = headline_question(PAGE, body_page.units, body_page.labels, body_page.proba, CLASSES)
    assert question is not None
    a, b = _Counting(), _Counting()
    chosen = rank_headlines([a, b, a, None, a], [question, question, question, question, None])
    assert chosen == [int(question.candidates.index[-1])] * 3 + [None, None]
    assert a.calls == [2] and b.calls == [1]  # one call a ranker, for the pages it has questions of


def test_clean_many_calls_the_ranker_once_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    cleaner = Cleaner()
    ranker = cleaner.model.ranker
    pages = _real_pages()
    alone = [cleaner.clean(p) for p in pages]
    calls: list[int] = []
    real = RankerPredictor.scores_many

    def counted(self: RankerPredictor, cands: Sequence[Candidates]) -> list[np.ndarray]:
        calls.append(len(cands))
        return real(self, cands)

    monkeypatch.setattr(RankerPredictor, "scores_many", counted)
    together = cleaner.clean_many(pages, batch_size=len(pages))
    assert len(calls) == 1 and calls[0] >= 5 and ranker is not None
    assert together == alone  # the same results as page by page
