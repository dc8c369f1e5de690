"""The verification report: findings with stable codes, checks that ran or were skipped, and verdict.

DESIGN.md §2: `valid` is true exactly when no error was ever recorded, and `Report.__bool__` raises so that
`if verify(x):` fails loudly instead of always passing. The report also lists every check as passed,
failed or skipped-with-reason, so nothing is ever valid by omission.

The verdict by construction: the lists of findings a report shows are capped (errors and warnings
separately, so a flood of warnings can never push an error out) and a finding repeated at one code and path
is listed once with a `count`. `valid` is never read off those lists: it is computed from the number of
errors recorded (every one, listed or not), the outcomes of the checks, and whether a stage failed
unexpectedly. Dropping or collapsing findings changes what is shown, never the verdict.

The records users receive are frozen, slotted dataclasses: no attribute can be reassigned, no
`__dict__` takes a stray one, and they are not tuples (no indexing or unpacking to depend on a field order).
While a run is under way the stages write into the collector's `ReportDraft`, the one mutable form, which
`Collector.finish` turns into the frozen `Report` the caller gets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal

from obverify._core.errors import Code, WarningCode
from obverify._core.text import quote, quote_url

if TYPE_CHECKING:
    from datetime import datetime

MAX_ERRORS = 100
MAX_WARNINGS = 100
MAX_FINDINGS = MAX_ERRORS + MAX_WARNINGS
"""What a report lists at most; `Report.dropped_findings` counts the rest (which still count for the verdict)."""

ADVISORY_CHECKS = frozenset({"endorsements", "ob3.endorsements"})
"""Checks whose failure is a warning, never the badge's verdict: an endorsement that does not verify says
nothing about the endorsed badge (OB 2.0 "Endorsement", OB 3.0 §9 "EndorsementCredential Verification" are
verified on their own). Every other failed check makes the report invalid."""

Version = Literal["0.5", "1.0", "1.1", "2.0", "3.0"]
CheckStatus = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable `code`, our own `message`, the `stage` that found it, where, and which URL."""

    code: str
    message: str
    stage: str
    path: str | None = None
    url: str | None = None
    occurrences: int = 1
    """How many times this code was recorded at this path (and URL); the message is the first one's."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "stage": self.stage}
        if self.path is not None:
            out["path"] = self.path
        if self.url is not None:
            out["url"] = self.url
        if self.occurrences != 1:
            out["count"] = self.occurrences
        return out


@dataclass(frozen=True, slots=True)
class Check:
    """A check the pipeline planned: whether it passed, failed, or was skipped, and why."""

    name: str
    status: CheckStatus
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True, slots=True)
class RecipientResult:
    """Outcome of recipient matching: `checked` false when no identity was given, or when the verification
    stopped before it; `detail` then says why (e.g. the issuer's copy is a revocation notice naming nobody)."""

    checked: bool
    matched: str | None = None
    identity_type: str | None = None
    hashed: bool | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "checked": self.checked,
            "matched": self.matched,
            "type": self.identity_type,
            "hashed": self.hashed,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """The result of one verification. Data, never an exception.

    Attributes: `version`, `kind`; `errors`, `warnings` (Findings) and `checks`; `revoked`,
    `revocation_reason`, `expired`; `recipient`; `checked_at`; `documents` (URLs consulted); `badge`, the
    normalized badge (assertion or credential) that was verified; `related`, other verified documents by
    role (`badgeclass`, `issuer`, `endorsements` as nested reports…); `original`, the input exactly as
    given, for the caller to store, and `originals`, the raw bytes of every document consulted by URL
    (neither is ever part of `to_json()` nor of the repr); `dropped_findings`, how many findings are not
    listed (past `MAX_ERRORS` errors or `MAX_WARNINGS` warnings); `error_count`, every error recorded,
    listed, collapsed or dropped; `failed_stages`, the stages that ended in an unexpected exception.

    `valid` is computed from `error_count`, the failed checks and `failed_stages`, never from `errors` alone.
    Frozen: `dataclasses.replace(report, original=None)` makes a changed copy. The lists and dicts it holds
    are its own copies, never shared with the run that made it.
    """

    version: Version | None = None
    kind: str | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    revoked: bool | None = None
    revocation_reason: str | None = None
    expired: bool | None = None
    recipient: RecipientResult = RecipientResult(checked=False)
    checked_at: datetime | None = None
    documents: list[str] = field(default_factory=list)
    badge: Mapping[str, Any] | None = None
    related: dict[str, Any] = field(default_factory=dict)
    original: bytes | str | Mapping[str, Any] | None = field(default=None, repr=False)
    originals: dict[str, bytes] = field(default_factory=dict, repr=False)
    dropped_findings: int = 0
    error_count: int = 0
    failed_stages: list[str] = field(default_factory=list)

    __hash__ = None  # type: ignore[assignment]  # equal by value, but it holds lists and dicts

    def __post_init__(self) -> None:
        # a report built by hand with listed errors and no count still counts them (`valid`, `errorCount`)
        if self.error_count < len(self.errors):
            object.__setattr__(self, "error_count", len(self.errors))

    @property
    def valid(self) -> bool:
        """True exactly when no error was recorded, no check failed (`ADVISORY_CHECKS` aside) and no stage
        failed unexpectedly.

        Computed from counts and outcomes, never from the capped `errors` list alone: an error that was
        dropped or collapsed still counts, so no cap can turn an invalid badge valid.
        """
        return _verdict(self)

    def __bool__(self) -> bool:
        raise TypeError("a Report has no truth value: test report.valid instead")

    def codes(self) -> list[str]:
        """The error codes, in order of discovery."""
        return [f.code for f in self.errors]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready report (`--json` prints this). Carries no image data and no original JSON."""
        return {
            "valid": self.valid,
            "version": self.version,
            "kind": self.kind,
            "objectType": self.related.get("type"),
            "errors": [f.to_dict() for f in self.errors],
            "warnings": [f.to_dict() for f in self.warnings],
            "checks": [c.to_dict() for c in self.checks],
            "revoked": self.revoked,
            "revocationReason": self.revocation_reason,
            "expired": self.expired,
            "recipient": self.recipient.to_dict(),
            "checkedAt": self.checked_at.isoformat() if self.checked_at else None,
            "documents": list(self.documents),
            "droppedFindings": self.dropped_findings,
            "errorCount": max(self.error_count, len(self.errors)),
            "summary": self.summary(),
        }

    def summary(self) -> dict[str, Any] | None:
        """A displayer summary (name, issuer, dates, image) taken from the verified badge, if any."""
        badge = self.related.get("summary")
        return dict(badge) if isinstance(badge, Mapping) else None

    def to_json(self, *, indent: int | None = None) -> str:
        """One JSON object. Never raises on odd text: lone surrogates are escaped by `ensure_ascii`."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=True, default=str)


_REPORT_FIELDS = tuple(f.name for f in fields(Report))


class ReportDraft:
    """The mutable report of a run under way: what the stages write into (`Collector.report`).

    The same attributes as `Report`; `freeze()` gives the `Report` the caller receives. Never returned to a
    caller: a report that can still change is not a verdict.
    """

    __slots__ = _REPORT_FIELDS

    version: Version | None
    kind: str | None
    errors: list[Finding]
    warnings: list[Finding]
    checks: list[Check]
    revoked: bool | None
    revocation_reason: str | None
    expired: bool | None
    recipient: RecipientResult
    checked_at: datetime | None
    documents: list[str]
    badge: Mapping[str, Any] | None
    related: dict[str, Any]
    original: bytes | str | Mapping[str, Any] | None
    originals: dict[str, bytes]
    dropped_findings: int
    error_count: int
    failed_stages: list[str]

    def __init__(self, start: Report | None = None) -> None:
        start = Report() if start is None else start
        for name in _REPORT_FIELDS:
            setattr(self, name, _copied(name, getattr(start, name)))

    def __repr__(self) -> str:
        return f"ReportDraft(version={self.version!r}, kind={self.kind!r}, errors={self.errors!r})"

    @property
    def valid(self) -> bool:
        """The verdict so far, by the rule of `Report.valid`."""
        return _verdict(self)

    def codes(self) -> list[str]:
        """The error codes so far, in order of discovery."""
        return [f.code for f in self.errors]

    def freeze(self) -> Report:
        """The `Report` as it stands now, with its own copies of the lists and dicts (later writes to the
        draft never change it)."""
        return Report(**{name: _copied(name, getattr(self, name)) for name in _REPORT_FIELDS})


_OWN_COLLECTIONS = frozenset({"errors", "warnings", "checks", "documents", "related", "originals", "failed_stages"})
"""The lists and dicts the run fills in. `original` and `badge` are the caller's and the badge's objects, kept
as they are (the original input exactly as received)."""


def _copied(name: str, value: Any) -> Any:
    """A shallow copy of the report's own lists and dicts; anything else as it is."""
    if name in _OWN_COLLECTIONS:
        return list(value) if isinstance(value, list) else dict(value)
    return value


def _verdict(report: Report | ReportDraft) -> bool:
    return (
        report.error_count == 0
        and not report.errors
        and not report.failed_stages
        and not any(c.status == "failed" and c.name not in ADVISORY_CHECKS for c in report.checks)
    )


class Collector:
    """What the stages write into while the pipeline runs; the report is complete when the run ends.

    Lists at most `max_errors` errors and `max_warnings` warnings (the run's `VerificationPolicy`; defaults
    `MAX_ERRORS`, `MAX_WARNINGS`), each code at one
    path and URL once with a count, and keeps every message within quoting limits. Every error is counted in
    `report.error_count` and its code remembered for `has_error`, whether it is listed or not.

    `report` is the run's `ReportDraft`, started from `start` (e.g. `Report(checked_at=at)`); `finish()`
    gives the frozen `Report`.
    """

    def __init__(
        self, start: Report | None = None, *, max_errors: int = MAX_ERRORS, max_warnings: int = MAX_WARNINGS,
    ) -> None:
        self.report = report = ReportDraft(start)
        self._caps = (max_errors, max_warnings)
        """How many errors and warnings the report lists (`VerificationPolicy.max_errors`/`max_warnings`)."""
        self._where: dict[tuple[bool, str, str | None, str | None], int] = {
            (True, f.code, f.path, f.url): i for i, f in enumerate(report.errors)
        }
        self._where.update({(False, f.code, f.path, f.url): i for i, f in enumerate(report.warnings)})
        self._codes: set[str] = {f.code for f in report.errors}

    def _add(self, is_error: bool, finding: Finding) -> None:
        report = self.report
        target, cap = (report.errors, self._caps[0]) if is_error else (report.warnings, self._caps[1])
        key = (is_error, finding.code, finding.path, finding.url)
        index = self._where.get(key)
        if index is not None and index < len(target) and target[index].code == finding.code:
            target[index] = replace(target[index], occurrences=target[index].occurrences + 1)
            return
        if len(target) >= cap:
            report.dropped_findings += 1
            return
        self._where[key] = len(target)
        target.append(finding)

    def error(
        self, code: Code | str, message: str, *, stage: str, path: str | None = None, url: str | None = None
    ) -> None:
        """Record an error. `message` must be our own template; quote attacker text with `text.quote`."""
        self.report.error_count += 1
        self._codes.add(str(code))
        self._add(True, _finding(code, message, stage, path, url))

    def warn(
        self, code: WarningCode, message: str, *, stage: str, path: str | None = None, url: str | None = None
    ) -> None:
        """Record a warning: reported, but it does not change the verdict. Only a `WarningCode`: a misspelt or
        made-up code fails type checking, and an error code is never downgraded to a warning."""
        self._add(False, _finding(code, message, stage, path, url))

    def finish(self) -> Report:
        """The frozen `Report` of the run as it stands."""
        return self.report.freeze()

    def check(self, name: str, status: CheckStatus, detail: str | None = None) -> None:
        """Record that a planned check passed, failed or was skipped (with the reason)."""
        self.report.checks.append(Check(name=name, status=status, detail=detail))

    def stage_failed(self, stage: str, code: Code | str | None, exc: BaseException) -> None:
        """A stage ended in an unexpected exception (a bug): the report can never be valid after this.

        `code` None (a stage whose failure is only ever a warning, e.g. endorsements) records a warning and
        leaves the verdict to the other stages."""
        message = f"internal error in the {stage} stage ({type(exc).__name__}); the check did not complete"
        if code is None:
            self.warn(WarningCode.INTERNAL_ERROR, message, stage=stage)
            return
        self.report.failed_stages.append(stage)
        self.error(code, message, stage=stage)

    def has_error(self, *codes: Code | str) -> bool:
        """Whether an error with one of `codes` (any code if none given) was recorded, listed or not."""
        if not codes:
            return self.report.error_count > 0 or bool(self.report.errors)
        return any(str(c) in self._codes for c in codes) or any(f.code in {str(c) for c in codes}
                                                                for f in self.report.errors)


def _finding(code: Code | WarningCode | str, message: str, stage: str, path: str | None, url: str | None) -> Finding:
    return Finding(
        code=str(code),
        message=quote(message, 2000),
        stage=stage,
        path=quote(path, 512) if path is not None else None,
        url=quote_url(url) if url is not None else None,
    )
