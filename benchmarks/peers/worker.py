"""Run one tool over all pages in its own process: outputs, per-page time, peak memory.

    python worker.py TOOL MODE PAGES.jsonl OUT.jsonl [--timeout SECONDS]

Reads pages one a line (``{"id", "input", "url", "lang", "lang_hint"}``), writes one
output a line (``{"id", "seconds", "error", ...the tool's output}``) and, last, a
summary line ``{"summary": {...}}`` with the tool's peak resident memory
(``VmHWM``; the process holds one page at a time, so this is the tool's own
footprint plus the interpreter), the time to import and warm up the tool, and the
sum of per-page extraction times. A page that takes longer than the timeout is
interrupted (SIGALRM) and counted as a timeout; an exception is counted as an error.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tools


class PageTimeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise PageTimeout


def _peak_rss_kb() -> int:
    """Peak resident memory of this process: ``VmHWM`` of /proc/self/status (reset by
    exec, unlike ``ru_maxrss``, which a child inherits from the process that forked it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=sorted(tools.ADAPTERS))
    ap.add_argument("mode", choices=("text", "html"))
    ap.add_argument("pages", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    adapter = tools.ADAPTERS[args.tool]
    wrap = args.mode == "text" and args.tool in tools.WRAP_IN_TEXT_MODE
    signal.signal(signal.SIGALRM, _alarm)
    t0 = time.perf_counter()
    # Warm up: import the library and build models on a tiny page, outside the timing.
    try:
        adapter({"id": "warmup", "input": "<html><body><p>Warm up text here.</p></body></html>", "url": None})
    except Exception:
        pass
    warmup = time.perf_counter() - t0
    n = errors = timeouts = 0
    total = 0.0
    with args.pages.open(encoding="utf-8") as fh, args.out.open("w", encoding="utf-8") as out:
        for line in fh:
            page = json.loads(line)
            if wrap:
                page["input"] = tools.lines_as_html(page["input"])
            rec: dict[str, Any] = {"id": page["id"], "error": None}
            start = time.perf_counter()
            try:
                signal.setitimer(signal.ITIMER_REAL, args.timeout)
                try:
                    rec.update(adapter(page))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except PageTimeout:
                rec["error"] = "timeout"
                timeouts += 1
            except Exception as exc:
                rec["error"] = f"{type(exc).__name__}: {exc}"[:300]
                rec["traceback"] = traceback.format_exc(limit=3)[-600:]
                errors += 1
            rec["seconds"] = time.perf_counter() - start
            total += rec["seconds"]
            n += 1
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            del page
        peak_kb = _peak_rss_kb()
        summary = {
            "tool": args.tool,
            "mode": args.mode,
            "pages": n,
            "errors": errors,
            "timeouts": timeouts,
            "extract_seconds": total,
            "warmup_seconds": warmup,
            "peak_rss_mb": peak_kb / 1024,
            "python": sys.version.split()[0],
        }
        out.write(json.dumps({"summary": summary}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
