"""Model files hold no code (cleaner/model_file.py, cleaner/model_state.py).

A crafted pickle passed anywhere a model path goes runs nothing and is refused with a
message that says what to do; a damaged or tampered model file is refused with a typed
error; a saved model predicts exactly as it did; the shipped model loads without any
unpickling.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest

from cleaner import Cleaner, ModelError, ModelFormatError, ModelVersionError, UnsafeModelFileError
from cleaner.cli import main
from cleaner.model import (
    BlockClassifier,
    Model,
    PageUnits,
    convert_model,
    default_model_path,
    load_model,
    model_file_hash,
    save_model,
)
from cleaner.model.fast_path import stage2_proba
from cleaner.model.files import ArrayReader, file_kind
from cleaner.model.ranker import N_CANDIDATE_FEATURES, Candidates, HeadlineRanker
from cleaner.pipeline.segment import split_units
from cleaner.samples import page_from_segments
from cleaner.scope import build_scope
from cleaner.trainer import DESIGNS, fit_pages, pages_to_xy

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"


# --------------------------------------------------------------------------- crafted pickles


class _Payload:
    """Unpickling this makes the directory ``marker``: the proof that a file's code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (self.marker,))


def _crafted(kind: str, path: Path, marker: Path) -> Path:
    """A file whose unpickling makes ``marker``: a bare pickle, joblib files (compressed
    as joblib can), or a whole valid model whose manifest holds the payload."""
    blob: dict[str, Any] = {"manifest": {"labels": _Payload(marker)}, "estimator": None}
    if kind == "pickle":
        path.write_bytes(pickle.dumps(blob, protocol=4))
    elif kind == "joblib":
        joblib.dump(blob, path)
    elif kind.startswith("joblib-"):
        joblib.dump(blob, path, compress=(kind.removeprefix("joblib-"), 3))
    elif kind == "model+payload":  # the shipped model, working, with a payload in its manifest
        shipped = _shipped()
        manifest = {**shipped.manifest, "note": _Payload(marker)}
        joblib.dump({"manifest": manifest, "estimator": shipped.estimator, "headline_ranker": None}, path)
    else:  # pragma: no cover - a kind the tests do not know
        raise ValueError(kind)
    return path


_SHIPPED: list[Model] = []


def _shipped() -> Model:
    if not _SHIPPED:
        _SHIPPED.append(load_model())
    return _SHIPPED[0]


KINDS = ["pickle", "joblib", "joblib-zlib", "joblib-gzip", "joblib-bz2", "joblib-xz", "joblib-lzma", "model+payload"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_crafted_pickle_runs_nothing_and_is_refused(tmp_path: Path, kind: str) -> None:
    marker = tmp_path / "ran"
    evil = _crafted(kind, tmp_path / "evil.joblib", marker)
    for load in (load_model, Cleaner):
        with pytest.raises(UnsafeModelFileError) as err:
            load(evil)
        assert not marker.exists()
    message = str(err.value)
    assert str(evil) in message and "pickle" in message and "runs any code" in message
    assert "cleaner model convert --trust-pickle" in message and "cleaner train" in message


@pytest.mark.parametrize("kind", ["pickle", "joblib-gzip", "model+payload"])
def test_the_crafted_pickles_are_live(tmp_path: Path, kind: str) -> None:
    """The control: trusted, the same files do run their code (so the test above can fail)."""
    marker = tmp_path / "ran"
    evil = _crafted(kind, tmp_path / "evil.joblib", marker)
    try:
        load_model(evil, trust_pickle=True)
    except ModelError:
        pass  # no usable model, once the code has run
    assert marker.is_dir()


def _cli_commands(evil: Path, tmp_path: Path) -> dict[str, list[str]]:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    m = ["--model", str(evil)]
    return {
        "clean": ["clean", *m, str(SEED)],
        "batch": ["batch", str(corpus), str(tmp_path / "out"), "-q", *m],
        "evaluate": ["evaluate", str(ROOT / "corpus" / "gold"), "--limit", "2", *m],
        "label": ["label", str(SEED), "-o", str(tmp_path / "out"), *m],
        "review": ["review", str(SEED), "-o", str(tmp_path / "out"), *m],
        "model info": ["model", "info", str(evil)],
        "model convert": ["model", "convert", str(evil), str(tmp_path / "out")],
    }


@pytest.mark.parametrize("command", ["clean", "batch", "evaluate", "label", "review", "model info", "model convert"])
def test_the_command_line_refuses_a_crafted_pickle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    marker = tmp_path / "ran"
    evil = _crafted("joblib", tmp_path / "evil.joblib", marker)
    assert main(_cli_commands(evil, tmp_path)[command]) == 2
    err = capsys.readouterr().err
    assert not marker.exists()
    assert f"cleaner: error: {evil} is a pickle (joblib) file" in err and "--trust-pickle" in err
    assert not (tmp_path / "out").exists()  # batch wrote no OUT, convert no file, label no samples


# --------------------------------------------------------------------------- a small model


def _pages(n: int = 12) -> list[Any]:
    return [
        page_from_segments(
            [
                ("junk", "Home News Sport Weather"),
                ("headline", f"Council approves new park plan number {i}"),
                ("byline", f"By Jane Doe{i % 3} | June {i + 1}, 2025"),
                ("body", "The city council voted on Monday to approve a plan for a new park in the centre."),
                ("body", "Residents had asked for more green space for years, officials said at the meeting."),
                ("related-item", f"Mayor opens library branch {i}"),
                ("junk", "Share this article"),
            ],
            id=f"p{i}",
            site=f"site{i % 4}",
        )
        for i in range(n)
    ]


def _small_ranker() -> HeadlineRanker:
    """A headline ranker fitted in a blink on made-up candidates (its trees are real)."""
    rng = np.random.default_rng(0)
    pages = []
    for _ in range(30):
        features = rng.normal(size=(6, N_CANDIDATE_FEATURES))
        features[rng.random(features.shape) < 0.05] = np.nan
        pages.append(Candidates(np.arange(6), features, 6))
    gold = [int(np.argmax(c.features[:, 0])) for c in pages]
    return HeadlineRanker(max_iter=8).fit(pages, gold)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BlockClassifier, HeadlineRanker]:
    """A small model file: logistic stage 1, logistic stage 2 and a (boosted) headline ranker."""
    est = fit_pages(_pages(), DESIGNS["logistic+logistic-stack"])
    ranker = _small_ranker()
    path = tmp_path_factory.mktemp("small") / "small.model.zip"
    save_model(est, path, {"command": "test"}, headline_ranker=ranker)
    return path, est, ranker


def _proba(est: Any) -> np.ndarray:
    """Probabilities of the units of a few pages: made-up ones and a real one."""
    X, _, _ = pages_to_xy(_pages(3))
    text = SEED.read_text(encoding="utf-8")
    return np.vstack(est.predict_proba([*X, PageUnits(text, split_units(text))]))


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "design",
    [pytest.param(k, marks=() if "boosting" not in k else pytest.mark.slow) for k in DESIGNS],
)
def test_a_saved_model_predicts_bit_for_bit_as_before(tmp_path: Path, design: str) -> None:
    est = fit_pages(_pages(), DESIGNS[design])
    saved = save_model(est, tmp_path / "m.model.zip", {"command": "test"})
    loaded = load_model(tmp_path / "m.model.zip")
    assert _proba(loaded.estimator).tobytes() == _proba(est).tobytes()
    assert loaded.estimator.get_params() == est.get_params()
    assert loaded.estimator.classes_.tolist() == est.classes_.tolist()
    assert loaded.estimator.classes_.dtype == est.classes_.dtype
    assert [type(m) for m in loaded.estimator.stage1_] == [type(m) for m in est.stage1_]
    assert type(loaded.estimator.stage2_) is type(est.stage2_)
    assert loaded.manifest == saved.manifest and loaded.manifest["format"] == 2


def test_the_rebuilt_trees_predict_as_scikit_learn_did(small: tuple[Path, BlockClassifier, HeadlineRanker]) -> None:
    path, _, ranker = small
    loaded = load_model(path).headline_ranker
    assert isinstance(loaded, HeadlineRanker) and loaded.get_params() == ranker.get_params()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, N_CANDIDATE_FEATURES))
    X[rng.random(X.shape) < 0.1] = np.nan  # missing values take the trees' learned side
    want = ranker.model_.predict_proba(X)
    assert loaded.model_.predict_proba(X).tobytes() == want.tobytes()  # scikit-learn's own path
    assert stage2_proba(loaded.model_, X).tobytes() == want.tobytes()  # the project's fast path
    assert loaded.model_._preprocessor is None and loaded.model_.is_categorical_ is None  # so it is taken


def test_a_scoped_model_keeps_its_scope_and_fallback(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker]
) -> None:
    _, est, ranker = small
    fallback_est = fit_pages(_pages(8), DESIGNS["logistic"])
    fallback = Model(fallback_est, {"command": "fallback", "training_data_sha256": "ab"}, ranker)
    nav = ["RIVER NEWS", "Home · Weather · Letters", "MORE FROM THE RIVER", "Copyright 2025 River News"]
    site_pages = [
        page_from_segments(
            [("junk", nav[0]), ("junk", nav[1]), ("headline", t), ("body", b), ("junk", nav[2]), ("junk", nav[3])],
            id=t,
            site="river.example",
        )
        for t, b in (("Ferry returns", "The ferry came back."), ("Bridge opens", "The bridge opened."))
    ]
    scope = build_scope(site_pages)
    path = tmp_path / "scoped.model.zip"
    save_model(est, path, {"retrained": True}, headline_ranker=ranker, scope=scope, fallback=fallback)
    loaded = load_model(path)
    assert loaded.scope == scope and loaded.fallback is not None
    assert loaded.fallback.manifest == fallback.manifest
    assert _proba(loaded.fallback.estimator).tobytes() == _proba(fallback_est).tobytes()
    assert _proba(loaded.estimator).tobytes() == _proba(est).tobytes()
    river = "\n".join([*nav[:2], "Storm", "A storm came.", *nav[2:]])
    assert loaded.for_text(river) is loaded and loaded.for_text("Other\nPage text.") is loaded.fallback


def test_the_shipped_model_saves_to_its_own_bytes(tmp_path: Path) -> None:
    shipped = _shipped()
    again = save_model(
        shipped.estimator, tmp_path / "again.model.zip", shipped.manifest, headline_ranker=shipped.headline_ranker
    )
    assert (tmp_path / "again.model.zip").read_bytes() == default_model_path().read_bytes()
    assert again.file_sha256 == shipped.file_sha256 == model_file_hash(default_model_path())


# --------------------------------------------------------------------------- no pickle on load


@pytest.fixture
def no_unpickling(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any unpickling raises, and any global an unpickler looks up is recorded (audit hook)."""
    seen: list[str] = []
    active = [True]

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "pickle.find_class" and active[0]:
            seen.append(f"{args[0]}.{args[1]}")
            raise RuntimeError(f"unpickling looked up {args[0]}.{args[1]}")

    sys.addaudithook(hook)  # audit hooks cannot be removed: this one is switched off below

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model file was unpickled")

    for module, name in ((pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"), (joblib, "load")):
        monkeypatch.setattr(module, name, refuse)
    yield seen
    active[0] = False


def test_the_shipped_model_loads_without_unpickling(no_unpickling: list[str]) -> None:
    data = default_model_path().read_bytes()
    assert file_kind(data) == "zip" and default_model_path().name == "default.model.zip"
    model = load_model()
    assert no_unpickling == []
    assert model.file_sha256 == hashlib.sha256(data).hexdigest() == model_file_hash(default_model_path())
    assert model.headline_ranker is not None and len(model.labels) == 5
    assert Cleaner(model).clean(SEED.read_text(encoding="utf-8")).articles


def test_the_audit_hook_sees_unpickling(no_unpickling: list[str]) -> None:
    """The control of the test above: an unpickler that looks up a global is caught."""
    data = pickle.dumps(np.zeros(2))
    with pytest.raises(RuntimeError, match="unpickling looked up"):
        pickle._Unpickler(io.BytesIO(data)).load()  # type: ignore[attr-defined]
    assert no_unpickling


# --------------------------------------------------------------------------- tampered files


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.fixture(scope="module")
def small_members(small: tuple[Path, BlockClassifier, HeadlineRanker]) -> dict[str, bytes]:
    """The small model file's members, unpacked once (tests change copies)."""
    return _members(small[0])


def _write(path: Path, members: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    items = list(members.items()) if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in items:
                zf.writestr(name, data)
    return path


def _npy(array: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _load_npy(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def _json_edit(name: str, edit: Callable[[Any], None]) -> Callable[[dict[str, bytes]], None]:
    def change(m: dict[str, bytes]) -> None:
        value = json.loads(m[name])
        edit(value)
        m[name] = json.dumps(value).encode()

    return change


def _array_edit(name: str, edit: Callable[[np.ndarray], np.ndarray]) -> Callable[[dict[str, bytes]], None]:
    def change(m: dict[str, bytes]) -> None:
        m[f"arrays/{name}.npy"] = _npy(edit(_load_npy(m[f"arrays/{name}.npy"]).copy()))

    return change


def _set_node(field: str, value: int) -> Callable[[np.ndarray], np.ndarray]:
    def edit(nodes: np.ndarray) -> np.ndarray:
        assert nodes["is_leaf"][0] == 0  # the first tree's root is a split
        nodes[field][0] = value
        return nodes

    return edit


def _est(s: dict[str, Any]) -> dict[str, Any]:
    est: dict[str, Any] = s["estimator"]
    return est


RANKER = "headline_ranker.model"
INTERCEPT = "arrays/estimator.stage1.0.intercept.npy"
TAMPERED: dict[str, tuple[Callable[[dict[str, bytes]], None], type[ModelError], str]] = {
    "manifest missing": (lambda m: m.pop("manifest.json"), ModelFormatError, "no manifest.json"),
    "array missing": (
        lambda m: m.pop("arrays/estimator.stage1.0.coef.npy"),
        ModelFormatError,
        "names the array 'estimator.stage1.0.coef', which the file does not hold",
    ),
    "a member of another kind": (lambda m: m.update({"run.py": b"import os"}), ModelFormatError, "'run.py'"),
    "an array nobody names": (
        lambda m: m.update({"arrays/extra.npy": _npy(np.zeros(3))}),
        ModelFormatError,
        "unexpected member.*extra",
    ),
    "estimator not an object": (
        _json_edit("model.json", lambda s: s.update(estimator="BlockClassifier")),
        ModelFormatError,
        "estimator must be an object, not str",
    ),
    "a type outside the list": (
        _json_edit("model.json", lambda s: _est(s)["stage1"][0].update(type="builtins.exec")),
        ModelFormatError,
        "must be of type WideLogistic",
    ),
    "a parameter of another name": (
        _json_edit("model.json", lambda s: _est(s)["params"].update(evil=1)),
        ModelFormatError,
        r"parameters of BlockClassifier \(differs in \['evil'\]\)",
    ),
    "a first stage of no kind": (
        _json_edit("model.json", lambda s: _est(s)["params"].update(first_stage=["x"])),
        ModelFormatError,
        "first_stage",
    ),
    "numbers for labels": (
        _json_edit("model.json", lambda s: _est(s)["classes"].update(values=[1, 2, 3, 4, 5])),
        ModelFormatError,
        "must be labels",
    ),
    "a stage's labels not the classifier's": (
        _json_edit("model.json", lambda s: _est(s)["stage2"]["classes"]["values"].pop()),
        ModelFormatError,
        "must be the classifier's labels",
    ),
    "a missing stage": (
        _json_edit("model.json", lambda s: _est(s).update(stage2=None)),
        ModelFormatError,
        "stage2 does not match",
    ),
    "coefficients of the wrong shape": (
        _array_edit("estimator.stage1.0.coef", lambda a: a[:-1]),
        ModelFormatError,
        "coef.*has shape",
    ),
    "coefficients of the wrong dtype": (
        _array_edit("estimator.stage1.0.coef", lambda a: a.astype(np.float32)),
        ModelFormatError,
        "float32 array",
    ),
    "an array shorter than its header": (
        lambda m: m.update({INTERCEPT: m[INTERCEPT][:-8]}),
        ModelFormatError,
        "does not match its shape",
    ),
    "not an npy array": (
        lambda m: m.update({INTERCEPT: b"garbage"}),
        ModelFormatError,
        "not a readable .npy array",
    ),
    "a split whose child loops back": (
        _array_edit(f"{RANKER}.nodes", _set_node("left", 0)),
        ModelFormatError,
        "left child is not after it",
    ),
    "a split whose child is past its tree": (
        _array_edit(f"{RANKER}.nodes", _set_node("right", 10_000)),
        ModelFormatError,
        "right child is not after it",
    ),
    "a split on a feature the model lacks": (
        _array_edit(f"{RANKER}.nodes", _set_node("feature_idx", N_CANDIDATE_FEATURES)),
        ModelFormatError,
        "feature the model does not have",
    ),
    "a categorical split": (
        _array_edit(f"{RANKER}.nodes", _set_node("is_categorical", 1)),
        ModelFormatError,
        "categorical",
    ),
    "trees of another width": (
        _json_edit("model.json", lambda s: s["headline_ranker"]["model"].update(n_features=N_CANDIDATE_FEATURES - 1)),
        ModelFormatError,
        f"n_features must be {N_CANDIDATE_FEATURES}",
    ),
    "an empty tree": (
        _array_edit(f"{RANKER}.tree_sizes", lambda a: a * 0),
        ModelFormatError,
        "tree_sizes must be from 1",
    ),
    "tree sizes that do not add up": (
        _array_edit(f"{RANKER}.tree_sizes", lambda a: a + 1),
        ModelFormatError,
        "nodes.*has shape",
    ),
    "manifest not JSON": (lambda m: m.update({"manifest.json": b"{"}), ModelFormatError, "not readable JSON"),
    "manifest nested 100,000 deep": (
        lambda m: m.update({"manifest.json": b"[" * 100_000}),
        ModelFormatError,
        "not readable JSON.*RecursionError",
    ),
    "manifest a list": (lambda m: m.update({"manifest.json": b"[]"}), ModelFormatError, "JSON object, not list"),
    "manifest labels not the classifier's": (
        _json_edit("manifest.json", lambda s: s["labels"].reverse()),
        ModelFormatError,
        "manifest's labels",
    ),
    "a scope without its fallback": (
        _json_edit("model.json", lambda s: s.update(scope={"type": "SiteScope", "sites": {}, "min_shared": 3})),
        ModelFormatError,
        "both or neither",
    ),
    "a newer file format": (
        _json_edit("model.json", lambda s: s.update(version=3)),
        ModelVersionError,
        "format 3, newer than this cleaner reads",
    ),
    "a zip of something else": (
        lambda m: [m.pop(k) for k in list(m) if k != "arrays/estimator.stage1.0.coef.npy"],
        ModelFormatError,
        "a zip file, but not a cleaner model file",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_tampered_model_file_is_refused_with_a_typed_error(
    tmp_path: Path, small_members: dict[str, bytes], case: str
) -> None:
    change, error, match = TAMPERED[case]
    members = dict(small_members)
    change(members)
    path = _write(tmp_path / "tampered.model.zip", members)
    with pytest.raises(error, match=match):
        load_model(path)


def test_an_array_holding_a_pickle_is_refused_unread(tmp_path: Path, small_members: dict[str, bytes]) -> None:
    marker = tmp_path / "ran"
    members = dict(small_members)
    members["arrays/estimator.stage1.0.intercept.npy"] = _npy(np.asarray([_Payload(marker)]), allow_pickle=True)
    with pytest.raises(ModelFormatError, match=r"holds a object array"):
        load_model(_write(tmp_path / "tampered.model.zip", members))
    assert not marker.exists()
    assert np.load(io.BytesIO(members["arrays/estimator.stage1.0.intercept.npy"]), allow_pickle=True) is not None
    assert marker.is_dir()  # the control: read with allow_pickle=True, that array runs its code


def test_damaged_zips_are_refused(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker], small_members: dict[str, bytes]
) -> None:
    data = small[0].read_bytes()
    cut = tmp_path / "cut.model.zip"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFormatError, match="damaged zip file"):
        load_model(cut)
    members = list(small_members.items())
    twice = _write(tmp_path / "twice.model.zip", [*members, members[0]])
    with pytest.raises(ModelFormatError, match="twice"):
        load_model(twice)
    flipped = bytearray(_write(tmp_path / "flipped.model.zip", small_members).read_bytes())  # stored, not deflated
    at = bytes(flipped).index(small_members[INTERCEPT]) + len(small_members[INTERCEPT]) - 1
    flipped[at] ^= 0xFF  # the intercept's last byte, after its CRC was written
    (tmp_path / "flipped.model.zip").write_bytes(bytes(flipped))
    with pytest.raises(ModelFormatError, match=r"intercept.npy is damaged \(Bad CRC-32"):
        load_model(tmp_path / "flipped.model.zip")
    with zipfile.ZipFile(tmp_path / "comment.model.zip", "w") as zf:
        for name, member in members:
            zf.writestr(name, member)
        zf.comment = b"a comment"
    with pytest.raises(ModelFormatError, match="does not end with a zip's end record"):
        load_model(tmp_path / "comment.model.zip")


def test_zip64_files_and_large_directories_are_refused_before_opening(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)  # more members than that: zipfile writes ZIP64 records
        zip64 = _write(tmp_path / "zip64.model.zip", _members(small[0]))
    with pytest.raises(ModelFormatError, match="ZIP64"):
        load_model(zip64)
    monkeypatch.setattr("cleaner.model.files.MAX_DIRECTORY_BYTES", 100)
    with pytest.raises(ModelFormatError, match=r"lists 11 members in a 858-byte directory"):
        load_model(small[0])


# --------------------------------------------------------------------------- hash, convert


def test_saving_is_deterministic_and_gives_the_file_hash(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker]
) -> None:
    _, est, ranker = small
    first = save_model(est, tmp_path / "a.model.zip", {"command": "test"}, headline_ranker=ranker)
    second = save_model(est, tmp_path / "b.model.zip", {"command": "test"}, headline_ranker=ranker)
    assert (tmp_path / "a.model.zip").read_bytes() == (tmp_path / "b.model.zip").read_bytes()
    assert first.file_sha256 == second.file_sha256 == model_file_hash(tmp_path / "a.model.zip")
    assert load_model(tmp_path / "a.model.zip").file_sha256 == first.file_sha256
    assert not list(tmp_path.glob("*.tmp"))


def test_a_manifest_that_is_not_plain_data_is_refused(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker]
) -> None:
    with pytest.raises(ModelError, match="plain data"):
        save_model(small[1], tmp_path / "m.model.zip", {"when": object()})
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_an_old_pickle_model_converts_to_the_same_predictions(
    tmp_path: Path, small: tuple[Path, BlockClassifier, HeadlineRanker], capsys: pytest.CaptureFixture[str]
) -> None:
    _, est, ranker = small
    old = tmp_path / "old.joblib"
    manifest = {**load_model(small[0]).manifest, "format": 1}
    joblib.dump({"manifest": manifest, "estimator": est, "headline_ranker": ranker}, old, compress=3)
    new = tmp_path / "new.model.zip"
    assert main(["model", "convert", str(old), str(new)]) == 2
    assert "--trust-pickle" in capsys.readouterr().err and not new.exists()
    assert main(["model", "convert", "--trust-pickle", str(old), str(new)]) == 0
    assert "loads without --trust-pickle" in capsys.readouterr().err
    loaded = load_model(new)
    trusted = load_model(old, trust_pickle=True)
    assert _proba(loaded.estimator).tobytes() == _proba(trusted.estimator).tobytes() == _proba(est).tobytes()
    assert loaded.manifest["converted_from"] == {"file": "old.joblib", "sha256": model_file_hash(old)}
    assert loaded.manifest["format"] == 2 and loaded.manifest["command"] == "test"
    assert convert_model(new, tmp_path / "again.model.zip").manifest["converted_from"]["sha256"] == (loaded.file_sha256)
    assert main(["model", "info", str(new)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["sha256"] == model_file_hash(new) and info["manifest"]["command"] == "test"
    assert main(["clean", "--trust-pickle", "--model", str(old), str(SEED)]) == 0
    assert main(["clean", "--model", str(new), str(SEED)]) == 0


def test_an_array_header_whose_size_wraps_around_is_refused() -> None:
    """Dimensions whose product overflows 64 bits to the data's length (here 3 items)."""
    n = 3 * pow(5, -1, 2**64) % 2**64
    assert n < 2**63 and n * 5 % 2**64 == 3
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(npy, {"descr": "<f8", "fortran_order": False, "shape": (n, 5)})
    npy.write(np.zeros(3).tobytes())
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("arrays/a.npy", npy.getvalue())
    reader = ArrayReader("crafted", zipfile.ZipFile(zipped), frozenset(["arrays/a.npy"]))
    with pytest.raises(ModelFormatError, match=r"data does not match its shape \(7378697629483820647, 5\)"):
        reader.get("a", np.float64, (None, 5), at="sizes")
