"""Optional dependencies (cleaner/extras.py): ``pip install cleaner`` cleans text and HTML,
in Python, with ``cleaner clean`` and with ``cleaner batch``; each entry point that
needs an extra raises :class:`MissingExtraError` naming it when the extra is missing.

The missing packages are faked: ``sys.modules[name] = None`` makes ``import name``
fail as it does where the package is not installed. ``.ci/run`` also runs the
commands on a real install without extras, in its fresh virtual environment.
"""

from __future__ import annotations

import gzip
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cleaner import CleanerError, MissingExtraError
from cleaner.batch import BatchOptions, run_batch
from cleaner.cli import main
from cleaner.extras import available, require

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"
HTML = REPO / "tests" / "fixtures" / "pages" / "article.html"

# Every package that only an extra brings (and what those bring: pyarrow with dask and spark)
EXTRAS_ONLY = ("pandas", "dask", "distributed", "warcio", "pyspark", "pyarrow")


def _hide(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_the_error_names_the_extra_and_is_an_import_error() -> None:
    err = MissingExtraError("cleaner.clean_frame", "pandas", "pandas")
    assert str(err) == "cleaner.clean_frame needs pandas, which is not installed: pip install 'cleaner[pandas]'"
    assert isinstance(err, CleanerError) and isinstance(err, ImportError) and err.name == "pandas"
    copy = pickle.loads(pickle.dumps(err))  # crosses process boundaries in batch runs
    assert (type(copy), str(copy), copy.extra) == (MissingExtraError, str(err), "pandas")


def test_require_and_available(monkeypatch: pytest.MonkeyPatch) -> None:
    assert require("json", extra="x", feature="y").__name__ == "json"
    _hide(monkeypatch, "warcio", "warcio.archiveiterator")  # the submodule too: other tests may have imported it
    assert not available("warcio") and available("json")
    with pytest.raises(MissingExtraError, match=r"reading WARC needs warcio.archiveiterator, .*'cleaner\[warc\]'"):
        require("warcio.archiveiterator", extra="warc", feature="reading WARC")


def test_require_does_not_hide_a_broken_dependency_inside_an_installed_module(tmp_path: Path) -> None:
    (tmp_path / "half_installed.py").write_text("import no_such_dependency_xyz\n")
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ModuleNotFoundError) as info:
            require("half_installed", extra="x", feature="y")
        assert not isinstance(info.value, MissingExtraError) and info.value.name == "no_such_dependency_xyz"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("half_installed", None)


def test_clean_frame_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner

    _hide(monkeypatch, "pandas")
    with pytest.raises(MissingExtraError, match=r"cleaner\.clean_frame needs pandas.*pip install 'cleaner\[pandas\]'"):
        cleaner.clean_frame(object(), "text")  # type: ignore[arg-type]  # no frame can exist without pandas


def test_batch_scheduler_without_dask(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    _hide(monkeypatch, "distributed")
    with pytest.raises(MissingExtraError, match=r"--scheduler needs distributed.*'cleaner\[dask\]'"):
        run_batch(tmp_path / "in", tmp_path / "out", options=BatchOptions(scheduler="tcp://127.0.0.1:9"))
    code = main(["batch", str(tmp_path / "in"), str(tmp_path / "out2"), "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "pip install 'cleaner[dask]'" in capsys.readouterr().err


def test_batch_of_warc_files_without_warcio_refuses_before_writing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused at the start: failed WARC inputs would be finished tasks that ``--resume``
    does not redo once warcio is installed."""
    src = tmp_path / "in"
    (src / "crawl").mkdir(parents=True)
    (src / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "crawl" / "part.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\n"))
    _hide(monkeypatch, "warcio")
    with pytest.raises(MissingExtraError, match=r"\.warc and \.wet inputs needs warcio.*'cleaner\[warc\]'"):
        run_batch(src, tmp_path / "out", options=BatchOptions(jobs=1, progress=False))
    assert not (tmp_path / "out").exists()
    assert main(["batch", str(src), str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 2
    assert "pip install 'cleaner[warc]'" in capsys.readouterr().err
    # without WARC inputs, warcio is not needed
    (src / "crawl" / "part.warc.gz").unlink()
    report = run_batch(src, tmp_path / "out", options=BatchOptions(jobs=1, progress=False))
    assert report.exit_code == 0 and report.inputs == 1


def test_a_worker_without_warcio_reports_each_warc_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Where the check in run_batch cannot see it (a Dask worker without warcio), every
    WARC file is a reported failure naming the extra, never a silent loss."""
    from cleaner.batch import InputFile, InputKind
    from cleaner.batch.read import _warc_pages
    from cleaner.config import CleanerConfig

    _hide(monkeypatch, "warcio", "warcio.archiveiterator")
    (tmp_path / "x.warc").write_bytes(b"")
    no_budget: Any = None  # the missing extra is reported before any page is timed
    [failure] = list(_warc_pages(tmp_path, 0, InputFile("x.warc", InputKind.WARC), CleanerConfig(), no_budget))
    assert failure.to_dict()["error"] == "MissingExtraError"  # type: ignore[union-attr]
    assert "cleaner[warc]" in failure.to_dict()["message"]  # type: ignore[union-attr]


_WITHOUT_EXTRAS = """
import sys
for name in {names!r}:
    sys.modules[name] = None
import cleaner
from cleaner.cli import main
codes = [
    main(["clean", {seed!r}]),
    main(["clean", "-f", "json", {html!r}]),
    main(["batch", {src!r}, {out!r}, "--jobs", "1", "--quiet"]),
]
result = cleaner.clean(open({seed!r}, encoding="utf-8").read())
loaded = sorted(n for n in {names!r} if sys.modules.get(n) is not None)
print("RESULT", codes, len(result.articles), loaded, file=sys.stderr)
"""


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_import_clean_and_batch_work_without_any_extra(tmp_path: Path) -> None:
    """In a fresh interpreter where pandas, Dask, warcio, PySpark and pyarrow cannot be
    imported: ``import cleaner``, ``cleaner clean`` on text and HTML, and ``cleaner
    batch`` on text and HTML inputs all work."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "seed.txt").write_bytes(SEED.read_bytes())
    (src / "page.html").write_bytes(HTML.read_bytes())
    script = _WITHOUT_EXTRAS.format(
        names=EXTRAS_ONLY, seed=str(SEED), html=str(HTML), src=str(src), out=str(tmp_path / "out")
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "RESULT [0, 0, 0] 4 []" in done.stderr, done.stderr
    assert json.loads(done.stdout[done.stdout.index('{\n  "articles"') :])["articles"]
    report = json.loads((tmp_path / "out" / "_report.json").read_text())
    assert report["inputs"] == 2 and report["failures"] == 0


def test_a_missing_pyspark_fails_the_spark_tests_where_ci_requires_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """.ci/run sets CLEANER_REQUIRE_SPARK: the Spark tests then fail, not skip, without PySpark."""
    from test_spark import _pyspark_sql

    _hide(monkeypatch, "pyspark", "pyspark.sql")
    monkeypatch.delenv("CLEANER_REQUIRE_SPARK", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"cleaner\[spark\]"):
        _pyspark_sql()
    monkeypatch.setenv("CLEANER_REQUIRE_SPARK", "1")
    with pytest.raises(pytest.fail.Exception, match="CLEANER_REQUIRE_SPARK is set, but PySpark is not installed"):
        _pyspark_sql()
