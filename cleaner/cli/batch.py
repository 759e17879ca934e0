"""``cleaner batch IN OUT``: clean a corpus directory (see :mod:`cleaner.batch`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..batch import DEFAULT_PAGE_TIMEOUT, OUTPUT_FORMATS, BatchOptions, run_batch
from ..config import CleanerConfig
from . import add_model_arguments

__all__ = ["add_parser"]

_EPILOG = """\
inputs: .txt, .html, .htm (also .gz-compressed), .warc, .warc.gz, .wet, .wet.gz
outputs: jsonl writes OUT/part-NNNNN.jsonl, one article a line; text, markdown and json
  mirror the input tree, appending .txt, .md or .json to each input's name.
  OUT/_report.json holds the counts, OUT/_failures.jsonl every input that failed,
  OUT/_skipped.jsonl every WARC record not read as a page (with the reason).
bad pages: whatever one page raises, or a page over --page-timeout, is reported in
  _failures.jsonl and the run goes on; --resume does not retry reported failures
  unless --retry-failed is given.
exit codes: 0 all inputs cleaned; 1 some inputs failed or the run stopped early
  (rerun with --resume); 2 usage error (bad arguments, OUT unusable, holds another
  run or is in use by a running one, --resume with other options or model file).
"""


def _run(args: argparse.Namespace) -> int:
    if args.retry_failed and not args.resume:
        print(
            "cleaner batch: error: --retry-failed needs --resume (it retries the failures of the run in OUT)",
            file=sys.stderr,
        )
        return 2
    config = CleanerConfig(
        html_mode=args.html_mode,
        max_chars=args.max_chars,
        html_metadata=not args.no_metadata,
        markdown=not args.no_markdown,
    )
    options = BatchOptions(
        format=args.format,
        main_only=args.main_only,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
        jobs=args.jobs,
        batch_size=args.batch_size,
        scheduler=args.scheduler,
        resume=args.resume,
        retry_failed=args.retry_failed,
        page_timeout=args.page_timeout,
        progress=False if args.quiet else None,
    )
    report = run_batch(
        args.input, args.output, options=options, model=args.model, config=config, trust_pickle=args.trust_pickle
    )
    if not args.quiet or report.exit_code:
        print(f"cleaner batch: {report}", file=sys.stderr)
    return report.exit_code


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _seconds(text: str) -> float | None:
    if text.lower() in ("none", "0"):
        return None
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds or 'none': {text!r}") from None
    if not 0 < n < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds (or 'none' for no limit), not {text}")
    return n


def _max_chars(text: str) -> int | None:
    if text.lower() == "none":
        return None
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number or 'none': {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {n}")
    return n


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "batch",
        help="clean every page in a directory tree",
        description="Clean every page under IN (text, HTML, gzip, WARC, WET) and write the articles to OUT.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", metavar="IN", help="corpus directory, walked recursively")
    p.add_argument("output", metavar="OUT", help="output directory (empty or missing, unless --resume)")
    p.add_argument("-f", "--format", choices=OUTPUT_FORMATS, default="jsonl", help="output format (default: jsonl)")
    p.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="GLOB",
        help="clean only inputs matching GLOB (repeatable; a GLOB without / matches file names)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip inputs matching GLOB (repeatable)",
    )
    p.add_argument("-j", "--jobs", type=_positive, default=None, help="worker processes (default: all cores)")
    p.add_argument("--batch-size", type=_positive, default=128, metavar="N", help="inputs per task (default: 128)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on a Dask cluster (tcp://host:8786); IN and OUT must be shared with its workers",
    )
    p.add_argument(
        "--main-only",
        action="store_true",
        help="write each page's main article only (the one with the most body words)",
    )
    p.add_argument("--resume", action="store_true", help="continue the run recorded in OUT, skipping done inputs")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="with --resume: clean again the inputs of tasks that reported failures (default: failures are final)",
    )
    p.add_argument(
        "--page-timeout",
        type=_seconds,
        default=DEFAULT_PAGE_TIMEOUT,
        metavar="SECONDS",
        help="time budget of each page (read, render, clean); a page over it is reported and skipped, and one "
        "stuck in C code has its worker process stopped; 'none' for no limit (default: %(default)g)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary unless inputs fail")
    add_model_arguments(p)
    p.add_argument("--html-mode", default="browser", choices=("browser", "collapsed"), help="how HTML is rendered")
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="HTML: ignore the title, authors and date pages declare (JSON-LD, Open Graph, <meta>, <title>)",
    )
    p.add_argument(
        "--no-markdown",
        action="store_true",
        help="text: read Markdown (# Title, [link](url)) as plain text, its syntax and link targets kept",
    )
    p.add_argument(
        "--max-chars",
        type=_max_chars,
        default=CleanerConfig().max_chars,
        metavar="N",
        help="reject pages longer than N characters (HTML: N bytes); 'none' for no limit (default: %(default)s)",
    )
    p.set_defaults(func=_run)
