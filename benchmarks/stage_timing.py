"""Timing cleaning stage by stage: what ``benchmarks/stages.py`` (text) and
``benchmarks/html_stages.py`` (HTML) share.

A benchmark times its stages over its pages in rounds, each round a
:class:`StageTimes` (the seconds of each stage summed over the pages), and prints
the best round of each stage with :func:`print_best` (milliseconds a page, the
stage's share, pages a second of the stages together). :func:`add_timing_arguments`
gives both the same ``--repeat``, ``--profile`` and ``--cpu`` options: ``--cpu`` times
in the CPU time of the process (``time.process_time``), which other processes on a
busy machine disturb less than the wall time (``time.perf_counter``), and
``--profile`` prints a cProfile of the benchmark's whole cleaning instead
(:func:`print_profile`).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable, Sequence

__all__ = ["StageTimes", "add_timing_arguments", "clock", "print_best", "print_profile"]


class StageTimes:
    """The seconds of each stage, summed over the pages of one round, in the order the
    stages were first timed."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, stage: str, seconds: float) -> None:
        """Count ``seconds`` more for ``stage``."""
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


def add_timing_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every stage benchmark takes: ``--repeat``, ``--profile``, ``--cpu``."""
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each stage's best counts (default 3)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the cleaning instead")
    parser.add_argument("--cpu", action="store_true", help="time the stages in CPU time of the process, not wall time")


def clock(cpu: bool) -> Callable[[], float]:
    """The clock to time with: the process's CPU time, or the wall time."""
    return time.process_time if cpu else time.perf_counter


def print_profile(run: Callable[[], object], lines: int) -> None:
    """Run ``run`` under cProfile and print its ``lines`` functions of most own time."""
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(lines)


def print_best(rounds: Sequence[StageTimes], pages: int, heading: str, *, decimals: int = 2) -> None:
    """Print ``heading``, then each stage's best round in milliseconds a page (with
    ``decimals`` decimals) and its share of the stages' total, then the total and the
    pages a second it makes."""
    stages = rounds[0].seconds
    best = {k: min(r.seconds[k] for r in rounds) for k in stages}
    total = sum(best.values())
    width = max(len(k) for k in [*best, "total"])
    print(heading)
    for k, v in best.items():
        print(f"  {k:<{width}} {v / pages * 1000:7.{decimals}f}  {v / total:5.1%}")
    print(f"  {'total':<{width}} {total / pages * 1000:7.{decimals}f}  ({pages / total:.1f} pages/s)")
