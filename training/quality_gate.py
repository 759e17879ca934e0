"""The quality gate: the shipped model's scores on the gold set may rise, never silently fall.

``tests/test_quality_gate.py`` scores the shipped model (``cleaner/models/default.joblib``)
on each evaluation set of :data:`GATE_SETS` and compares every metric of
:data:`GATE_METRICS` with the floor pinned for it in ``tests/quality_baseline.json``. A
score below ``floor - tolerance`` fails the test. The tolerance (:data:`TOLERANCE`,
0.01 absolute, stored in the baseline file) absorbs small numeric differences between
platforms and library patch versions; prediction itself is deterministic.

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
    "TOLERANCE",
    "Drop",
    "check",
    "load_baseline",
    "main",
    "measure",
    "update_floors",
]

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "quality_baseline.json"

GATE_SETS: dict[str, str] = {"gold": "corpus/gold", "seed": "corpus/seed"}
"""Evaluation sets of the gate: name -> folder of labelled TSV pages, relative to the repo."""

GATE_METRICS: tuple[str, ...] = (
    "f1_body",
    "f1_headline",
    "f1_byline",
    "f1_related-item",
    "macro_f1",
    "headline_accuracy",
    "body_f1",
)
"""Metrics of :meth:`cleaner.evaluate.EvaluationReport.metrics` that have floors: word-level
F1 of body, headline, byline and related-item, their macro F1 (with junk), the share of
pages whose main headline is right, and mean body word-F1 of the main article."""

TOLERANCE = 0.01
"""How far below its floor a score may fall before the gate fails (absolute). Prediction
is deterministic, so this only absorbs floating-point and library patch-level
differences (and the 4-decimal rounding of pinned floors); it is a third of what one
page changes headline accuracy by on the 34-page gold set (1/34 = 0.029), so a single
page's headline going wrong fails the gate."""

_DECIMALS = 4


def measure(model: Model | str | Path | None = None, *, root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Score a model (default: the shipped one) on every gate set; metric -> score per set.

    Metrics without data on a set (no gold authors, say) are left out.
    """
    loaded = model if isinstance(model, Model) else load_model(model)
    out: dict[str, dict[str, float]] = {}
    for name, folder in GATE_SETS.items():
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
    scores: Mapping[str, Mapping[str, float]], floors: Mapping[str, Mapping[str, float]], tolerance: float
) -> list[Drop]:
    """The metrics that fell more than ``tolerance`` below their floors (a missing score counts)."""
    drops: list[Drop] = []
    for set_name, set_floors in floors.items():
        for metric, floor in set_floors.items():
            score = scores.get(set_name, {}).get(metric)
            if score is None or math.isnan(score) or score < floor - tolerance:
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
    tolerance = float(baseline.get("tolerance", TOLERANCE))
    _print_table(scores, floors)
    if not args.update:
        if not floors:
            print(f"no floors in {args.baseline}; run with --update", file=sys.stderr)
            return 1
        drops = check(scores, floors, tolerance)
        for d in drops:
            print(f"BELOW FLOOR: {d} - tolerance {tolerance}", file=sys.stderr)
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
        "--allow-lower. A score fails the gate when below floor - tolerance.",
        "tolerance": tolerance,
        "sets": GATE_SETS,
        "model": _model_info(model),
        "floors": new,
    }
    args.baseline.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.baseline}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
