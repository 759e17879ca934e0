"""The stage line (issue 16): the stages of cleaner.pipeline run in one order for
every entry point, and no stage imports a later one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import cleaner.api
from cleaner import Cleaner, PageMeta
from cleaner.cache import default_cleaner

PIPELINE = Path(cleaner.api.__file__).resolve().parent / "pipeline"
# each module's place in the line; decode's helpers share its place
RANK = {
    "read": 0,
    "segment": 1,
    "featurize": 2,
    "classify": 3,
    "decode": 4,
    "headline_rules": 4,
    "line_rules": 4,
    "structure": 4,
    "headline": 4,
    "containers": 4,
    "byline_rules": 4,
    "assemble": 5,
    "enrich": 6,
}

PAGE = (
    "Harbour council approves new budget\n"
    "By Jane Doe | June 9, 2025\n"
    "The harbour council approved a new budget on Monday after a long debate about the "
    "roads near the school and the state of the old pier.\n"
    "The mayor said the money would be spent over three years, starting with the pier.\n"
)


def _imported_stages(path: Path) -> set[str]:
    """The pipeline modules that a module of the package imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module.split(".")[0] in RANK:
                found.add(module.split(".")[0])
            elif node.level == 1 and not module:
                found.update(alias.name for alias in node.names if alias.name in RANK)
            elif module.startswith("cleaner.pipeline."):
                found.add(module.split(".")[2])
    return found


def test_every_stage_module_is_in_the_line() -> None:
    modules = {p.stem for p in PIPELINE.glob("*.py")} - {"__init__"}
    assert modules == set(RANK)


@pytest.mark.parametrize("stage", sorted(RANK))
def test_no_stage_imports_a_later_one(stage: str) -> None:
    later = {m for m in _imported_stages(PIPELINE / f"{stage}.py") if RANK[m] > RANK[stage]}
    assert not later, f"{stage} imports the later stage(s) {sorted(later)}"


def test_the_model_package_imports_no_stage_after_featurize() -> None:
    for path in (PIPELINE.parent / "model").glob("*.py"):
        late = {m for m in _imported_stages(path) if RANK[m] > RANK["featurize"]}
        assert not late, f"{path.name} imports {sorted(late)}"


def test_a_stage_never_imports_the_entry_points() -> None:
    for path in PIPELINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not names & {"api", "cleaner.api", "cli", "cleaner.cli"}, path.name


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stage functions :class:`cleaner.Cleaner` calls, in order, by stage name."""
    seen: list[str] = []
    for stage, name in [
        ("read", "read_text"),
        ("read", "read_html"),
        ("segment", "split_units"),
        ("featurize", "featurize"),
        ("classify", "classify"),
        ("classify", "rescore_html"),
        ("decode", "start_decoding"),
        ("headline", "rank_headlines"),
        ("decode", "finish_decoding"),
        ("assemble", "assemble_articles"),
        ("enrich", "enrich"),
    ]:
        real = getattr(cleaner.api, name)

        def spy(*args: Any, _real: Any = real, _stage: str = stage, **kwargs: Any) -> Any:
            seen.append(_stage)
            return _real(*args, **kwargs)

        monkeypatch.setattr(cleaner.api, name, spy)
    return seen


def test_clean_runs_the_stages_in_order(calls: list[str]) -> None:
    Cleaner(default_cleaner().model).clean(PAGE, meta=PageMeta(title="Harbour council approves new budget"))
    # decode runs in three steps: the steps before the headline ranker, its choice, the rest
    decode = ["decode", "headline", "decode"]
    assert calls == ["read", "segment", "featurize", "classify", *decode, "assemble", "enrich"]


def test_clean_html_runs_the_same_stages_with_the_markup_rescoring(calls: list[str]) -> None:
    html = "<html><head><title>Harbour council approves new budget</title></head><body><article>"
    html += "".join(f"<p>{line}</p>" for line in PAGE.splitlines()) + "</article></body></html>"
    Cleaner(default_cleaner().model).clean_html(html)
    decode = ["decode", "headline", "decode"]
    assert calls == ["read", "segment", "featurize", "classify", "classify", *decode, "assemble", "enrich"]


def test_clean_many_batches_the_classify_step_and_the_headline_ranker(calls: list[str]) -> None:
    Cleaner(default_cleaner().model).clean_many([PAGE, PAGE.replace("harbour", "river"), PAGE.upper()])
    per_page = ["decode", "assemble", "enrich"]
    batched = ["classify", "decode", "decode", "decode", "headline"]
    assert calls == ["read"] * 3 + ["segment"] * 3 + ["featurize"] * 3 + batched + per_page * 3
