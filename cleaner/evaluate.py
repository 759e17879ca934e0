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

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .document import Segment
from .labels import Label
from .samples import LabelledPage, LabelSpan

__all__ = [
    "LabelScores",
    "body_word_f1",
    "score_labels",
    "tokens",
    "word_labels",
]

_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"\w+")


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
            p, r, f, g = self.prf(lbl)
            lines.append(f"{lbl:<14}{p:>10.3f}{r:>8.3f}{f:>8.3f}{g:>10}")
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
