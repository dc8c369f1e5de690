"""One audit task: read a file, hash it, verify it, and reduce the report to what crosses back.

This runs where the work runs: in the local engine's worker processes, in a Dask worker, or in the
calling process for `jobs=1`. Everything that crosses a process boundary is small and picklable: the
run's `Settings` (the loader is built once per process from them, never once per file), a chunk of
`Item`s, and one `Outcome` per file holding the report already serialized, so the parent process only
writes strings and never rebuilds or re-encodes a report.

The verdict is `verify`'s, untouched: the audit only adds, beside it, which object was judged and
whether that object is an awarded badge (`verdict_of`), so a valid BadgeClass or issuer Profile is
counted as what it is and never as a valid badge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from obverify._core.policy import DEFAULT_POLICY, VerificationPolicy
from obverify._orchestration.pipeline import verify

if TYPE_CHECKING:
    from datetime import datetime

    from obverify._core.loader import Loader
    from obverify._core.report import Report

AWARDED = frozenset({"Assertion", "OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})
"""What an auditor counts as a badge: OB 0.5-2.0 Assertions and OB 3.0 credentials."""

_OB3_KINDS = {"achievement": "OpenBadgeCredential", "endorsement": "EndorsementCredential"}
_HASH_BLOCK = 1 << 20


class Settings(NamedTuple):
    """What every file of one run is verified with. `token` names the run, so a worker builds its loader
    once per run and not once per task."""

    token: str
    at: datetime
    recipients: tuple[str, ...] = ()
    documents: str | None = None
    offline: bool = False
    policy: VerificationPolicy = DEFAULT_POLICY
    """Every file's `verify` runs under it; its `network` makes the run's loader when none is given."""
    loader: Loader | None = None
    keep_reports: bool = False
    """Send the `Report` object back too (the library's `audit()`); the command line needs only its JSON."""


class Item(NamedTuple):
    """One file to audit. `recipients` None: the run's. `resume`: skip the file if its digest is still
    `known_sha256` (None standing for "could not be read")."""

    path: str
    recipients: tuple[str, ...] | None = None
    resume: bool = False
    known_sha256: str | None = None


class Outcome(NamedTuple):
    """What one file gave. `verdict`: valid | invalid | not_awarded | skipped (already in the journal)."""

    path: str
    sha256: str | None
    verdict: str
    object_type: str | None
    codes: tuple[str, ...]
    report_json: str | None
    report: Report | None = None


_LOADERS: dict[str, Loader] = {}


def prepare(settings: Settings) -> None:
    """Build this process's loader for the run (the process pool's initializer)."""
    _loader(settings)


def _loader(settings: Settings) -> Loader:
    loader = _LOADERS.get(settings.token)
    if loader is None:
        if settings.loader is not None:
            loader = settings.loader
        else:
            from obverify._engines.net.factory import make_loader

            loader = make_loader(documents=settings.documents, offline=settings.offline, policy=settings.policy.network)
        if len(_LOADERS) >= 4:  # a long-lived Dask worker serves many runs: keep only the latest few
            _LOADERS.clear()
        _LOADERS[settings.token] = loader
    return loader


def object_type(report: Report) -> str | None:
    """Which object `verify` judged: an Assertion, a BadgeClass, a Profile, an OB 3.0 credential...

    Hook for the importer: when `verify`'s report names the object it judged itself
    (`report.object_type`), that is used; until then, what the OB 2.0 verifier records in
    `related["type"]` and the OB 3.0 credential kind in the summary.
    """
    declared = getattr(report, "object_type", None)
    if isinstance(declared, str):
        return declared
    recorded = report.related.get("type")
    if isinstance(recorded, str):
        return recorded
    summary = report.summary() or {}
    kind = summary.get("kind") if report.version == "3.0" else None
    return _OB3_KINDS.get(kind) if isinstance(kind, str) else None


def verdict_of(report: Report, kind: str | None) -> str:
    """valid only for a valid *awarded* badge; a valid BadgeClass, Profile, key... is `not_awarded`."""
    if not report.valid:
        return "invalid"
    return "valid" if kind in AWARDED else "not_awarded"


def _read(path: str, max_input_bytes: int) -> tuple[bytes | None, str | None]:
    """The file's first `max_input_bytes` + 1 bytes (what `verify` reads) and the sha256 of all of it."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_input_bytes + 1)
            digest = hashlib.sha256(data)
            if len(data) > max_input_bytes:
                for block in iter(lambda: fh.read(_HASH_BLOCK), b""):
                    digest.update(block)
    except OSError:
        return None, None
    return data, digest.hexdigest()


def audit_one(settings: Settings, item: Item) -> Outcome:
    """Verify one file exactly as `verify(path)` would, under the run's settings."""
    data, sha = _read(item.path, settings.policy.max_input_bytes)
    if item.resume and sha == item.known_sha256:
        return Outcome(item.path, sha, "skipped", None, (), None)
    recipients = settings.recipients if item.recipients is None else item.recipients
    # an unreadable file goes to verify() by path, so its report says why exactly as verify's would
    source: bytes | Path = data if data is not None else Path(item.path)  # a str is badge text, never a path
    report = verify(source, recipients=recipients, at=settings.at, loader=_loader(settings),
                    policy=settings.policy)
    kind = object_type(report)
    verdict, codes = verdict_of(report, kind), tuple(report.codes())
    if settings.keep_reports:
        # the file on disk (named by its sha256) is the original: its bytes are not shipped back
        report = replace(report, original=None, originals={})
        return Outcome(item.path, sha, verdict, kind, codes, None, report)
    return Outcome(item.path, sha, verdict, kind, codes, report.to_json())


def audit_chunk(settings: Settings, items: Iterable[Item]) -> list[Outcome]:
    """A task: several files, so that the cost of a task round trip is shared."""
    return [audit_one(settings, item) for item in items]
