"""A time budget per page: a page that takes longer than its budget raises
:class:`cleaner.errors.PageTimeoutError` instead of holding a worker.

Set it with ``CleanerConfig(page_timeout=SECONDS)``. The budget is cooperative: the
stages of cleaning call :func:`check` between their steps and every few thousand
items of their long loops (lines, elements, units), and :func:`check` raises once the
page's time is spent. It works the same in threads and in worker processes: the
running budget is held in a context variable, which every thread has its own of. A
step that cannot be interrupted (libxml2's parse, the classifier's prediction over
arrays) runs to its end before the next check; every such step takes time linear in
the page's size, within the limits of :class:`cleaner.CleanerConfig`
(``docs/security.md``), so a page overruns its budget by at most one such step.

``cleaner batch --page-timeout`` does not rely on these checks: its watchdog
(:mod:`cleaner.batch.watchdog`) interrupts a page from outside and stops a worker process
held inside C code.

>>> import time
>>> clock = PageBudget(limit=0.05)
>>> with running(clock):
...     time.sleep(0.1)
...     check("sleeping")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cleaner.errors.PageTimeoutError: the page took more than page_timeout=0.05 s (while sleeping) ...
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import PageTimeoutError

__all__ = ["PageBudget", "check", "running"]

# The clock the budget is measured with (a module attribute, so that tests can replace it).
_clock = time.monotonic


@dataclass(slots=True)
class PageBudget:
    """The time one page may take and has taken, in seconds.

    Attributes:
        limit: the page's budget (``CleanerConfig.page_timeout``).
        spent: the time counted against it so far: the blocks run under
            :func:`running` and the shares of work done for several pages at once
            (:meth:`charge`).
    """

    limit: float
    spent: float = 0.0

    def charge(self, seconds: float, where: str) -> None:
        """Count ``seconds`` of shared work against the page, and check the budget."""
        self.spent += seconds
        if self.spent > self.limit:
            raise _timeout(self, where)


_ACTIVE: ContextVar[tuple[PageBudget, float] | None] = ContextVar("cleaner_page_budget", default=None)


@contextmanager
def running(clock: PageBudget | None) -> Iterator[None]:
    """Count the time spent in the block against ``clock``, and let :func:`check`
    inside it raise once the page's time is spent. ``None``: no budget.

    Blocks for one clock must not nest (their time would be counted twice).
    """
    if clock is None:
        yield
        return
    start = _clock()
    token = _ACTIVE.set((clock, start))
    try:
        yield
    finally:
        clock.spent += _clock() - start
        _ACTIVE.reset(token)


def check(where: str) -> None:
    """Raise :class:`cleaner.errors.PageTimeoutError` if the running page's budget is
    spent; do nothing outside :func:`running` or without a budget. ``where``: the
    stage, for the message."""
    active = _ACTIVE.get()
    if active is None:
        return
    clock, start = active
    if clock.spent + (_clock() - start) > clock.limit:
        raise _timeout(clock, where)


def _timeout(clock: PageBudget, where: str) -> PageTimeoutError:
    return PageTimeoutError(
        f"the page took more than page_timeout={clock.limit:g} s (while {where}) and was given up; "
        "a normal page takes a few milliseconds, so such a page is nearly always broken or hostile "
        "input (docs/security.md). Give it more time with CleanerConfig(page_timeout=...), or None for no limit"
    )
