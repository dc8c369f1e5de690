"""`audit(paths)`: verify many badge files lazily with bounded concurrency (the offline auditor's call).

Results come back in input order as `(path, Report)`; at most `jobs * 2` verifications are in flight, so
a run over thousands of files holds a bounded number of reports in memory. The loader is shared, so a
cache in it (or a document store) serves every file.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from obverify.loaders.base import Loader
from obverify.pipeline import verify
from obverify.report import Report
from obverify.timeparse import UTC, datetime


def audit(
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    recipients: Iterable[str] = (),
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: Any = None,
) -> Iterator[tuple[Path, Report]]:
    """Yield `(path, report)` for every path, in order. One fixed `at` serves the whole run."""
    instant = at if at is not None else datetime.now(UTC)
    wanted = tuple(recipients)
    workers = max(1, jobs if jobs is not None else min(4, os.cpu_count() or 1))

    def one(path: Path) -> Report:
        return verify(path, recipients=wanted, at=instant, loader=loader, policy=policy)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[Path, Future[Report]]] = deque()
        for raw in paths:
            path = Path(raw)
            pending.append((path, pool.submit(one, path)))
            if len(pending) >= workers * 2:
                done_path, fut = pending.popleft()
                yield done_path, fut.result()
        while pending:
            done_path, fut = pending.popleft()
            yield done_path, fut.result()
