"""Where the verifications run: worker processes on this machine, or tasks on a Dask cluster.

Both engines stream: files are taken from the (lazy) input only while fewer than `window` chunks are in
flight, and each chunk's outcomes are handed out as soon as it finishes (or, with `ordered`, as soon as
every earlier chunk has). So memory holds at most `window * CHUNK` files' outcomes, whatever the number
of files, and the first result comes before the input is exhausted.

- `local`: a process pool (`concurrent.futures`, "spawn" start: no fork of a parent that runs the
  progress bar's threads), one process per core by default. Verification is CPU-bound pure Python, which
  threads would keep on one core. Each process builds its document store once (job.prepare). With
  `jobs=1` the files are verified in this process: one process gains nothing from a pool.
- `thread`: a thread pool, for library callers whose loader cannot be pickled into other processes.
- `dask`: tasks on a Dask distributed cluster (`scheduler` address, or a local cluster). The scheduler
  does distribution, retries and worker loss; the files must be readable at the same paths on the
  workers, and so must `documents`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from typing import Any

from obverify._orchestration.audit.job import Item, Outcome, Settings, audit_chunk, prepare

CHUNK = 8
"""Files per task: a task round trip costs about as much as verifying a small badge."""

ENGINES = ("local", "thread", "dask")


class EngineUnavailableError(RuntimeError):
    """The engine asked for cannot run here (the `dask` extra is not installed, no scheduler answers)."""


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def chunks(items: Iterable[Item], size: int = CHUNK) -> Iterator[list[Item]]:
    """Consecutive groups of `size` items, taken lazily."""
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def run(
    items: Iterable[Item],
    settings: Settings,
    *,
    engine: str = "local",
    jobs: int | None = None,
    ordered: bool = False,
    scheduler: str | None = None,
) -> Iterator[Outcome]:
    """Audit `items` on `engine`; outcomes stream out as chunks finish (in input order if `ordered`)."""
    workers = jobs if jobs is not None else default_jobs()
    if workers < 1:
        raise ValueError("jobs must be at least 1")
    if engine == "dask":
        from obverify._orchestration.audit.dask_engine import run_dask

        return run_dask(items, settings, jobs=workers, ordered=ordered, scheduler=scheduler)
    if engine not in ("local", "thread"):
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if workers == 1:
        return _inline(items, settings)
    return _pooled(items, settings, engine=engine, jobs=workers, ordered=ordered)


def _inline(items: Iterable[Item], settings: Settings) -> Iterator[Outcome]:
    prepare(settings)
    for batch in chunks(items):
        yield from audit_chunk(settings, batch)


def _pooled(items: Iterable[Item], settings: Settings, *, engine: str, jobs: int, ordered: bool) -> Iterator[Outcome]:
    pool: Executor
    if engine == "thread":
        prepare(settings)
        pool = ThreadPoolExecutor(max_workers=jobs)
        task = settings
    else:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=prepare, initargs=(settings,))
        task = settings._replace(loader=None)  # each process already holds the loader, under the run's token
    try:
        yield from windowed(lambda batch: pool.submit(audit_chunk, task, batch), chunks(items), jobs * 4, ordered)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def windowed(
    submit: Callable[[list[Item]], Future[list[Outcome]]],
    batches: Iterable[list[Item]],
    window: int,
    ordered: bool,
) -> Iterator[Outcome]:
    """Keep at most `window` batches in flight; yield each batch's outcomes when it (and, if `ordered`,
    every batch before it) is done."""
    source = iter(batches)
    if ordered:
        queue: deque[Future[list[Outcome]]] = deque()
        for batch in source:
            queue.append(submit(batch))
            if len(queue) >= window:
                yield from queue.popleft().result()
        while queue:
            yield from queue.popleft().result()
        return
    pending: set[Future[list[Outcome]]] = set()
    exhausted = False
    while True:
        while not exhausted and len(pending) < window:
            batch = next(source, [])
            if not batch:
                exhausted = True
            else:
                pending.add(submit(batch))
        if not pending:
            return
        done, pending_left = wait(pending, return_when=FIRST_COMPLETED)
        pending = set(pending_left)
        for fut in done:
            yield from fut.result()


def describe(engine: str, jobs: int | None, scheduler: str | None) -> dict[str, Any]:
    """What the run used, for the report's header."""
    return {"engine": engine, "jobs": jobs if jobs is not None else default_jobs(), "scheduler": scheduler}
