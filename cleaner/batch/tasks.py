"""Tasks: consecutive inputs numbered in discovery order (:func:`_tasks`), and what a
worker does with one (:func:`run_task`): read its pages, clean them in small groups, and
write its output atomically. A page's failure is its own."""

from __future__ import annotations

import functools
import os
import socket
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import cached_cleaner
from ..config import CleanerConfig
from ..document import Article, CleanResult
from ..errors import BatchSetupError
from ..output import render
from .discover import _MIRROR_SUFFIX, InputKind, Task
from .files import _AtomicFile, _json_line, _stuck_marker
from .lock import lock_token
from .options import DEFAULT_PAGE_TIMEOUT
from .read import _Budget, _Page, _pages
from .report import Failure, Skipped, TaskResult, _timeout_failure
from .watchdog import PageClock, PageOverrun, read_stuck

if TYPE_CHECKING:
    from ..api import Cleaner


# Pages are cleaned in groups of at most this many pages or characters, whichever
# comes first: large enough for Cleaner.clean_many to pay off (about 10% faster than
# page by page on the bootstrap model), small enough to bound a worker's memory.
_CLEAN_BATCH_PAGES = 64


_CLEAN_BATCH_CHARS = 2_000_000


@dataclass(frozen=True, slots=True)
class _Job:
    """What every task of a run shares; sent to the workers with each task."""

    in_dir: str
    out_dir: str
    format: str
    model: str | None
    config: CleanerConfig
    main_only: bool = False
    page_timeout: float | None = DEFAULT_PAGE_TIMEOUT
    model_sha256: str | None = None
    parent: tuple[int, str] = (0, "")  # the pid and host of the process that runs the batch
    token: str | None = None  # the run's token in OUT's lock (cleaner.batch.lock)
    watch_parent: bool = False  # workers are that process's children: end them when it dies
    trust_pickle: bool = False  # load a pickle model file (cleaner.model.load_model)

    def in_parent(self) -> bool:
        return os.getpid() == self.parent[0] and socket.gethostname() == self.parent[1]


def _check_lock(job: _Job) -> None:
    """Raise unless the run that sent this task still holds the output directory."""
    if job.token is not None and lock_token(Path(job.out_dir)) != job.token:
        raise BatchSetupError(
            f"the run that started this task no longer holds {job.out_dir} (it ended, or another run "
            "took the directory over): its output is not written"
        )


def _clean_group(cleaner: Cleaner, pages: Sequence[_Page], budget: _Budget) -> list[CleanResult | Failure]:
    """Clean pages together, or one by one when that fails, runs over budget, or a
    page stopped a process in an earlier attempt; a page's failure is its own."""
    if len(pages) > 1 and not any(p.key in budget.alone for p in pages):
        lefts = [budget.left(p) for p in pages]
        seconds = None if budget.seconds is None else min(x for x in lefts if x is not None)
        try:
            with budget.clock.page([p.key for p in pages], seconds, budget.marker):
                texts, metas = [p.text for p in pages], [p.meta for p in pages]
                renderings = [p.rendering for p in pages]
                return list(cleaner.clean_many(texts, batch_size=len(pages), meta=metas, renderings=renderings))
        except PageOverrun:
            pass  # a slow page among them: find it, page by page
        except Exception:
            pass  # find the page that fails, and clean the others
    out: list[CleanResult | Failure] = []
    for p in pages:
        try:
            with budget.clock.page([p.key], budget.left(p), budget.marker):
                out.append(cleaner.clean(p.text, meta=p.meta, rendering=p.rendering))
        except PageOverrun:
            out.append(_timeout_failure(p.path, p.record, budget.seconds))
        except Exception as exc:  # one bad page must never stop the run
            out.append(Failure.of(p.path, p.record, exc))
    return out


def _cleaned(
    pages: Iterable[_Page | Failure | Skipped],
    cleaner: Cleaner,
    failures: list[Failure],
    skipped: list[Skipped],
    budget: _Budget,
) -> Iterator[tuple[_Page, CleanResult]]:
    """Clean pages in small groups; failures and skipped records go to their lists, in input order."""
    group: list[_Page] = []
    chars = 0

    def flush() -> Iterator[tuple[_Page, CleanResult]]:
        for page, result in zip(group, _clean_group(cleaner, group, budget) if group else [], strict=True):
            if isinstance(result, Failure):
                failures.append(result)
            else:
                yield page, result

    for page in pages:
        if isinstance(page, Failure | Skipped):
            yield from flush()
            group, chars = [], 0
            (failures if isinstance(page, Failure) else skipped).append(page)  # type: ignore[arg-type]
            continue
        group.append(page)
        chars += len(page.text)
        if len(group) >= _CLEAN_BATCH_PAGES or chars >= _CLEAN_BATCH_CHARS:
            yield from flush()
            group, chars = [], 0
    yield from flush()


# The fields of a page's row when it holds no article: "article" null, no text.
_NO_ARTICLE = Article(None, [], [], None, None, None, [], []).to_dict()


def _article_lines(page: _Page, result: CleanResult, main_only: bool = False) -> str:
    articles = list(enumerate(result.articles))
    if main_only:  # the main article keeps its index on the page
        articles = [(i, a) for i, a in articles if i == result.main_index]
    rows: Iterable[tuple[int | None, dict[str, Any]]] = [(i, a.to_dict()) for i, a in articles]
    if not articles:  # a row all the same, so that the page is seen to be done
        rows = [(None, _NO_ARTICLE)]
    return "".join(
        _json_line({"path": page.path, "record": page.record, "url": page.url, "article": i, **fields})
        for i, fields in rows
    )


def _count(result: CleanResult, main_only: bool) -> int:
    return min(len(result.articles), 1) if main_only else len(result.articles)


def run_task(task: Task, job: _Job) -> TaskResult:
    """Clean one task's inputs and write its output atomically (runs in a worker).

    Whatever reading, cleaning or rendering one page raises, and a page over its time
    budget, is that page's failure; only a failing output (a full disk) or a changed
    model file stops the task.
    """
    start = time.perf_counter()
    clock = PageClock.get()
    here = job.in_parent()
    if job.watch_parent and not here:
        clock.watch_parent(job.parent[0])
    marker = _stuck_marker(job.out_dir, task.index)
    skip, alone = read_stuck(marker)
    # the process that runs the batch is never stopped for a page: no marker for it
    budget = _Budget(clock, job.page_timeout, None if here else marker, skip, alone)
    guard = None if here else functools.partial(_check_lock, job)
    root, out = Path(job.in_dir), Path(job.out_dir)
    failures: list[Failure] = []
    skipped: list[Skipped] = []
    pages = articles = 0
    with clock.alarm_handler():
        cleaner = cached_cleaner(job.model, job.config, sha256=job.model_sha256, trust_pickle=job.trust_pickle)
        cleaned = _cleaned(_pages(root, task, job.config, budget), cleaner, failures, skipped, budget)
        # A WARC task has one input, written as JSON Lines; other inputs are one page.
        warc = task.inputs[0].kind is InputKind.WARC
        if job.format == "jsonl" or warc:
            name = f"part-{task.index:05d}.jsonl" if job.format == "jsonl" else task.inputs[0].path + ".jsonl"
            with _AtomicFile(out / name, guard) as f:
                for page, result in cleaned:
                    try:
                        lines = _article_lines(page, result, job.main_only)
                    except Exception as exc:  # one bad page must never stop the run
                        failures.append(Failure.of(page.path, page.record, exc))
                        continue
                    pages += 1
                    articles += _count(result, job.main_only)
                    f.write(lines)
        else:
            suffix = _MIRROR_SUFFIX[job.format]
            for page, result in cleaned:
                try:
                    text = render(result.with_main_only() if job.main_only else result, job.format)
                    text.encode("utf-8")  # fails here, for this page, rather than in the write
                except Exception as exc:
                    failures.append(Failure.of(page.path, page.record, exc))
                    continue
                pages += 1
                articles += _count(result, job.main_only)
                with _AtomicFile(out / (page.path + suffix), guard) as f:
                    f.write(text)
    return TaskResult(
        task.index,
        tuple(i.path for i in task.inputs),
        pages,
        articles,
        tuple(failures),
        time.perf_counter() - start,
        tuple(skipped),
    )
