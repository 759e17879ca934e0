"""Tests of :mod:`cleaner.batch` and ``cleaner batch``: inputs, outputs, failures, resume, Dask.

The corpora are small and generated in ``tmp_path``. Assertions never depend on what
the (placeholder) model finds in a page, only on structure: which files exist, which
inputs failed and why, and that differently run batches give identical output.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from cleaner import Article, CleanerConfig
from cleaner.batch import (
    FAILURES_FILE,
    MANIFEST_FILE,
    REPORT_FILE,
    WORKER_CRASH,
    BatchOptions,
    InputKind,
    discover,
    run_batch,
)
from cleaner.cli import main
from cleaner.errors import BatchSetupError

REPO = Path(__file__).resolve().parent.parent


def page(i: int) -> str:
    """A small news page; ``i`` varies its words so pages differ."""
    return (
        f"Home | World | Sport\n"
        f"Council approves new park number {i}\n"
        f"By Jane Doe{i % 7} | June {1 + i % 28}, 2025\n"
        f"The city council voted on Monday to build park {i} near the river, after a year of "
        f"debate about cost and noise. Residents of district {i % 13} welcomed the decision.\n"
        f"Work is to begin in the spring and take about {2 + i % 5} years, the mayor said, "
        f"adding that the budget of {100 + i} million had been approved.\n"
        f"Related: Bridge repairs delayed again\n"
        f"© 2025 Example News"
    )


def warc_bytes(records: list[tuple[str, str, str]], *, compress: bool = True) -> bytes:
    """A WARC file of (type, url, body) records: response (HTML), conversion (WET text) or metadata."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=compress)
    for kind, url, body in records:
        payload = io.BytesIO(body.encode("utf-8"))
        if kind == "response":
            ctype = "image/png" if url.endswith(".png") else "text/html; charset=utf-8"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=payload, http_headers=http)
        elif kind == "conversion":
            rec = writer.create_warc_record(url, "conversion", payload=payload, warc_content_type="text/plain")
        else:
            rec = writer.create_warc_record(url, kind, payload=payload)
        writer.write_record(rec)
        rec.raw_stream.close()  # warcio buffers the payload in a temporary file to digest it
    return buf.getvalue()


def html_page(i: int) -> str:
    lines = page(i).split("\n")
    return "<html><body><nav>Home World</nav>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"


def make_corpus(root: Path, n: int = 12, *, bad: bool = True) -> Path:
    """Text, HTML, gzip and WARC inputs, plus bad ones unless ``bad=False``."""
    (root / "news" / "deep").mkdir(parents=True)
    for i in range(n):
        (root / "news" / f"t{i:03d}.txt").write_text(page(i), encoding="utf-8")
    (root / "news" / "deep" / "h1.html").write_text(html_page(100), encoding="utf-8")
    (root / "news" / "deep" / "h2.htm.gz").write_bytes(gzip.compress(html_page(101).encode()))
    (root / "news" / "deep" / "t3.txt.gz").write_bytes(gzip.compress(page(102).encode()))
    (root / "crawl.warc.gz").write_bytes(
        warc_bytes(
            [
                ("metadata", "http://ex.com/1", "fetchTimeMs: 12"),
                ("response", "http://ex.com/1", html_page(200)),
                ("response", "http://ex.com/logo.png", "PNG"),
                ("response", "http://ex.com/2", html_page(201)),
            ]
        )
    )
    (root / "notes.odt").write_text("not an input")
    if bad:
        (root / "bad").mkdir()
        (root / "bad" / "binary.txt").write_bytes(bytes(range(256)) * 4)
        (root / "bad" / "latin1.txt").write_bytes("Caf\xe9 au lait\n".encode("latin-1") * 20)
        whole = gzip.compress(page(300).encode() * 50)
        (root / "bad" / "truncated.txt.gz").write_bytes(whole[: len(whole) // 2])
        (root / "bad" / "huge.txt").write_text(page(301) * 200, encoding="utf-8")
    return root


SMALL = CleanerConfig(max_chars=20_000)  # bad/huge.txt is about 100,000 characters


def outputs(out: Path) -> dict[str, bytes]:
    """Every output file but the report (timings) and the manifest (completion order)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (REPORT_FILE, MANIFEST_FILE) and not p.name.endswith(".cleaner-tmp")
    }


def jsonl_rows(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for p in sorted(out.glob("part-*.jsonl")) for line in p.read_text().splitlines()]


def failures(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in (out / FAILURES_FILE).read_text().splitlines()]
    return {r["path"]: r["error"] for r in rows}


# ------------------------------------------------------------------ discovery


def test_discover_kinds_order_and_globs(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=3)
    found = [(i.path, i.kind) for i in discover(root)]
    paths = [p for p, _ in found]
    # a directory's files in sorted order, then its subdirectories in sorted order
    assert paths[:4] == ["crawl.warc.gz", "bad/binary.txt", "bad/huge.txt", "bad/latin1.txt"]
    assert "notes.odt" not in paths
    kinds = dict(found)
    assert kinds["crawl.warc.gz"] is InputKind.WARC
    assert kinds["news/deep/h2.htm.gz"] is InputKind.HTML
    assert kinds["news/deep/t3.txt.gz"] is InputKind.TEXT
    assert [i.path for i in discover(root)] == paths  # same order every time
    assert [i.path for i in discover(root, include=["*.html", "*.htm.gz"])] == [
        "news/deep/h1.html",
        "news/deep/h2.htm.gz",
    ]
    excluded = [i.path for i in discover(root, exclude=["news/*", "bad/*"])]
    assert excluded == ["crawl.warc.gz"]
    assert all(not p.startswith("news/deep") for p in (i.path for i in discover(root, exclude=["news/deep/*"])))


def test_output_inside_input_is_not_an_input(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, n=3, bad=False)
    report = run_batch(root, root / "out", options=BatchOptions(format="text", jobs=1, batch_size=1))
    assert report.exit_code == 0
    assert report.inputs == 7  # 3 + 3 text and HTML files and the WARC, no output of this run
    assert not (root / "out" / "out").exists()


# ------------------------------------------------------------------ outputs and failures


def test_jsonl_rows_and_failures(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in")
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1, batch_size=5), config=SMALL)
    assert report.exit_code == 1
    assert failures(out) == {
        "bad/binary.txt": "InputReadError",
        "bad/huge.txt": "InputTooLargeError",
        "bad/latin1.txt": "InputReadError",
        "bad/truncated.txt.gz": "InputReadError",
    }
    messages = [json.loads(line)["message"] for line in (out / FAILURES_FILE).read_text().splitlines()]
    assert any("iconv" in m for m in messages)  # the undecodable file says how to convert it
    assert any("truncated gzip" in m for m in messages)
    # 12 + 3 text/html pages and 2 WARC pages (the metadata and the PNG are not pages)
    assert report.pages == 17 and report.failures == 4
    assert report.inputs == 12 + 3 + 1 + 4
    rows = jsonl_rows(out)
    assert len(rows) == report.articles > 0
    keys = ["path", "record", "url", "article", *(f.name for f in fields(Article))]
    assert all(list(r) == keys for r in rows)
    warc_rows = [r for r in rows if r["path"] == "crawl.warc.gz"]
    assert {r["url"] for r in warc_rows} <= {"http://ex.com/1", "http://ex.com/2"}
    assert all(str(r["record"]).startswith("<urn:uuid:") for r in warc_rows)
    assert all(r["record"] is None for r in rows if r["path"] != "crawl.warc.gz")
    saved = json.loads((out / REPORT_FILE).read_text())
    assert saved["pages"] == 17 and saved["failures"] == 4 and saved["exit_code"] == 1
    assert not list(out.rglob("*.cleaner-tmp"))


def test_clean_corpus_exits_zero(tmp_path: Path) -> None:
    report = run_batch(make_corpus(tmp_path / "in", bad=False), tmp_path / "out", options=BatchOptions(jobs=1))
    assert report.exit_code == 0 and report.failures == 0
    assert (tmp_path / "out" / FAILURES_FILE).read_text() == ""


def test_oversize_file_rejected_by_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "big.txt").write_bytes(b"x" * 50_000)
    (root / "big.html").write_bytes(b"<p>" + b"x" * 50_000 + b"</p>")
    (root / "big.txt.gz").write_bytes(gzip.compress(b"y" * 50_000))
    import cleaner.batch.read as batch_read

    def unless_gzip(read: Any) -> Any:
        def checked(stream: Any, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(stream, gzip.GzipFile):  # opened for its size and magic bytes only
                raise AssertionError(f"{stream.name} was read")
            return read(stream, *args, **kwargs)

        return checked

    monkeypatch.setattr(batch_read, "decode_text", unless_gzip(batch_read.decode_text))
    monkeypatch.setattr(batch_read, "read_bytes", unless_gzip(batch_read.read_bytes))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1), config=CleanerConfig(max_chars=10_000))
    assert failures(out) == dict.fromkeys(["big.html", "big.txt", "big.txt.gz"], "InputTooLargeError")
    assert report.exit_code == 1


def test_mirror_outputs_never_collide(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    (root / "a.txt.gz").write_bytes(gzip.compress(page(2).encode()))
    (root / "a.html").write_text(html_page(3))
    (root / "a.htm").write_text(html_page(4))
    (root / "x.warc").write_bytes(warc_bytes([("conversion", "http://ex.com/w", page(5))], compress=False))
    for fmt, suffix in (("text", ".txt"), ("markdown", ".md"), ("json", ".json")):
        out = tmp_path / fmt
        report = run_batch(root, out, options=BatchOptions(format=fmt, jobs=1))
        assert report.exit_code == 0
        made = sorted(p.name for p in out.iterdir() if not p.name.startswith("_"))
        assert made == sorted(
            [f"a.txt{suffix}", f"a.txt.gz{suffix}", f"a.html{suffix}", f"a.htm{suffix}", "x.warc.jsonl"]
        )
    texts = {p.name: p.read_text() for p in (tmp_path / "json").iterdir() if p.suffix == ".json" and p.name[0] != "_"}
    assert all("articles" in json.loads(t) for t in texts.values())
    assert len(set(texts.values())) == len(texts)  # four different pages, four different outputs


def test_warc_truncated_keeps_earlier_records(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    data = warc_bytes([("response", f"http://ex.com/{i}", html_page(i)) for i in range(6)])
    (root / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    (root / "page.wet").write_bytes(warc_bytes([("conversion", "http://ex.com/w", page(9))], compress=False))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    assert report.exit_code == 1
    rows = [json.loads(line) for line in (out / FAILURES_FILE).read_text().splitlines()]
    assert [(r["path"], r["error"]) for r in rows] == [("cut.warc.gz", "InputReadError")]
    assert "truncated" in rows[0]["message"] and rows[0]["record"] is not None
    assert report.pages == 3 + 1  # the records before the cut, and the WET page


def test_bad_warc_record_is_one_failure(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    records = [
        ("response", "http://ex.com/ok", html_page(1)),
        ("conversion", "http://ex.com/big", page(2) * 100),
    ]
    (root / "c.warc.gz").write_bytes(warc_bytes(records))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1), config=SMALL)
    rows = [json.loads(line) for line in (out / FAILURES_FILE).read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["error"] == "InputTooLargeError" and rows[0]["record"].startswith("<urn:")
    assert report.pages == 1


@pytest.mark.slow  # starts a pool of worker processes
def test_same_output_for_any_number_of_jobs(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=30)
    one = run_batch(root, tmp_path / "one", options=BatchOptions(jobs=1, batch_size=4), config=SMALL)
    two = run_batch(root, tmp_path / "two", options=BatchOptions(jobs=2, batch_size=4), config=SMALL)
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert (one.pages, one.articles, one.failures) == (two.pages, two.articles, two.failures)


# ------------------------------------------------------------------ safety and resume


def test_refuses_a_used_output_directory(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=3, bad=False)
    out = tmp_path / "out"
    run_batch(root, out, options=BatchOptions(jobs=1))
    with pytest.raises(BatchSetupError, match="--resume"):
        run_batch(root, out, options=BatchOptions(jobs=1))
    with pytest.raises(BatchSetupError, match="format"):
        run_batch(root, out, options=BatchOptions(jobs=1, resume=True, format="text"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_text("x")
    with pytest.raises(BatchSetupError, match="no manifest"):
        run_batch(root, tmp_path / "other", options=BatchOptions(jobs=1, resume=True))
    with pytest.raises(BatchSetupError, match="not a directory"):
        run_batch(root / "nope", tmp_path / "o3")
    with pytest.raises(BatchSetupError, match="must not contain"):
        run_batch(root, tmp_path)


def test_resume_refuses_a_changed_input_tree(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=6, bad=False)
    out = tmp_path / "out"
    run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2))
    (root / "news" / "a-new.txt").write_text(page(50))
    with pytest.raises(BatchSetupError, match="input tree changed"):
        run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2, resume=True))


@pytest.mark.slow
def test_resume_after_torn_manifest_and_leftover_temp_files(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=20)
    opts = BatchOptions(jobs=1, batch_size=3)
    run_batch(root, tmp_path / "full", options=opts, config=SMALL)
    out = tmp_path / "out"
    run_batch(root, out, options=opts, config=SMALL)
    # Simulate a kill: forget all but two finished tasks, tear the last manifest line,
    # leave a half-written temporary file and a part file with no manifest line.
    lines = (out / MANIFEST_FILE).read_text().splitlines(keepends=True)
    (out / MANIFEST_FILE).write_text("".join(lines[:3]) + lines[3][:20])
    (out / ".part-00005.jsonl.123-abcd.cleaner-tmp").write_text('{"half": ')
    (out / "part-00004.jsonl").write_text("stale\n")
    (out / REPORT_FILE).unlink()
    report = run_batch(root, out, options=BatchOptions(jobs=2, batch_size=3, resume=True), config=SMALL)
    assert report.resumed_inputs == sum(len(json.loads(line)["inputs"]) for line in lines[1:3])
    assert outputs(out) == outputs(tmp_path / "full")
    full = json.loads((tmp_path / "full" / REPORT_FILE).read_text())
    assert (report.pages, report.articles, report.failures) == (
        full["pages"],
        full["articles"],
        full["failures"],
    )


def _cli(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "cleaner", "batch", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_tasks(manifest: Path, n: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if manifest.exists() and manifest.read_text().count("\n") > n:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the run ended early: {proc.communicate()[1].decode()}")
        time.sleep(0.01)
    raise AssertionError("no progress")


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.slow  # about 25 s each: full runs and a killed one, with worker start-up
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds worker processes through /proc")
@pytest.mark.parametrize("victim", ["parent", "worker"])
def test_kill_9_gives_the_uninterrupted_output(tmp_path: Path, victim: str) -> None:
    root = make_corpus(tmp_path / "in", n=240)
    args = ["--batch-size", "4", "--max-chars", "20000", "-q"]
    expected = tmp_path / "expected"
    assert (
        run_batch(root, expected, options=BatchOptions(jobs=1, batch_size=4), config=SMALL).exit_code == 1
    )  # the bad inputs
    out = tmp_path / "out"
    proc = _cli(str(root), str(out), "-j", "2", *args)
    orphans: list[int] = []
    err = b""
    try:
        _wait_for_tasks(out / MANIFEST_FILE, 3, proc)
        workers = [p for p in _children(proc.pid) if "loky" in _cmdline(p) and "tracker" not in _cmdline(p)]
        assert workers, "no worker process found"
        if victim == "parent":
            orphans = _children(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        else:
            os.kill(workers[0], signal.SIGKILL)
            err = proc.communicate(timeout=180)[1]  # recovery from the kill alone takes ~40 s on a loaded machine
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    if victim == "worker":
        # the run goes on: the tasks in flight run again alone, and succeed (the worker
        # did not die of its pages); only the bad inputs fail, as in the expected run
        assert proc.returncode == 1, err.decode(errors="replace")
        assert b"a worker process died 1 time(s)" in err  # the kill was seen, and survived
        assert outputs(out) == outputs(expected)
        assert WORKER_CRASH.encode() not in (out / FAILURES_FILE).read_bytes()
        return
    done = (out / MANIFEST_FILE).read_text().count("\n") - 1
    assert done < 61, "the run finished before the kill; make the corpus larger"
    assert proc.returncode == -signal.SIGKILL
    # A killed parent's workers end themselves within a tenth of a second
    # (test_batch_hostile.py::test_workers_stop_when_their_parent_is_killed); any left
    # are killed below all the same.
    try:
        resumed = _cli(str(root), str(out), "-j", "2", "--resume", *args)
        resumed.communicate(timeout=120)
    finally:
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert resumed.returncode == 1  # the bad inputs again, from the manifest
    assert outputs(out) == outputs(expected)


# ------------------------------------------------------------------ command line


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_corpus(tmp_path / "good", n=3, bad=False)
    assert main(["batch", str(good), str(tmp_path / "o1"), "-j", "1", "-q"]) == 0
    assert capsys.readouterr().err == ""  # quiet: no bar, no summary when all went well
    bad = make_corpus(tmp_path / "bad", n=3)
    assert main(["batch", str(bad), str(tmp_path / "o2"), "-j", "1", "-q", "--max-chars", "20000"]) == 1
    err = capsys.readouterr().err
    assert "4 failed" in err and FAILURES_FILE in err
    assert main(["batch", str(good), str(tmp_path / "o1"), "-j", "1"]) == 2  # OUT holds a run
    assert "--resume" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(good), str(tmp_path / "o3"), "--jobs", "0"])
    assert exc.value.code == 2
    assert main(["batch", str(good), str(tmp_path / "o1"), "-j", "1", "--resume", "-q"]) == 0


def test_progress_bar_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_corpus(tmp_path / "in", n=3, bad=False)
    run_batch(root, tmp_path / "out", options=BatchOptions(jobs=1, progress=True))
    err = capsys.readouterr().err
    assert "pages/s" in err and "input" in err
    run_batch(root, tmp_path / "out2", options=BatchOptions(jobs=1))  # stderr is not a terminal
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ Dask


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_dask_local_cluster_gives_the_same_output(tmp_path: Path) -> None:
    from distributed import LocalCluster

    root = make_corpus(tmp_path / "in", n=20)
    run_batch(root, tmp_path / "local", options=BatchOptions(jobs=1, batch_size=4), config=SMALL)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        args = ["batch", str(root), str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]
        code = main([*args, "--batch-size", "4", "--max-chars", "20000", "-q"])
    assert code == 1
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


def _crash_corpus(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """The crashing model (tests/crashing_model.py) and ``n`` pages, of which p04 kills its worker."""
    from crashing_model import TRIGGER, write_crashing_model

    model = write_crashing_model(tmp_path / "crashing.joblib")
    root = tmp_path / "in"
    root.mkdir()
    for i in range(n):
        (root / f"p{i:02d}.txt").write_text(page(i), encoding="utf-8")
    (root / "p04.txt").write_text(page(4).replace("Residents", f"{TRIGGER} residents"), encoding="utf-8")
    return model, root


@pytest.mark.slow
def test_a_page_that_kills_dask_workers_is_skipped_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed import LocalCluster

    # the workers are processes of their own: they import the crashing model from the tests folder
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    model, root = _crash_corpus(tmp_path, 6)
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        opts = BatchOptions(batch_size=3, scheduler=cluster.scheduler_address)
        report = run_batch(root, out, options=opts, model=model, config=SMALL, trust_pickle=True)
    assert report.aborted is None and report.worker_deaths == 1
    assert failures(out) == {"p04.txt": WORKER_CRASH}
    assert report.pages == 5 and report.exit_code == 1
    clean = tmp_path / "clean"
    run_batch(
        root,
        clean,
        options=BatchOptions(jobs=1, batch_size=3, exclude=("p04.txt",)),
        model=model,
        config=SMALL,
        trust_pickle=True,
    )
    key = json.dumps
    assert sorted(map(key, jsonl_rows(out))) == sorted(map(key, jsonl_rows(clean)))


@pytest.mark.slow
def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    import dask

    root = make_corpus(tmp_path / "in", n=1, bad=False)
    opts = BatchOptions(scheduler="tcp://127.0.0.1:9")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(BatchSetupError, match="Dask scheduler"):
            run_batch(root, tmp_path / "out", options=opts)
    assert not (tmp_path / "out").exists()  # nothing written: a plain rerun works


@pytest.mark.slow  # about 20 s: worker start-up, and fresh processes to find the page
def test_a_page_that_kills_its_worker_is_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    model, root = _crash_corpus(tmp_path, 10)
    out = tmp_path / "out"
    report = run_batch(
        root, out, options=BatchOptions(jobs=2, batch_size=3), model=model, config=SMALL, trust_pickle=True
    )
    assert report.aborted is None and report.worker_deaths == 1
    assert report.exit_code == 1
    assert failures(out) == {"p04.txt": WORKER_CRASH}
    assert report.pages == 9
    # the other pages of the crashed task and of every other task are all there, as a
    # run without the page writes them
    clean = tmp_path / "clean"
    expected = run_batch(
        root,
        clean,
        options=BatchOptions(jobs=1, batch_size=3, exclude=("p04.txt",)),
        model=model,
        config=SMALL,
        trust_pickle=True,
    )
    assert expected.exit_code == 0
    key = json.dumps
    assert sorted(map(key, jsonl_rows(out))) == sorted(map(key, jsonl_rows(clean)))
    assert not list(out.rglob("*.cleaner-tmp"))


def test_main_only_writes_each_pages_main_article(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    seed = Path(__file__).parent.parent / "corpus" / "seed" / "daily8-kyodo-trade-talks.txt"
    (root / "seed.txt").write_bytes(seed.read_bytes())  # four articles
    for i in range(3):
        (root / f"p{i}.txt").write_text(page(i), encoding="utf-8")
    run_batch(root, tmp_path / "all", options=BatchOptions(jobs=1), config=SMALL)
    report = run_batch(root, tmp_path / "main", options=BatchOptions(jobs=1, main_only=True), config=SMALL)
    every, main = jsonl_rows(tmp_path / "all"), jsonl_rows(tmp_path / "main")
    assert sum(r["path"] == "seed.txt" for r in every) == 4
    assert report.articles == len(main) == 4  # one a page
    for row in main:
        page_rows = [r for r in every if r["path"] == row["path"]]
        words = [sum(len(p.split()) for p in r["body"]) for r in page_rows]  # type: ignore[union-attr]
        assert row == page_rows[words.index(max(words))]  # the same row, with its index on the page
    opts = BatchOptions(jobs=1, format="text", main_only=True)
    assert run_batch(root, tmp_path / "text", options=opts, config=SMALL).articles == 4
    text = (tmp_path / "text" / "seed.txt.txt").read_text(encoding="utf-8")
    headlines = [r["headline"] for r in every if r["path"] == "seed.txt"]
    kept = next(r["headline"] for r in main if r["path"] == "seed.txt")
    assert [h for h in headlines if h in text] == [kept]
    # resuming with another choice would mix two outputs
    with pytest.raises(BatchSetupError, match="main_only"):
        run_batch(root, tmp_path / "main", options=BatchOptions(jobs=1, resume=True), config=SMALL)
