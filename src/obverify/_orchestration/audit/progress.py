"""The progress bar on stderr (rich): files done/total, files per second, ETA, failures so far.

Shown only when stderr is a terminal and `--quiet` is not given; otherwise every call is a no-op, so a
redirected or CI run writes nothing but the final counts. The total is counted by a side thread walking
the same paths (discovery itself stays lazy, so the first results do not wait for the count); until the
count is done the bar shows the files found so far.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import IO, Any


class AuditProgress:
    """`advance(failed)` once per file; a context manager that starts and stops the bar."""

    def __init__(self, enabled: bool, count: Callable[[], int] | None = None, *, stream: IO[str] | None = None) -> None:
        self.enabled = enabled
        self._count = count
        self._stream = stream
        self._progress: Any = None
        self._task: Any = None
        self._failed = 0
        self._stop = threading.Event()

    def __enter__(self) -> AuditProgress:
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.speed
                return Text(f"{speed:,.0f} files/s" if speed else "– files/s")

        columns: Sequence[Any] = (
            TextColumn("audit"), BarColumn(), MofNCompleteColumn(), Rate(), TextColumn("ETA"),
            TimeRemainingColumn(), TimeElapsedColumn(), TextColumn("failures: {task.fields[failed]}"),
        )
        console = Console(file=self._stream, stderr=self._stream is None)
        self._progress = Progress(*columns, console=console, transient=False, speed_estimate_period=10)
        self._progress.start()
        self._task = self._progress.add_task("audit", total=None, failed=0, completed=0)
        if self._count is not None:
            threading.Thread(target=self._counter, name="obverify-audit-count", daemon=True).start()
        return self

    def _counter(self) -> None:
        assert self._count is not None
        total = self._count()
        if not self._stop.is_set():
            self._progress.update(self._task, total=total)

    def advance(self, failed: bool) -> None:
        """One more file done (a file skipped by --resume counts as done)."""
        if self._progress is None:
            return
        self._failed += failed
        self._progress.update(self._task, advance=1, failed=self._failed)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._progress is not None:
            self._progress.stop()
