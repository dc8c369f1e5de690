"""The Dask engine: the same per-file task (`job.audit_chunk`) on a Dask distributed cluster.

obverify writes no scheduler of its own: Dask places the tasks, retries a task whose worker died
(`retries`), and rebalances when workers come and go. obverify only keeps a bounded number of tasks
submitted (`window`) so results stream and memory stays flat, exactly as the local engine does.

With no `scheduler` address a `LocalCluster` of `jobs` single-threaded worker processes is started for
the run and closed after it. Workers read the files (and the document store directory) at the paths the
client names, so on a real cluster those must be on storage every worker sees, and obverify must be
installed on every worker. Optional extra: `pip install 'obverify[dask]'`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from obverify._orchestration.audit.engines import EngineUnavailableError, chunks
from obverify._orchestration.audit.job import Item, Outcome, Settings, audit_chunk

RETRIES = 2


def run_dask(
    items: Iterable[Item], settings: Settings, *, jobs: int, ordered: bool, scheduler: str | None
) -> Iterator[Outcome]:
    """Audit `items` as Dask tasks; see the module docstring."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise EngineUnavailableError("the dask engine needs the optional extra: pip install 'obverify[dask]'") from None
    return _stream(items, settings, jobs=jobs, ordered=ordered, scheduler=scheduler,
                   api=(Client, LocalCluster, as_completed))


def _stream(
    items: Iterable[Item], settings: Settings, *, jobs: int, ordered: bool, scheduler: str | None, api: Any
) -> Iterator[Outcome]:
    client_cls, cluster_cls, as_completed = api
    with contextlib.ExitStack() as stack:
        try:
            if scheduler:
                client = stack.enter_context(client_cls(scheduler, timeout="10s"))
            else:
                cluster = stack.enter_context(cluster_cls(n_workers=jobs, threads_per_worker=1, processes=True,
                                                          dashboard_address=None))
                client = stack.enter_context(client_cls(cluster))
        except OSError as exc:
            raise EngineUnavailableError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None
        window = max(2, sum(client.nthreads().values()) * 4)

        def submit(batch: list[Item]) -> Any:
            return client.submit(audit_chunk, settings, batch, pure=False, retries=RETRIES)

        source = chunks(items)
        if ordered:
            queue: list[Any] = []
            for batch in source:
                queue.append(submit(batch))
                if len(queue) >= window:
                    yield from queue.pop(0).result()
            for fut in queue:
                yield from fut.result()
            return
        running = as_completed()
        in_flight = 0
        for batch in source:
            running.add(submit(batch))
            in_flight += 1
            if in_flight >= window:
                yield from next(running).result()
                in_flight -= 1
        for fut in running:
            yield from fut.result()
