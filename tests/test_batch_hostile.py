"""Hostile inputs and misuse of ``cleaner batch`` (issue 15, the batch half).

One bad input never stops or stalls a run and is never lost without a word; a page
has a time budget; two runs never share an output directory; every mistake is a clear
message and exit code 2. The corpora are generated in ``tmp_path`` with the helpers
of ``test_batch``. Pages that misbehave are made so by patching the library in this
process (``jobs=1``, or a Dask cluster of threads), or by a model file whose
classifier hangs (``stuck_model``) where worker processes are needed.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from test_batch import (
    _children,
    _cli,
    _wait_for_tasks,
    failures,
    html_page,
    jsonl_rows,
    make_corpus,
    outputs,
    page,
    warc_bytes,
)

import cleaner.batch as batch
import cleaner.batch.files as batch_files
import cleaner.batch.tasks as batch_tasks
from cleaner import Cleaner, CleanerConfig
from cleaner.batch import (
    FAILURES_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    REPORT_FILE,
    SKIPPED_FILE,
    BatchOptions,
    run_batch,
)
from cleaner.cli import main
from cleaner.errors import BatchSetupError
from cleaner.model import default_model_path, load_model, save_model

MARK = "Zanzibarquill"  # a word no generated page holds: the patched library misbehaves on it


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def _misbehave_on_mark(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Make Cleaner.clean and clean_many call ``action()`` on a page holding :data:`MARK`."""
    clean, clean_many = Cleaner.clean, Cleaner.clean_many

    def patched_clean(self: Cleaner, text: str, **kw: Any) -> Any:
        if MARK in text:
            action()
        return clean(self, text, **kw)

    def patched_many(self: Cleaner, texts: Any, **kw: Any) -> Any:
        texts = list(texts)
        if any(MARK in t for t in texts):
            action()
        return clean_many(self, texts, **kw)

    monkeypatch.setattr(Cleaner, "clean", patched_clean)
    monkeypatch.setattr(Cleaner, "clean_many", patched_many)


# ------------------------------------------------------------------ one input never stops the run


def _jsonld_bomb() -> str:
    """HTML whose JSON-LD nests 2,000 levels deep (RecursionError in page_meta on the old code)."""
    return (
        '<html><head><script type="application/ld+json">' + "[" * 2000 + "</script></head>"
        "<body><p>Council approves new park</p><p>The council voted on Monday.</p></body></html>"
    )


def test_deeply_nested_json_ld_does_not_stop_the_run(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    (root / "bomb.html").write_text(_jsonld_bomb())
    (root / "z.txt").write_text(page(2))
    records = [("response", f"http://ex.com/{i}", _jsonld_bomb() if i == 1 else html_page(i)) for i in range(4)]
    (root / "crawl.warc.gz").write_bytes(warc_bytes(records))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    # whether the library copes with the page or fails it, the run goes on and says so
    assert report.pages + report.failures == 3 + 4
    assert report.exit_code == (1 if report.failures else 0)
    saved = json.loads((out / REPORT_FILE).read_text())
    assert (saved["pages"], saved["failures"], saved["exit_code"]) == (report.pages, report.failures, report.exit_code)
    urls = {r["url"] for r in jsonl_rows(out) if r["path"] == "crawl.warc.gz"}
    assert {"http://ex.com/0", "http://ex.com/2", "http://ex.com/3"} <= urls  # the records after the bad one too
    assert {"a.txt", "z.txt"} <= {str(r["path"]) for r in jsonl_rows(out)}


def test_any_exception_reading_a_page_is_one_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.page_meta as page_meta

    real = page_meta.read_html_page

    def read_html(data: bytes | str, **kw: Any) -> Any:
        if MARK.encode() in (data if isinstance(data, bytes) else data.encode()):
            raise RecursionError("maximum recursion depth exceeded")
        return real(data, **kw)

    monkeypatch.setattr(page_meta, "read_html_page", read_html)
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    (root / "b.html").write_text(html_page(2).replace("Residents", MARK))
    (root / "c.html").write_text(html_page(3))
    records = [
        ("response", f"http://ex.com/{i}", html_page(i).replace("Residents", MARK) if i == 1 else html_page(i))
        for i in range(4)
    ]
    (root / "w.warc.gz").write_bytes(warc_bytes(records))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2))
    rows = _rows(out / FAILURES_FILE)
    assert [(r["path"], r["error"]) for r in rows] == [("b.html", "RecursionError"), ("w.warc.gz", "RecursionError")]
    assert rows[1]["record"].startswith("<urn:uuid:")  # the record, not the whole file
    assert report.pages == 2 + 3 and report.failures == 2 and report.exit_code == 1
    assert json.loads((out / REPORT_FILE).read_text())["exit_code"] == 1
    urls = {r["url"] for r in jsonl_rows(out) if r["path"] == "w.warc.gz"}
    assert urls == {"http://ex.com/0", "http://ex.com/2", "http://ex.com/3"}


def test_any_exception_cleaning_or_writing_a_page_is_one_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode() -> None:
        raise UnicodeEncodeError("utf-8", "\udce9", 0, 1, "surrogates not allowed")

    _misbehave_on_mark(monkeypatch, explode)
    real_render = batch_tasks.render

    def render(result: Any, fmt: str) -> str:
        if any("Kalimbaharp" in s.text for s in result.segments):
            raise RecursionError("maximum recursion depth exceeded while rendering")
        return real_render(result, fmt)

    monkeypatch.setattr(batch_tasks, "render", render)
    root = tmp_path / "in"
    root.mkdir()
    for i in range(5):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p1.txt").write_text(page(1).replace("Residents", MARK))
    (root / "p3.txt").write_text(page(3).replace("Residents", "Kalimbaharp"))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1, format="markdown"))
    assert failures(out) == {"p1.txt": "UnicodeEncodeError", "p3.txt": "RecursionError"}
    assert sorted(p.name for p in out.glob("p*.md")) == ["p0.txt.md", "p2.txt.md", "p4.txt.md"]
    assert report.exit_code == 1 and report.pages == 3
    assert not list(out.rglob("*.cleaner-tmp"))


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
@pytest.mark.parametrize("fmt", ["jsonl", "markdown"])
def test_file_names_that_are_not_utf8(tmp_path: Path, fmt: str) -> None:
    root = tmp_path / "in"
    root.mkdir()
    raw = os.fsencode(root)
    with open(raw + b"/caf\xe9.txt", "wb") as f:
        f.write(page(1).encode())
    with open(raw + b"/bin\xff.txt", "wb") as f:
        f.write(bytes(range(256)))
    (root / "ok.txt").write_text(page(2))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1, format=fmt))
    assert (report.inputs, report.pages, report.failures, report.exit_code) == (3, 2, 1, 1)
    # every run file is UTF-8 JSON, and the names come back exactly (surrogateescape)
    fail = _rows(out / FAILURES_FILE)
    assert [os.fsencode(r["path"]) for r in fail] == [b"bin\xff.txt"]
    manifest = _rows(out / MANIFEST_FILE)
    assert sorted(os.fsencode(p) for p in manifest[1]["inputs"]) == [b"bin\xff.txt", b"caf\xe9.txt", b"ok.txt"]
    assert json.loads((out / REPORT_FILE).read_text())["inputs"] == 3
    if fmt == "jsonl":
        rows = [r for p in sorted(out.glob("part-*.jsonl")) for r in _rows(p)]
        assert {os.fsencode(str(r["path"])) for r in rows} == {b"caf\xe9.txt", b"ok.txt"}
    else:
        assert os.path.isfile(os.fsencode(out) + b"/caf\xe9.txt.md")
    before = outputs(out)
    again = run_batch(root, out, options=BatchOptions(jobs=1, format=fmt, resume=True))
    assert again.resumed_inputs == 3 and outputs(out) == before


def test_fifo_socket_and_device_are_failures_never_opened(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    os.mkfifo(root / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.html"))
    os.symlink("/dev/null", root / "null.txt")
    out = tmp_path / "out"
    done: list[Any] = []
    runner = threading.Thread(target=lambda: done.append(run_batch(root, out, options=BatchOptions(jobs=1))))
    runner.daemon = True
    runner.start()
    runner.join(60)
    try:
        assert not runner.is_alive(), "the run blocked on the FIFO"
    finally:
        if runner.is_alive():  # release the reader the old code left blocked
            os.close(os.open(root / "pipe.txt", os.O_WRONLY | os.O_NONBLOCK))
        sock.close()
    report = done[0]
    assert failures(out) == dict.fromkeys(["null.txt", "pipe.txt", "sock.html"], "InputReadError")
    messages = {r["path"]: r["message"] for r in _rows(out / FAILURES_FILE)}
    assert "FIFO" in messages["pipe.txt"] and "socket" in messages["sock.html"] and "device" in messages["null.txt"]
    assert report.pages == 1 and report.exit_code == 1


# ------------------------------------------------------------------ nothing lost without a word


def test_warc_responses_of_other_schemes_are_reported_as_skipped(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    records = [
        ("response", "http://ex.com/1", html_page(1)),
        ("response", "ftp://ex.com/a.html", html_page(2)),
        ("response", "dns:ex.com", "20250601 93.184.216.34"),
        ("response", "https://ex.com/3", html_page(3)),
    ]
    (root / "c.warc.gz").write_bytes(warc_bytes(records))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    assert (report.pages, report.skipped, report.failures, report.exit_code) == (2, 2, 0, 0)
    skipped = _rows(out / SKIPPED_FILE)
    assert [r["url"] for r in skipped] == ["ftp://ex.com/a.html", "dns:ex.com"]
    assert all(r["path"] == "c.warc.gz" and r["record"].startswith("<urn:") for r in skipped)
    assert "ftp" in skipped[0]["reason"] and "http" in skipped[0]["reason"]
    assert json.loads((out / REPORT_FILE).read_text())["skipped"] == 2
    assert "2 skipped" in str(report)


def test_a_page_without_articles_still_gets_its_row(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    (root / "empty.txt").write_text("")
    (root / "blank.html").write_text("<html><body>\n</body></html>")
    (root / "w.warc").write_bytes(
        warc_bytes([("conversion", "http://ex.com/e", ""), ("conversion", "http://ex.com/p", page(2))], compress=False)
    )
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    assert report.pages == 5 and report.exit_code == 0
    rows = jsonl_rows(out)
    by_page = {(r["path"], r["url"]): r for r in rows if r["article"] is None}
    assert set(by_page) == {("empty.txt", None), ("blank.html", None), ("w.warc", "http://ex.com/e")}
    empty = by_page[("empty.txt", None)]
    assert list(empty) == list(rows[0]) and empty["body"] == [] and empty["headline"] is None
    assert report.articles == sum(r["article"] is not None for r in rows)  # an empty row is no article
    text = tmp_path / "text"
    run_batch(root, text, options=BatchOptions(jobs=1, format="text"))
    assert (text / "empty.txt.txt").read_text() == ""
    assert next(r["url"] for r in _rows(text / "w.warc.jsonl")) == "http://ex.com/e"


# ------------------------------------------------------------------ a time budget a page


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_a_page_over_its_time_budget_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _misbehave_on_mark(monkeypatch, lambda: time.sleep(120))
    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p2.txt").write_text(page(2).replace("Residents", MARK))
    out = tmp_path / "out"
    before = signal.getsignal(signal.SIGALRM)
    report = run_batch(root, out, options=BatchOptions(jobs=1, page_timeout=0.5))
    assert failures(out) == {"p2.txt": "PageTimeoutError"}
    assert "0.5 s" in _rows(out / FAILURES_FILE)[0]["message"]
    assert report.pages == 5 and report.exit_code == 1
    assert signal.getsignal(signal.SIGALRM) == before  # the calling process is left as it was


def test_cli_page_timeout_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_corpus(tmp_path / "in", n=2, bad=False)
    assert main(["batch", str(root), str(tmp_path / "o1"), "-j", "1", "-q", "--page-timeout", "none"]) == 0
    assert main(["batch", str(root), str(tmp_path / "o2"), "-j", "1", "-q", "--page-timeout", "2.5"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(root), str(tmp_path / "o3"), "--page-timeout", "-1"])
    assert exc.value.code == 2
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    assert "--page-timeout" in capsys.readouterr().out
    assert BatchOptions().page_timeout == 30.0


def test_resume_keeps_reported_failures_unless_retry_failed(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(4):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p1.txt").write_bytes(b"\x00\x01binary")
    out = tmp_path / "out"
    first = run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2))
    assert failures(out) == {"p1.txt": "InputReadError"} and first.exit_code == 1
    (root / "p1.txt").write_text(page(1))  # mended
    again = run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2, resume=True))
    assert again.exit_code == 1 and failures(out) == {"p1.txt": "InputReadError"}
    assert "p1.txt" not in {r["path"] for r in jsonl_rows(out)}
    retried = run_batch(root, out, options=BatchOptions(jobs=1, batch_size=2, resume=True, retry_failed=True))
    assert retried.exit_code == 0 and retried.failures == 0 and retried.resumed_inputs == 2
    fresh = tmp_path / "fresh"
    run_batch(root, fresh, options=BatchOptions(jobs=1, batch_size=2))
    assert outputs(out) == outputs(fresh)
    with pytest.raises(ValueError, match="resume"):
        BatchOptions(retry_failed=True)


@pytest.mark.slow  # 5 s of budget for the busy page: the GIL it holds slows its neighbour too
def test_dask_threads_a_failing_and_a_slow_page_fail_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import LocalCluster

    def busy() -> None:  # pure Python: a thread that is not the main one is interrupted too
        end = time.monotonic() + 120
        while time.monotonic() < end:
            pass

    _misbehave_on_mark(monkeypatch, busy)
    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p1.txt").write_text(page(1).replace("Residents", MARK))
    (root / "bomb.html").write_text(_jsonld_bomb())
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as cluster:
        opts = BatchOptions(batch_size=3, scheduler=cluster.scheduler_address, page_timeout=5.0)
        report = run_batch(root, out, options=opts)
    got = failures(out)
    assert got.pop("p1.txt") == "PageTimeoutError"
    assert set(got) <= {"bomb.html"}  # the bomb fails alone, or is cleaned
    assert report.pages + report.failures == 7 and report.aborted is None


@pytest.mark.slow  # a worker process is stopped four times, a few seconds each
@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="the stuck model blocks SIGALRM")
def test_a_page_stuck_where_it_cannot_be_interrupted_has_its_worker_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    from stuck_model import TRIGGER, write_stuck_model

    model = write_stuck_model(tmp_path / "stuck.joblib")
    root = tmp_path / "in"
    root.mkdir()
    for i in range(8):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p3.txt").write_text(page(3).replace("Residents", TRIGGER))
    records = [("conversion", f"http://ex.com/{i}", page(10 + i)) for i in range(4)]
    records[1] = ("conversion", "http://ex.com/1", page(11).replace("Residents", TRIGGER))
    (root / "w.warc").write_bytes(warc_bytes(records, compress=False))
    out = tmp_path / "out"
    opts = BatchOptions(jobs=2, batch_size=3, page_timeout=1.0)
    report = run_batch(root, out, options=opts, model=model, trust_pickle=True)
    rows = _rows(out / FAILURES_FILE)
    assert [(r["path"], r["error"]) for r in rows] == [("p3.txt", "PageTimeoutError"), ("w.warc", "PageTimeoutError")]
    assert rows[1]["record"] is not None and "stopped" in rows[1]["message"]
    assert report.pages == 7 + 3 and report.worker_deaths >= 1 and report.aborted is None
    assert {r["url"] for r in jsonl_rows(out) if r["path"] == "w.warc"} == {f"http://ex.com/{i}" for i in (0, 2, 3)}
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no marker or temporary file left


# ------------------------------------------------------------------ guards on OUT


def test_a_run_beside_a_running_run_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entered, gate = threading.Event(), threading.Event()

    def hold() -> None:
        entered.set()
        gate.wait(60)

    _misbehave_on_mark(monkeypatch, hold)
    root = tmp_path / "in"
    root.mkdir()
    for i in range(3):
        (root / f"p{i}.txt").write_text(page(i))
    (root / "p1.txt").write_text(page(1).replace("Residents", MARK))
    out = tmp_path / "out"
    done: list[Any] = []
    first = threading.Thread(target=lambda: done.append(run_batch(root, out, options=BatchOptions(jobs=1))))
    first.start()
    try:
        assert entered.wait(60)
        host = socket.gethostname()
        with pytest.raises(BatchSetupError, match=rf"pid {os.getpid()} on {host}"):
            run_batch(root, out, options=BatchOptions(jobs=1, resume=True))
        with pytest.raises(BatchSetupError, match="in use"):
            run_batch(root, out, options=BatchOptions(jobs=1))
        assert main(["batch", str(root), str(out), "-j", "1", "-q", "--resume"]) == 2
        assert (out / MANIFEST_FILE).exists()  # the refused runs removed nothing
    finally:
        gate.set()
        first.join(60)
    assert done[0].exit_code == 0 and done[0].pages == 3
    assert not (out / LOCK_FILE).exists()


def test_a_stale_lock_and_leftover_temp_files_block_nothing(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=3, bad=False)
    stale = json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname(), "token": "dead"})
    # a run killed (-9) while it wrote its manifest's header leaves only these
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text(stale)
    (out / f".{MANIFEST_FILE}.4242-abcd1234.cleaner-tmp").write_text('{"cleaner_ba')
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    assert report.exit_code == 0 and not (out / LOCK_FILE).exists()
    assert not list(out.glob("*.cleaner-tmp"))
    # the same with --resume: there is no run to resume, so one starts
    out2 = tmp_path / "out2"
    out2.mkdir()
    (out2 / LOCK_FILE).write_text(stale)
    (out2 / f".{MANIFEST_FILE}.4242-abcd1234.cleaner-tmp").write_text('{"cleaner_ba')
    assert run_batch(root, out2, options=BatchOptions(jobs=1, resume=True)).exit_code == 0
    assert outputs(out) == outputs(out2)
    # and a killed run's lock beside its manifest: --resume takes it over
    (out / LOCK_FILE).write_text(stale)
    assert run_batch(root, out, options=BatchOptions(jobs=1, resume=True)).exit_code == 0


@pytest.mark.slow  # over a second (fitting, saving or several processes): the fast tier keeps under a minute
def test_two_runs_started_together_are_not_both_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_corpus(tmp_path / "in", n=3, bad=False)
    out = tmp_path / "out"
    # both runs reach the manifest's header together, unless one was refused before
    together = threading.Barrier(2, timeout=1.5)
    real_init = batch_files._AtomicFile.__init__

    def meet(self: Any, path: Path, *args: Any) -> None:
        if path.name == MANIFEST_FILE:
            try:
                together.wait()
            except threading.BrokenBarrierError:
                pass  # the other run was refused
        real_init(self, path, *args)

    monkeypatch.setattr(batch_files._AtomicFile, "__init__", meet)
    results: list[Any] = []

    def one_run() -> None:
        try:
            results.append(run_batch(root, out, options=BatchOptions(jobs=1)))
        except BatchSetupError as exc:
            results.append(exc)

    runs = [threading.Thread(target=one_run) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join(120)
    refused = [r for r in results if isinstance(r, BatchSetupError)]
    assert len(results) == 2 and len(refused) == 1, results
    assert "in use by another cleaner batch run" in str(refused[0])
    assert (out / MANIFEST_FILE).read_text().count('"cleaner_batch"') == 1


@pytest.mark.slow  # over 1.5 s: the fast tier stays under a minute in CI
def test_resume_with_another_model_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_corpus(tmp_path / "in", n=2, bad=False)
    model = tmp_path / "m.model.zip"
    shutil.copyfile(default_model_path(), model)
    out = tmp_path / "out"
    args = ["batch", str(root), str(out), "-j", "1", "-q", "--model", str(model)]
    assert main(args) == 0
    header = _rows(out / MANIFEST_FILE)[0]
    assert header["model_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    shipped = load_model()  # another (valid) model file at the same path
    save_model(shipped.estimator, model, {**shipped.manifest, "note": "another file"})
    capsys.readouterr()
    assert main([*args, "--resume"]) == 2
    err = capsys.readouterr().err
    assert "model" in err and "sha256" in err and "Traceback" not in err


def test_unknown_scheduler_scheme_fails_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import dask

    root = make_corpus(tmp_path / "in", n=1, bad=False)
    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):  # the old code waited for this
        code = main(["batch", str(root), str(tmp_path / "out"), "--scheduler", "bogus://x", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "bogus" in err and "tcp://" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unusable_output_directory_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path / "in", n=1, bad=False)
    (tmp_path / "file").write_text("x")
    assert main(["batch", str(root), str(tmp_path / "file"), "-q"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["batch", str(root), str(tmp_path / "file" / "sub"), "-q"]) == 2
    assert "not a directory" in capsys.readouterr().err
    real_mkdir = os.mkdir

    def no_write(path: Any, *args: Any, **kw: Any) -> None:
        if "ro" in Path(path).parts:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_mkdir(path, *args, **kw)

    monkeypatch.setattr(os, "mkdir", no_write)  # as root, chmod would not stop the test
    assert main(["batch", str(root), str(tmp_path / "ro" / "out"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Permission denied" in err and "Traceback" not in err


def test_disk_full_before_the_manifest_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_corpus(tmp_path / "in", n=2, bad=False)
    out = tmp_path / "out"
    real_write = batch_files._AtomicFile.write

    def full(self: Any, text: str) -> None:
        if self.path.name == MANIFEST_FILE:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, text)

    monkeypatch.setattr(batch_files._AtomicFile, "write", full)
    with pytest.raises(BatchSetupError, match="No space left on device"):
        run_batch(root, out, options=BatchOptions(jobs=1))
    monkeypatch.undo()
    assert not list(out.glob(".*")) if out.exists() else True  # no temporary file left behind
    assert run_batch(root, out, options=BatchOptions(jobs=1, resume=True)).exit_code == 0


def test_output_name_of_a_directory_is_a_failure_not_an_abort(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "x.txt.md").mkdir(parents=True)
    (root / "x.txt").write_text(page(1))
    (root / "x.txt.md" / "a.txt").write_text(page(2))
    (root / "y.txt").write_text(page(3))
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1, format="markdown"))
    assert report.aborted is None and report.exit_code == 1
    assert failures(out) == {"x.txt": "OutputClashError"}
    assert "x.txt.md" in _rows(out / FAILURES_FILE)[0]["message"]
    assert (out / "x.txt.md" / "a.txt.md").is_file() and (out / "y.txt.md").is_file()
    again = run_batch(root, out, options=BatchOptions(jobs=1, format="markdown", resume=True))
    assert again.aborted is None and again.exit_code == 1
    assert run_batch(root, tmp_path / "jsonl", options=BatchOptions(jobs=1)).exit_code == 0  # no clash there


def test_nul_in_a_warc_text_record_says_what_it_is(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    records = [("conversion", "http://ex.com/a", "Council\x00approves"), ("conversion", "http://ex.com/b", page(1))]
    (root / "w.wet.gz").write_bytes(warc_bytes(records))
    (root / "t.txt.gz").write_bytes(gzip.compress(b"Council\x00approves"))
    out = tmp_path / "out"
    run_batch(root, out, options=BatchOptions(jobs=1))
    messages = {r["path"]: r["message"] for r in _rows(out / FAILURES_FILE)}
    assert ".txt" not in messages["w.wet.gz"] and "WARC" in messages["w.wet.gz"]
    assert "NUL" in messages["w.wet.gz"] and ".txt" in messages["t.txt.gz"]


@pytest.mark.slow  # about 20 s: a full run, and a killed one
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds worker processes through /proc")
def test_workers_stop_when_their_parent_is_killed(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "in", n=240)
    out = tmp_path / "out"
    proc = _cli(str(root), str(out), "-j", "2", "--batch-size", "4", "--max-chars", "20000", "-q")
    try:
        _wait_for_tasks(out / MANIFEST_FILE, 3, proc)
        orphans = _children(proc.pid)
        assert orphans
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    deadline = time.monotonic() + 10
    alive = orphans
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in orphans if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
    try:
        assert not alive, "the killed run's workers live on"
    finally:
        for pid in alive:
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_worker_refuses_a_model_file_changed_during_the_run(tmp_path: Path) -> None:
    model = tmp_path / "m.model.zip"
    shutil.copyfile(default_model_path(), model)
    with pytest.raises(BatchSetupError, match="changed during the run"):
        batch.cached_cleaner(model, sha256="0" * 64)
    digest = hashlib.sha256(model.read_bytes()).hexdigest()
    assert batch.cached_cleaner(model, sha256=digest) is batch.cached_cleaner(model, sha256=digest)


def test_a_worker_of_a_run_that_lost_out_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(page(1))
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_FILE).write_text(json.dumps({"pid": 1, "host": "elsewhere", "token": "another-run"}))
    task = batch.Task(0, (batch.InputFile("a.txt", batch.InputKind.TEXT),))
    # a worker elsewhere (not the process that runs the batch), of the run with token "ours"
    job = batch_tasks._Job(str(root), str(out), "markdown", None, CleanerConfig(), parent=(0, "?"), token="ours")
    with pytest.raises(BatchSetupError, match="no longer holds"):
        batch.run_task(task, job)
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]  # no output, no temporary file
    (out / LOCK_FILE).write_text(json.dumps({"pid": 1, "host": "elsewhere", "token": "ours"}))
    assert batch.run_task(task, job).pages == 1 and (out / "a.txt.md").is_file()


def test_an_unexpected_error_is_an_aborted_run_in_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(result: Any, main_only: bool) -> int:
        raise KeyError("a bug outside any page's handling")

    monkeypatch.setattr(batch_tasks, "_count", broken)
    root = make_corpus(tmp_path / "in", n=2, bad=False)
    out = tmp_path / "out"
    report = run_batch(root, out, options=BatchOptions(jobs=1))
    assert report.exit_code == 1 and "KeyError" in str(report.aborted)
    saved = json.loads((out / REPORT_FILE).read_text())
    assert saved["exit_code"] == 1 and "KeyError" in saved["aborted"]


def test_cli_retry_failed_needs_resume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_corpus(tmp_path / "in", n=1, bad=False)
    assert main(["batch", str(root), str(tmp_path / "out"), "-q", "--retry-failed"]) == 2
    assert "--retry-failed needs --resume" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
