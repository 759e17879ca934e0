"""The quality gate: the shipped model's scores on the gate sets may rise, never silently fall.

``tests/test_quality_gate.py`` scores the shipped model on each evaluation set of
:data:`GATE_SETS` and compares every metric of :data:`GATE_METRICS` with the floor
pinned for it in ``tests/quality_baseline.json``. A score below ``floor - tolerance``
fails the test. The tolerances (:data:`TOLERANCES`, by set and metric, stored in the
baseline file) are the measured spread of a rebuild with another seed, so that the
gate fails a real loss, not a rebuild's luck.

Usage::

    python -m training.quality_gate                 # check: print scores and floors, exit 1 on a drop
    python -m training.quality_gate --update        # re-pin the floors to the current scores
    python -m training.quality_gate --update --allow-lower   # ... even where a floor falls

``--update`` refuses (exit 1, baseline unchanged) to lower any floor unless
``--allow-lower`` is given: lowering a floor is a decision to record in the commit
that makes it, not a side effect of re-pinning.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.evaluate import evaluate_model, iter_eval_pages
from cleaner.model import Model, load_model

__all__ = [
    "BASELINE",
    "GATE_METRICS",
    "GATE_SETS",
    "SLOW_SETS",
    "TOLERANCE",
    "TOLERANCES",
    "Drop",
    "check",
    "load_baseline",
    "main",
    "measure",
    "tolerance_for",
    "update_floors",
]

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "quality_baseline.json"

GATE_SETS: dict[str, str] = {
    "gold": "corpus/gold",
    "seed": "corpus/seed",
    "test": "corpus/training/test.jsonl.gz",
}
"""Evaluation sets of the gate: name -> labelled pages (a folder of TSV pages or a JSONL
file), relative to the repo. ``test`` is the training build's test split (723 pages of
sites the model never saw): the large set, where a change can be told from a rebuild's
noise; its check is in the slow test tier."""

SLOW_SETS: frozenset[str] = frozenset({"test"})
"""Sets whose check runs in the slow test tier (about a minute each)."""

GATE_METRICS: tuple[str, ...] = (
    "f1_body",
    "f1_headline",
    "f1_byline",
    "f1_related-item",
    "macro_f1",
    "headline_accuracy",
    "body_f1",
    "main_body_f1",
    "single_article_exact",
    "aggregator_count_exact",
    "headline_accuracy_in_text",
    "author_recall_in_text",
    "author_precision",
)
"""Metrics of :meth:`cleaner.evaluate.EvaluationReport.metrics` that have floors: word-level
F1 of body, headline, byline and related-item, their macro F1 (with junk), the share of
pages whose main headline is right, mean body word-F1 of the main article, and the page
structure (article counts, headlines where the title stands in the text, authors found
where they stand in it and author precision). A metric without data on a set (no gold
authors on the seed page, say) has no floor there."""

TOLERANCE = 0.01
"""The tolerance of a set and metric that :data:`TOLERANCES` does not name (absolute)."""

TOLERANCES: dict[str, dict[str, float]] = {
    "gold": {
        "default": 0.05,
        "headline_accuracy": 0.09,
        "headline_accuracy_in_text": 0.09,
        "body_f1": 0.05,
        "main_body_f1": 0.05,
        "macro_f1": 0.04,
        "aggregator_count_exact": 0.17,
    },
    "seed": {"default": 0.03},
    "test": {
        "default": 0.01,
        "headline_accuracy": 0.03,
        "headline_accuracy_in_text": 0.03,
        "author_recall_in_text": 0.02,
        "author_precision": 0.03,
        "aggregator_count_exact": 0.05,
        "single_article_exact": 0.02,
    },
}
"""How far below its floor a score may fall before the gate fails, by set and metric
(``default`` for the rest). A rebuild that changes nothing but the classifier's seed
moves the scores (training/CHANGELOG.md, "How much a rebuild moves": three seeds), and a
gate tighter than that spread fails every rebuild, good or bad. Measured ranges over
the three seeds: gold headline 0.088, gold body word-F1 0.043, gold macro F1 0.036;
test headline 0.022, test body word-F1 0.005, word accuracy 0.006, macro F1 0.004,
authors 0.010. Each tolerance is its measured range rounded up; where no range was
measured (the page-structure metrics, the seed page's "a few points") it is one or two
pages' worth of the set (gold aggregators: one of six pages; test aggregators: three of
65) and says so here. Judge a change on ``test``, the large set."""

_DECIMALS = 4


def tolerance_for(tolerance: float | Mapping[str, Any], set_name: str, metric: str) -> float:
    """The tolerance of one set's metric: ``tolerance`` is one number for all, or
    :data:`TOLERANCES`' shape (set -> metric or ``default`` -> number)."""
    if isinstance(tolerance, int | float):
        return float(tolerance)
    per_set = tolerance.get(set_name, {})
    if isinstance(per_set, int | float):
        return float(per_set)
    return float(per_set.get(metric, per_set.get("default", TOLERANCE)))


def measure(
    model: Model | str | Path | None = None, *, root: Path = ROOT, sets: Sequence[str] | None = None
) -> dict[str, dict[str, float]]:
    """Score a model (default: the shipped one) on the gate sets (default: all of
    :data:`GATE_SETS`); metric -> score per set.

    Metrics without data on a set (no gold authors, say) are left out.
    """
    loaded = model if isinstance(model, Model) else load_model(model)
    out: dict[str, dict[str, float]] = {}
    for name, folder in GATE_SETS.items():
        if sets is not None and name not in sets:
            continue
        pages = list(iter_eval_pages([root / folder]))
        metrics = evaluate_model(loaded, pages, name=name).metrics()
        out[name] = {k: round(v, _DECIMALS) for k, v in metrics.items() if k in GATE_METRICS and v is not None}
    return out


def load_baseline(path: Path = BASELINE) -> dict[str, Any]:
    """Read the baseline file (``{"tolerance": ..., "floors": {set: {metric: floor}}, ...}``)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class Drop:
    """A metric below its floor (by more than the tolerance, when checking)."""

    set: str
    metric: str
    floor: float
    score: float | None

    def __str__(self) -> str:
        score = "missing" if self.score is None else f"{self.score:.4f}"
        return f"{self.set}/{self.metric}: {score} < floor {self.floor:.4f}"


def check(
    scores: Mapping[str, Mapping[str, float]],
    floors: Mapping[str, Mapping[str, float]],
    tolerance: float | Mapping[str, Any],
) -> list[Drop]:
    """The metrics that fell more than their tolerance (:func:`tolerance_for`) below
    their floors (a missing score counts)."""
    drops: list[Drop] = []
    for set_name, set_floors in floors.items():
        for metric, floor in set_floors.items():
            score = scores.get(set_name, {}).get(metric)
            if score is None or math.isnan(score) or score < floor - tolerance_for(tolerance, set_name, metric):
                drops.append(Drop(set_name, metric, floor, score))
    return drops


def update_floors(
    scores: Mapping[str, Mapping[str, float]],
    floors: Mapping[str, Mapping[str, float]],
    *,
    allow_lower: bool = False,
) -> tuple[dict[str, dict[str, float]], list[Drop]]:
    """New floors pinned at ``scores``, and the floors that this lowers.

    When any floor would be lowered (or dropped) and ``allow_lower`` is false, the old
    floors are returned unchanged with the list of lowered ones; the caller refuses.
    """
    lowered = [
        Drop(s, m, floor, scores.get(s, {}).get(m))
        for s, set_floors in floors.items()
        for m, floor in set_floors.items()
        if scores.get(s, {}).get(m) is None or scores[s][m] < floor
    ]
    if lowered and not allow_lower:
        return {s: dict(f) for s, f in floors.items()}, lowered
    new = {s: {m: scores[s][m] for m in GATE_METRICS if m in scores[s]} for s in scores}
    return new, lowered


def _model_info(model: Model) -> dict[str, Any]:
    m = model.manifest
    keys: tuple[str, ...] = ("cleaner_version", "sklearn_version", "design", "training_data_sha256")
    keys += ("training_pages", "command")
    return {k: m.get(k) for k in keys}


def _print_table(scores: Mapping[str, Mapping[str, float]], floors: Mapping[str, Mapping[str, float]]) -> None:
    print(f"{'set':<6}{'metric':<20}{'score':>8}{'floor':>8}")
    for s in sorted(set(scores) | set(floors)):
        for m in GATE_METRICS:
            score = scores.get(s, {}).get(m)
            floor = floors.get(s, {}).get(m)
            fs = "-" if score is None else f"{score:.4f}"
            ff = "-" if floor is None else f"{floor:.4f}"
            print(f"{s:<6}{m:<20}{fs:>8}{ff:>8}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.quality_gate",
        description="Check the shipped model against the pinned quality floors, or re-pin them.",
    )
    parser.add_argument("--update", action="store_true", help="re-pin the floors to the current scores")
    parser.add_argument("--allow-lower", action="store_true", help="with --update, allow lowering floors")
    parser.add_argument("--model", default=None, help="model file (default: the shipped model)")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="baseline file")
    args = parser.parse_args(argv)
    if args.allow_lower and not args.update:
        parser.error("--allow-lower only makes sense with --update")
    model = load_model(args.model)
    scores = measure(model)
    baseline = load_baseline(args.baseline) if args.baseline.exists() else {}
    floors: dict[str, dict[str, float]] = baseline.get("floors", {})
    tolerance: float | dict[str, Any] = baseline.get("tolerance", TOLERANCES)
    _print_table(scores, floors)
    if not args.update:
        if not floors:
            print(f"no floors in {args.baseline}; run with --update", file=sys.stderr)
            return 1
        drops = check(scores, floors, tolerance)
        for d in drops:
            print(f"BELOW FLOOR: {d} - tolerance {tolerance_for(tolerance, d.set, d.metric)}", file=sys.stderr)
        print("gate passed" if not drops else f"gate FAILED: {len(drops)} metric(s) below floor")
        return 1 if drops else 0
    new, lowered = update_floors(scores, floors, allow_lower=args.allow_lower)
    if lowered and not args.allow_lower:
        for d in lowered:
            print(f"would lower {d}", file=sys.stderr)
        print(
            f"refusing to lower {len(lowered)} floor(s); {args.baseline} unchanged. "
            "Re-run with --allow-lower if the drop is intended, and say why in the commit.",
            file=sys.stderr,
        )
        return 1
    for d in lowered:
        print(f"lowered (--allow-lower): {d}", file=sys.stderr)
    out = {
        "about": "Quality floors of the shipped model (tests/test_quality_gate.py). Re-pin with "
        "`python -m training.quality_gate --update`; it refuses to lower a floor without "
        "--allow-lower. A score fails the gate when below floor - tolerance (by set and metric; "
        "training/quality_gate.py, TOLERANCES, says where each comes from).",
        "tolerance": TOLERANCES,
        "sets": GATE_SETS,
        "model": _model_info(model),
        "floors": new,
    }
    args.baseline.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
