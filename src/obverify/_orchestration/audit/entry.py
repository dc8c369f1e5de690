"""`audit(paths)`: verify many badge files lazily, on every core (the offline auditor's call).

Files (directories are walked lazily) are verified in worker processes by default (`engine="local"`),
or as tasks on a Dask cluster (`engine="dask"`, extra `dask`), or on threads (`engine="thread"`, for a
loader that cannot be sent to another process). Results stream: at most a few chunks of files per
worker are in flight, so a run over millions of files holds a bounded number of reports, and the first
report comes before the input is exhausted. They come in input order unless `ordered=False` (then as
they finish). One fixed `at` serves the whole run.

The loader: `documents=DIR` (and `offline=True`) is read by each worker process once; a `loader` object
is pickled into each worker once (a `DocumentStore` can be), and if it cannot be pickled the local engine
runs on threads instead. Each yielded report's `original` is None: the file is the original, and the
bytes are not shipped back from the workers.

The report writers (`write_jsonl`, `write_csv`, `write_html`) take any iterable of `(path, report)`.
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from obverify._core.loader import Loader
from obverify._core.policy import VerificationPolicy, policy_of
from obverify._core.report import Report
from obverify._orchestration.audit.csv_report import write_csv
from obverify._orchestration.audit.discover import discover
from obverify._orchestration.audit.engines import run
from obverify._orchestration.audit.html_report import write_html
from obverify._orchestration.audit.job import Item, Settings
from obverify._orchestration.audit.records import write_jsonl

if TYPE_CHECKING:
    from obverify._engines.net.policy import NetworkPolicy

__all__ = ["audit", "write_csv", "write_html", "write_jsonl"]


def audit(
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    recipients: Iterable[str] = (),
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: VerificationPolicy | NetworkPolicy | None = None,
    engine: str = "local",
    ordered: bool = True,
    documents: str | os.PathLike[str] | None = None,
    offline: bool = False,
    scheduler: str | None = None,
    recipients_for: Mapping[str, Iterable[str]] | None = None,
) -> Iterator[tuple[Path, Report]]:
    """Yield `(path, report)` for every file under `paths` (see the module docstring).

    Every file is verified under `policy` (a `VerificationPolicy`, or a bare `NetworkPolicy` for the loader
    alone), whose `network` also makes the loader when neither `loader` nor `documents` is given.
    `recipients_for` maps a path (as yielded) to that file's own recipients, overriding `recipients`.
    `jobs` defaults to one per core.
    """
    if isinstance(recipients, str):
        raise TypeError("`recipients` must be an iterable of identities, not one string")
    instant = at if at is not None else datetime.now(UTC)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("`at` must be a timezone-aware datetime")
    if loader is not None and documents is not None:
        raise ValueError("give either `loader` or `documents`, not both")
    if loader is not None and engine == "local":
        try:
            pickle.dumps(loader)
        except (pickle.PicklingError, TypeError, AttributeError):
            engine = "thread"
    settings = Settings(token=uuid.uuid4().hex, at=instant, recipients=tuple(recipients),
                        documents=os.fspath(documents) if documents is not None else None, offline=offline,
                        policy=policy_of(policy), loader=loader, keep_reports=True)
    own = {os.fspath(k): tuple(v) for k, v in (recipients_for or {}).items()}
    items = (Item(p, own.get(p)) for p in discover(paths))
    return _reports(run(items, settings, engine=engine, jobs=jobs, ordered=ordered, scheduler=scheduler))


def _reports(outcomes: Iterable[Any]) -> Iterator[tuple[Path, Report]]:
    for outcome in outcomes:
        yield Path(outcome.path), outcome.report
