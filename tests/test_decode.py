"""Decoding (cleaner/decode.py): the named steps, what each changes, and that every
label it sets says which step set it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner import Cleaner, clean
from cleaner.labels import Label
from cleaner.output import explain
from cleaner.pipeline.decode import STEPS, decode_labels, main_run, step_parameters
from cleaner.pipeline.segment import split_units

CLASSES = [str(x) for x in Label]
H, Y, B, R, J = (CLASSES.index(x) for x in (Label.HEADLINE, Label.BYLINE, Label.BODY, Label.RELATED, Label.JUNK))
BODY = "The council voted on Monday to approve a plan for a new park in the centre of the city."


def _proba(rows: list[dict[int, float]]) -> np.ndarray:
    out = np.full((len(rows), len(CLASSES)), 0.01)
    for i, row in enumerate(rows):
        for k, p in row.items():
            out[i, k] = p
    return out / out.sum(axis=1, keepdims=True)


def test_the_model_label_stands_where_no_step_changes_it() -> None:
    text = "Council approves park\n" + BODY
    units = split_units(text)
    proba = _proba([{H: 0.9}, {B: 0.9}])
    why: list[str | None] = []
    labels, conf = decode_labels(text, units, proba, CLASSES, why=why)
    assert labels == ["headline", "body"] and why == [None, None]
    assert conf == pytest.approx([proba[0, H], proba[1, B]])


def test_one_headline_per_body_rescues_a_title_and_says_so() -> None:
    text = "Home\nCouncil approves new park plan\n" + BODY
    units = split_units(text)
    proba = _proba([{J: 0.9}, {J: 0.6, H: 0.3}, {B: 0.9}])
    why: list[str | None] = []
    labels, _ = decode_labels(text, units, proba, CLASSES, why=why)
    assert labels == ["junk", "headline", "body"]
    assert why == [None, "one-headline-per-body", None]


def test_of_two_headlines_before_a_body_the_likelier_stays() -> None:
    text = "Section News Today\nCouncil approves new park plan\n" + BODY
    units = split_units(text)
    proba = _proba([{H: 0.5, J: 0.4}, {H: 0.8}, {B: 0.9}])
    why: list[str | None] = []
    labels, _ = decode_labels(text, units, proba, CLASSES, why=why)
    assert labels == ["junk", "headline", "body"] and why[0] == "one-headline-per-body"


def test_a_weak_headline_between_body_is_a_subheading() -> None:
    text = f"{BODY}\nWhat happens next\n{BODY}"
    units = split_units(text)
    labels, _ = decode_labels(text, units, _proba([{B: 0.9}, {H: 0.5, B: 0.4}, {B: 0.9}]), CLASSES)
    assert labels == ["body", "body", "body"]


def test_a_short_line_after_a_headline_becomes_its_byline() -> None:
    text = "Council approves new park plan\nJane Doe | City desk\n" + BODY
    units = split_units(text)
    why: list[str | None] = []
    labels, _ = decode_labels(text, units, _proba([{H: 0.9}, {J: 0.6, Y: 0.3}, {B: 0.9}]), CLASSES, why=why)
    assert labels == ["headline", "byline", "body"] and why[1] == "bylines-by-headlines"


def test_furniture_is_junk_last() -> None:
    text = "Council approves new park plan\n" + BODY
    units = split_units(text)
    why: list[str | None] = []
    furniture = [(units[1].start, units[1].end)]
    labels, _ = decode_labels(text, units, _proba([{H: 0.9}, {B: 0.9}]), CLASSES, furniture=furniture, why=why)
    assert labels == ["headline", "junk"] and why == [None, "page-furniture"]


def test_main_run_is_the_run_with_most_words() -> None:
    text = "a b c\nx\nd e f g h\ni j"
    units = split_units(text)
    assert main_run(units, text, ["body", "junk", "body", "body"]) == (0, 3)
    assert main_run(units, text, ["junk"] * 4) is None


def test_steps_and_parameters_are_declared() -> None:
    assert len(set(STEPS)) == len(STEPS)
    assert set(step_parameters()) <= set(STEPS)
    assert all(isinstance(v, int | float) for params in step_parameters().values() for v in params.values())


def test_every_label_that_is_not_the_models_names_its_step() -> None:
    """On the seed page, each segment whose label differs from the model's most probable
    class for its units carries the step that set it, and --explain prints it."""
    page = (Path(__file__).resolve().parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt").read_text(
        encoding="utf-8"
    )
    c = Cleaner()
    units, proba = c.predict_units(page)
    top = [c._classes[k] for k in proba.argmax(axis=1)]
    result = clean(page)
    assert any(s.rule is not None for s in result.segments)
    for s in result.segments:
        inside = [top[i] for i, u in enumerate(units) if s.start <= u.start < s.end]
        if s.rule is None:
            assert all(lbl == s.label for lbl in inside), s
        else:
            assert s.rule in STEPS
    table = explain(result)
    assert "one-headline-per-body" in table and " model " in table


@pytest.mark.parametrize(
    "header",
    ["Related coverage:", "Lesen Sie auch:", "À lire aussi", "Leggi anche:", "Lees ook:", "Читайте также:", "関連記事"],
)
def test_titles_after_a_related_header_of_any_language_are_related(header: str) -> None:
    from cleaner.lexicon import count_words
    from cleaner.pipeline.line_rules import related_lists

    titles = ["Regierung plant neue Regeln für Mieten", "Stadt eröffnet den neuen Park am Fluss"]
    text = "\n".join([BODY, header, *titles])
    units = split_units(text)
    labels = ["body", "junk", "body", "body"]
    related_lists(text, units, labels, [count_words(text[u.start : u.end]) for u in units])
    assert labels == ["body", "junk", "related-item", "related-item"]


def test_a_titled_lede_before_the_main_article_is_its_start() -> None:
    # "Nix builds" heads a one-line dek; the site's title for the page then stands
    # over the article's text: one article under the first title
    dek = "More confidence in the integrity of your builds."
    text = "Hardware-attested builds\n" + dek + "\nThe Garnix blog: hardware-attested builds\n" + "\n".join([BODY] * 6)
    units = split_units(text)
    proba = _proba([{H: 0.97}, {B: 0.9}, {H: 0.97}] + [{B: 0.95}] * 6)
    why: list[str | None] = []
    labels, _ = decode_labels(text, units, proba, CLASSES, why=why)
    assert labels[:3] == ["headline", "body", "junk"] and why[2] == "lede-articles"


@pytest.mark.parametrize(
    ("lede", "bodies"),
    [
        (" ".join([BODY] * 2), 6),  # the first article is more than a lede (36 words)
        ("More confidence in the integrity of your builds.", 1),  # the second is not three times as long
    ],
)
def test_an_article_of_its_own_is_not_a_lede(lede: str, bodies: int) -> None:
    second = "The Garnix blog: hardware-attested builds"
    text = "Hardware-attested builds\n" + lede + "\n" + second + "\n" + "\n".join([BODY] * bodies)
    units = split_units(text)
    proba = _proba([{H: 0.97}] + [{B: 0.9}] * (len(units) - 2 - bodies) + [{H: 0.97}] + [{B: 0.95}] * bodies)
    labels, _ = decode_labels(text, units, proba, CLASSES)
    assert labels.count("headline") == 2


def test_cards_of_an_aggregator_are_not_ledes() -> None:
    # the largest card holds less than half the page's body words: no article is the main one
    from cleaner.pipeline.structure import join_lede_articles

    labels = ["headline", "body", "headline", "body", "headline", "body", "headline", "body"]
    words = [5, 10, 6, 40, 6, 35, 6, 30]
    before = list(labels)
    join_lede_articles(labels, words)
    assert labels == before
