"""A time budget for each page a batch worker reads and cleans, and a watch on its parent.

:class:`PageClock` runs one watchdog thread in a worker process. Work on a page (or a
group of pages cleaned together) runs inside :meth:`PageClock.page`; when it outlasts
its budget the watchdog interrupts it in two steps:

1. **Interrupt.** :class:`PageOverrun` is raised in the thread doing the work: by a
   ``SIGALRM`` when that thread is the main one (the signal also stops a regular
   expression stuck in the ``re`` module, which checks for signals), otherwise by
   ``PyThreadState_SetAsyncExc`` (Dask worker threads; it takes effect at the next
   Python instruction). The worker reports the page as a
   :class:`cleaner.errors.PageTimeoutError` and goes on.
2. **Stop.** Code that holds on inside C (a libxml2 parse) sees neither. When the work
   is still running :func:`hard_grace` seconds after its budget, the watchdog notes the
   pages in a marker file (:func:`note_stuck`) and ends the process with
   ``os._exit``: only a process's end stops such code. The batch parent runs the task
   again (a new pool process, or the Dask scheduler's retry), and the rerun reads the
   marker: a group is cleaned page by page, a page noted alone is skipped and reported.
   Never in the process that started the run (``jobs=1``, a Dask cluster of threads
   in it): there the watchdog can only log that the page holds on.

The watchdog also ends a worker whose parent died (``kill -9`` of ``cleaner batch``):
it checks ``os.getppid()`` ten times a second, so no orphan keeps writing into the
output directory for long.

:class:`PageOverrun` derives from ``BaseException`` so that no ``except Exception``
in the library swallows it on its way out.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

__all__ = ["PageClock", "PageKey", "PageOverrun", "hard_grace", "note_stuck", "read_stuck"]

log = logging.getLogger(__name__)

PageKey = tuple[str, int]
"""A page of a task: the input's path and the record's position in it (0 for a plain file)."""

# The watchdog's tick: how late an interrupt or a stop may come, and how long an
# orphaned worker may live on. 0.1 s costs nothing measurable (ten wake-ups a second).
_TICK = 0.1
# The exit status of a worker stopped by the watchdog (EX_SOFTWARE) or orphaned.
EXIT_STUCK = 70
EXIT_ORPHANED = 71


def hard_grace(budget: float) -> float:
    """Seconds a page may run past its budget before its process is stopped.

    Interrupted Python code unwinds in milliseconds; half the budget, and at least
    2 s, leaves room for a loaded machine, and no more than that is lost to a page
    stuck in C code.
    """
    return max(2.0, budget / 2)


class PageOverrun(BaseException):
    """Raised in the thread whose page ran past its budget (a ``BaseException``)."""


@dataclass(slots=True)
class _Running:
    keys: tuple[PageKey, ...]
    start: float
    budget: float
    marker: Path | None  # where to note the pages before stopping the process; None: never stop it
    requested: bool = False  # the interrupt was sent
    delivered: bool = False  # the SIGALRM handler raised it
    warned: bool = False  # told the log that a page holds on where it cannot be stopped


def note_stuck(marker: Path, keys: Sequence[PageKey], seconds: float) -> None:
    """Append the pages that held a process past its budget to ``marker`` (one JSON line)."""
    line = json.dumps({"keys": [list(k) for k in keys], "seconds": round(seconds, 1)})
    # surrogate escapes (names that are not UTF-8) stay escaped: json.dumps is ASCII here
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (line + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_stuck(marker: Path) -> tuple[frozenset[PageKey], frozenset[PageKey]]:
    """The pages noted in ``marker``: ``(skip, alone)``.

    ``skip``: pages noted alone, which stopped a process by themselves: not tried again.
    ``alone``: pages noted in a group: cleaned one by one, so that the next stop names one.
    """
    skip: set[PageKey] = set()
    alone: set[PageKey] = set()
    try:
        data = marker.read_bytes()
    except FileNotFoundError:
        return frozenset(), frozenset()
    for line in data.decode("ascii", errors="replace").splitlines():
        try:
            keys = [(str(k[0]), int(k[1])) for k in json.loads(line)["keys"]]
        except (ValueError, KeyError, TypeError, IndexError):
            continue  # a line torn by a second stop
        (skip if len(keys) == 1 else alone).update(keys)
    return frozenset(skip), frozenset(alone - skip)


class PageClock:
    """The watchdog of one process; see the module docstring. Get it with :meth:`get`."""

    _instance: PageClock | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, _Running] = {}
        self._parent: int | None = None
        self._thread: threading.Thread | None = None
        self._owner_pid = os.getpid()

    @classmethod
    def get(cls) -> PageClock:
        """The process's clock (threads share it)."""
        with cls._instance_lock:
            if cls._instance is None or cls._instance._owner_pid != os.getpid():  # a forked child starts afresh
                cls._instance = cls()
            return cls._instance

    def watch_parent(self, pid: int) -> None:
        """End this process (``os._exit``) once its parent ``pid`` is gone."""
        if os.getppid() != pid:
            os._exit(EXIT_ORPHANED)
        self._parent = pid
        self._start()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="cleaner-page-clock", daemon=True)
                self._thread.start()

    @contextmanager
    def alarm_handler(self) -> Iterator[None]:
        """Install the ``SIGALRM`` handler that delivers interrupts to the main thread
        while the block runs (from the main thread only; elsewhere it does nothing)."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_kill"):
            yield
            return
        previous = signal.signal(signal.SIGALRM, self._on_alarm)
        try:
            yield
        finally:
            signal.signal(signal.SIGALRM, previous)

    @contextmanager
    def page(self, keys: Sequence[PageKey], budget: float | None, marker: Path | None) -> Iterator[None]:
        """Run the block with a budget of ``budget`` seconds (None: no budget).

        Raises :class:`PageOverrun` out of the block when the budget runs out. With a
        ``marker``, a block still running :func:`hard_grace` seconds later has its keys
        noted there, and the process ends.
        """
        if budget is None:
            yield
            return
        ident = threading.get_ident()
        running = _Running(tuple(keys), time.monotonic(), budget, marker)
        self._start()
        with self._lock:
            self._running[ident] = running
        try:
            yield
        finally:
            for _ in range(3):  # an interrupt raised inside _disarm: the work is done all the same
                try:
                    self._disarm(ident, running)
                    break
                except PageOverrun:
                    continue

    def _disarm(self, ident: int, running: _Running) -> None:
        with self._lock:
            if self._running.get(ident) is running:
                del self._running[ident]
            if running.requested and not running.delivered and ident != threading.main_thread().ident:
                # an asynchronous exception sent but not yet raised: take it back
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        running = self._running.get(threading.get_ident())
        if running is not None and running.requested and not running.delivered:
            running.delivered = True
            raise PageOverrun

    def _interrupt(self, ident: int, running: _Running) -> None:
        running.requested = True
        main = threading.main_thread().ident
        if ident == main:
            if hasattr(signal, "pthread_kill") and signal.getsignal(signal.SIGALRM) == self._on_alarm:
                signal.pthread_kill(ident, signal.SIGALRM)
        else:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(PageOverrun))

    def _watch(self) -> None:
        idle = 0
        while True:
            time.sleep(_TICK)
            if self._parent is not None and os.getppid() != self._parent:
                os._exit(EXIT_ORPHANED)  # the run is gone: write nothing more into its output
            now = time.monotonic()
            with self._lock:
                idle = idle + 1 if self._parent is None and not self._running else 0
                if idle > 10:  # nothing to watch for a second: end, until the next page
                    self._thread = None
                    return
                for ident, running in list(self._running.items()):
                    over = now - running.start - running.budget
                    if over < 0:
                        continue
                    if not running.requested:
                        self._interrupt(ident, running)
                    elif over >= hard_grace(running.budget):
                        self._stop(running, now - running.start)

    def _stop(self, running: _Running, seconds: float) -> None:
        if running.marker is None:
            if not running.warned:
                running.warned = True
                log.warning(
                    "a page (%s) has run %.0f s, past its budget of %g s, where it cannot be interrupted; "
                    "it runs in the process that started the run (jobs=1), which cannot be stopped for it",
                    ", ".join(f"{p}#{n}" for p, n in running.keys[:3]),
                    seconds,
                    running.budget,
                )
            return
        try:
            note_stuck(running.marker, running.keys, seconds)
        except OSError as exc:  # the task will then stop here again: say why
            log.error("cannot note the stuck page in %s: %s", running.marker, exc)
        os._exit(EXIT_STUCK)
