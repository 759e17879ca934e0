"""The quality gate: the shipped model scores at least its pinned floors on corpus/gold and corpus/seed.

Floors live in ``tests/quality_baseline.json``; re-pin them with
``python -m training.quality_gate --update`` (refuses to lower a floor without
``--allow-lower``). See :mod:`training.quality_gate`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training import quality_gate as qg

BASELINE = Path(__file__).resolve().parent / "quality_baseline.json"


@pytest.fixture(scope="module")
def baseline() -> dict[str, object]:
    return qg.load_baseline(BASELINE)


def test_baseline_covers_every_set_and_metric(baseline: dict[str, object]) -> None:
    floors = baseline["floors"]
    assert isinstance(floors, dict)
    assert set(floors) == set(qg.GATE_SETS)
    for name in qg.GATE_SETS:
        assert set(floors[name]) <= set(qg.GATE_METRICS), name
        assert {"macro_f1", "body_f1", "headline_accuracy"} <= set(floors[name]), name
    assert baseline["tolerance"] == qg.TOLERANCES


def _meets_floors(baseline: dict[str, object], sets: list[str]) -> None:
    scores = qg.measure(sets=sets)
    floors = baseline["floors"]
    tolerance = baseline["tolerance"]
    assert isinstance(floors, dict) and isinstance(tolerance, dict)
    drops = qg.check(scores, {s: floors[s] for s in sets}, tolerance)
    assert not drops, "quality fell below pinned floors:\n" + "\n".join(map(str, drops))


def test_shipped_model_meets_floors(baseline: dict[str, object]) -> None:
    _meets_floors(baseline, [s for s in qg.GATE_SETS if s not in qg.SLOW_SETS])


@pytest.mark.slow  # the test split: 723 pages, about a minute
def test_shipped_model_meets_floors_on_the_test_split(baseline: dict[str, object]) -> None:
    _meets_floors(baseline, sorted(qg.SLOW_SETS))


def test_tolerances_by_set_and_metric() -> None:
    tol = {"gold": {"default": 0.05, "headline_accuracy": 0.09}, "seed": 0.03}
    assert qg.tolerance_for(tol, "gold", "headline_accuracy") == 0.09
    assert qg.tolerance_for(tol, "gold", "f1_body") == 0.05
    assert qg.tolerance_for(tol, "seed", "f1_body") == 0.03
    assert qg.tolerance_for(tol, "test", "f1_body") == qg.TOLERANCE
    assert qg.tolerance_for(0.02, "gold", "f1_body") == 0.02
    scores = {"gold": {"headline_accuracy": 0.42, "f1_body": 0.74}}
    floors = {"gold": {"headline_accuracy": 0.50, "f1_body": 0.80}}
    assert [d.metric for d in qg.check(scores, floors, tol)] == ["f1_body"]  # 0.42 >= 0.50 - 0.09


# The comparison logic itself, with made-up scores: the gate must be able to fail.

FLOORS = {"gold": {"f1_body": 0.80, "headline_accuracy": 0.50}}


def test_check_passes_within_tolerance() -> None:
    scores = {"gold": {"f1_body": 0.795, "headline_accuracy": 0.50}}
    assert qg.check(scores, FLOORS, 0.01) == []


def test_check_fails_on_a_drop_beyond_tolerance() -> None:
    scores = {"gold": {"f1_body": 0.78, "headline_accuracy": 0.60}}
    drops = qg.check(scores, FLOORS, 0.01)
    assert [(d.set, d.metric) for d in drops] == [("gold", "f1_body")]
    assert "0.7800 < floor 0.8000" in str(drops[0])


def test_check_fails_on_a_missing_metric_or_set() -> None:
    assert [d.metric for d in qg.check({"gold": {"f1_body": 0.9}}, FLOORS, 0.01)] == ["headline_accuracy"]
    assert len(qg.check({}, FLOORS, 0.01)) == 2


def test_update_raises_floors() -> None:
    scores = {"gold": {"f1_body": 0.85, "headline_accuracy": 0.55}}
    new, lowered = qg.update_floors(scores, FLOORS)
    assert lowered == []
    assert new == scores


def test_update_refuses_to_lower_without_flag() -> None:
    scores = {"gold": {"f1_body": 0.79, "headline_accuracy": 0.55}}
    new, lowered = qg.update_floors(scores, FLOORS)
    assert [d.metric for d in lowered] == ["f1_body"]
    assert new == FLOORS  # unchanged
    new, lowered = qg.update_floors(scores, FLOORS, allow_lower=True)
    assert [d.metric for d in lowered] == ["f1_body"]
    assert new == scores


def _write(path: Path, floors: dict[str, dict[str, float]]) -> None:
    path.write_text(json.dumps({"tolerance": 0.01, "floors": floors}), encoding="utf-8")


def test_cli_update_refuses_to_lower_and_leaves_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "baseline.json"
    high = {name: {m: 1.0 for m in qg.GATE_METRICS} for name in qg.GATE_SETS}
    _write(path, high)
    fake = {name: {m: 0.5 for m in qg.GATE_METRICS} for name in qg.GATE_SETS}
    monkeypatch.setattr(qg, "measure", lambda model=None: fake)
    monkeypatch.setattr(qg, "load_model", lambda path=None: None)
    before = path.read_text(encoding="utf-8")
    assert qg.main(["--update", "--baseline", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == before
    assert "refusing to lower" in capsys.readouterr().err
    # the check fails too
    assert qg.main(["--baseline", str(path)]) == 1


def test_cli_update_with_allow_lower_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "baseline.json"
    _write(path, {name: {m: 1.0 for m in qg.GATE_METRICS} for name in qg.GATE_SETS})
    fake = {name: {m: 0.5 for m in qg.GATE_METRICS} for name in qg.GATE_SETS}
    monkeypatch.setattr(qg, "measure", lambda model=None: fake)
    monkeypatch.setattr(qg, "load_model", lambda path=None: None)
    monkeypatch.setattr(qg, "_model_info", lambda model: {})
    assert qg.main(["--update", "--allow-lower", "--baseline", str(path)]) == 0
    assert qg.load_baseline(path)["floors"] == fake
    assert qg.main(["--baseline", str(path)]) == 0
