"""Pages of Chinese and Japanese script, written without spaces between words
(issue 14, item 3): words are counted as a reader counts them, in the features,
the decode steps and the scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import clean
from cleaner.evaluate import evaluate_results, tokens, word_labels
from cleaner.lexicon import span_words
from cleaner.samples import LabelledPage, read_jsonl

VALIDATION = Path(__file__).resolve().parent.parent / "corpus" / "training" / "validation.jsonl.gz"


def test_span_words_counts_each_cjk_character() -> None:
    assert span_words("The cat sat on the mat.") == 6
    assert span_words("東京で会議が開かれた。") == 11
    assert span_words("会議が東京で開かれました Tokyo") == 13
    # a span of few characters a word is not searched for such script (spaced scripts)
    assert span_words("Tokyo 東京 meeting") == 3
    # a span of spaced script counts its spaces, as it always did (two spaces: three words)
    assert span_words("a  b") == 3
    assert span_words("xx The cat sat.", 3) == 3


def test_scores_count_cjk_characters_as_words() -> None:
    assert tokens("東京で会議。Tokyo talks") == ["東", "京", "で", "会", "議", "tokyo", "talks"]
    assert tokens("Plain English, as before.") == ["plain", "english", "as", "before"]
    assert len(word_labels("東京 会議", [])) == 4


def _page(page_id: str) -> LabelledPage:
    for page in read_jsonl(VALIDATION):
        if page.id == page_id:
            return page
    raise AssertionError(f"{page_id} is not in {VALIDATION}")


@pytest.mark.parametrize(
    ("page_id", "min_f1"),
    [
        # both gave no article at all when a paragraph of Japanese or Chinese counted
        # as one word (main-article body F1 0.0)
        ("fundus/cn/People_2024_04_24#collapsed", 0.6),
        ("fundus/jp/ChunichiShimbun_2025_01_13#browser", 0.3),
    ],
)
def test_a_cjk_page_gives_its_article(page_id: str, min_f1: float) -> None:
    page = _page(page_id)
    result = clean(page.text)
    assert result.main is not None
    f1 = evaluate_results([page], [result]).metrics()["main_body_f1"]
    assert f1 is not None and f1 >= min_f1
