"""Benchmark ``cleaner batch``: pages per second and peak memory for 1 and 2 jobs.

Usage::

    python benchmarks/batch_bench.py ../shared/datasets [--pages 20000] [--distinct 600] [--jobs 1 2]

Renders up to ``--distinct`` dataset pages to text with
:func:`cleaner.html_text.html_to_text` (taken in turn from every ``*.jsonl.gz`` file),
writes a corpus of ``--pages`` ``.txt`` files to a temporary directory by repeating
them (1,000 files a directory), then runs ``python -m cleaner batch`` on it once per
``--jobs`` value, into JSON Lines. While a run goes, the peak resident memory of every
process of the run is read from ``/proc/PID/status`` (``VmHWM``), so it needs Linux.

Target (issue 5): at least 1,000 pages per second per core, close to linear scaling
from 1 to 2 jobs, under 300 MB resident per worker. With ``--jobs 1`` the run cleans
in its own process, which is then the worker.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.html_text import html_to_text  # noqa: E402 - after the path set-up


def rendered_pages(datasets: Path, distinct: int) -> list[str]:
    """Up to ``distinct`` rendered pages, round-robin over the dataset files."""
    files = sorted(datasets.glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"no *.jsonl.gz dataset files in {datasets}")
    streams: list[Iterator[str]] = [gzip.open(f, "rt", encoding="utf-8") for f in files]
    pages: list[str] = []
    while streams and len(pages) < distinct:
        for s in list(streams):
            line = next(s, None)
            if line is None:
                streams.remove(s)
                continue
            try:
                text = html_to_text(json.loads(line)["html"])
            except Exception:  # a page the renderer rejects is simply not used
                continue
            if text.strip():
                pages.append(text)
            if len(pages) >= distinct:
                break
    return pages


def write_corpus(root: Path, pages: list[str], n: int) -> int:
    total = 0
    for i in range(n):
        d = root / f"d{i // 1000:03d}"
        if i % 1000 == 0:
            d.mkdir(parents=True)
        text = pages[i % len(pages)]
        (d / f"p{i:06d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def _tree(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry.name))
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        out.add(p)
        todo.extend(kids.get(p, []))
    return out


def _hwm_kb(pid: int) -> tuple[int, str] | None:
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
        cmd = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]), cmd
    return None


def run(corpus: Path, jobs: int, batch_size: int) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    cmd = [sys.executable, "-m", "cleaner", "batch", str(corpus), str(out / "o"), "-j", str(jobs), "-q"]
    cmd += ["--batch-size", str(batch_size)]
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, env=env)
    peaks: dict[int, tuple[int, str]] = {}
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            got = _hwm_kb(pid)
            if got is not None and got[0] > peaks.get(pid, (0, ""))[0]:
                peaks[pid] = got
        time.sleep(0.2)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the run and of the workers it waited for: a figure that a busy
    # machine distorts less than wall time.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads((out / "o" / "_report.json").read_text())
    shutil.rmtree(out)
    workers = [kb for pid, (kb, c) in peaks.items() if "loky" in c and "tracker" not in c]
    if jobs == 1:
        workers = [peaks.get(proc.pid, (0, ""))[0]]
    return {
        "jobs": jobs,
        "exit": proc.returncode,
        "pages": report["pages"],
        "failures": report["failures"],
        "run_seconds": report["elapsed"],
        "wall_seconds": wall,
        "pages_per_second": report["pages"] / report["elapsed"],
        "pages_per_cpu_second": report["pages"] / cpu if cpu > 0 else 0.0,
        "parent_mb": peaks.get(proc.pid, (0, ""))[0] / 1024,
        "worker_mb": max(workers, default=0) / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, help="directory of *.jsonl.gz page datasets")
    ap.add_argument("--pages", type=int, default=20_000, help="corpus size (default 20,000)")
    ap.add_argument("--distinct", type=int, default=600, help="distinct pages to repeat (default 600)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="job counts to run (default 1 2)")
    ap.add_argument("--batch-size", type=int, default=128, help="inputs per task (default 128)")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    pages = rendered_pages(args.datasets, args.distinct)
    print(f"rendered {len(pages)} distinct pages in {time.perf_counter() - t:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        chars = write_corpus(Path(tmp), pages, args.pages)
        print(f"corpus: {args.pages:,} pages, {chars / args.pages:,.0f} chars a page on average", flush=True)
        base = None
        for jobs in args.jobs:
            r = run(Path(tmp), jobs, args.batch_size)
            base = base or r["pages_per_second"] / r["jobs"]
            scaling = r["pages_per_second"] / base / r["jobs"]
            print(
                f"jobs={jobs}: {r['pages']:,} pages in {r['run_seconds']:.1f} s "
                f"(wall {r['wall_seconds']:.1f} s): {r['pages_per_second']:,.0f} pages/s, "
                f"{r['pages_per_second'] / jobs:,.0f} pages/s per job ({scaling:.0%} of linear), "
                f"{r['pages_per_cpu_second']:,.0f} pages per CPU-second; "
                f"peak RSS: worker {r['worker_mb']:,.0f} MB, parent {r['parent_mb']:,.0f} MB; "
                f"failures {r['failures']}, exit {r['exit']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
