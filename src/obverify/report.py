"""The verification report: findings with stable codes, checks that ran or were skipped, and verdict.

DESIGN.md §2: `valid` is true exactly when there are no errors, and `Report.__bool__` raises so that
`if verify(x):` fails loudly instead of always passing. The report also lists every check as passed,
failed or skipped-with-reason, so nothing is ever valid by omission.

No dataclasses: importing `dataclasses` (it pulls in inspect, ast and dis) and processing each class was
a fifth of an `obverify verify` process (issue 2: under 150 ms). The immutable records are NamedTuples;
`Report` is a plain class with the same constructor, equality and repr a dataclass would give it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from obverify.errors import Code
from obverify.record import MutableRecord
from obverify.text import quote, quote_url

if TYPE_CHECKING:
    from datetime import datetime

MAX_FINDINGS = 100

Version = Literal["0.5", "1.0", "1.1", "2.0", "3.0"]
CheckStatus = Literal["passed", "failed", "skipped"]


class Finding(NamedTuple):
    """One problem: a stable `code`, our own `message`, the `stage` that found it, where, and which URL."""

    code: str
    message: str
    stage: str
    path: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "stage": self.stage}
        if self.path is not None:
            out["path"] = self.path
        if self.url is not None:
            out["url"] = self.url
        return out


class Check(NamedTuple):
    """A check the pipeline planned: whether it passed, failed, or was skipped, and why."""

    name: str
    status: CheckStatus
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.detail is not None:
            out["detail"] = self.detail
        return out


class RecipientResult(NamedTuple):
    """Outcome of recipient matching: `checked` false when no identity was given."""

    checked: bool
    matched: str | None = None
    identity_type: str | None = None
    hashed: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "matched": self.matched,
            "type": self.identity_type,
            "hashed": self.hashed,
        }


class Report(MutableRecord):
    """The result of one verification. Data, never an exception.

    Attributes: `version`, `kind`; `errors`, `warnings` (Findings) and `checks`; `revoked`,
    `revocation_reason`, `expired`; `recipient`; `checked_at`; `documents` (URLs consulted); `badge`, the
    normalized badge (assertion or credential) that was verified; `related`, other verified documents by
    role (`badgeclass`, `issuer`, `endorsements` as nested reports…); `original`, the input exactly as
    given, for the caller to store, and `originals`, the raw bytes of every document consulted by URL
    (neither is ever part of `to_json()` nor of the repr); `dropped_findings` past `MAX_FINDINGS`.
    """

    def __init__(
        self,
        version: Version | None = None,
        kind: str | None = None,
        errors: list[Finding] | None = None,
        warnings: list[Finding] | None = None,
        checks: list[Check] | None = None,
        revoked: bool | None = None,
        revocation_reason: str | None = None,
        expired: bool | None = None,
        recipient: RecipientResult | None = None,
        checked_at: datetime | None = None,
        documents: list[str] | None = None,
        badge: Mapping[str, Any] | None = None,
        related: dict[str, Any] | None = None,
        original: bytes | str | Mapping[str, Any] | None = None,
        originals: dict[str, bytes] | None = None,
        dropped_findings: int = 0,
    ) -> None:
        self.version = version
        self.kind = kind
        self.errors: list[Finding] = [] if errors is None else errors
        self.warnings: list[Finding] = [] if warnings is None else warnings
        self.checks: list[Check] = [] if checks is None else checks
        self.revoked = revoked
        self.revocation_reason = revocation_reason
        self.expired = expired
        self.recipient = RecipientResult(checked=False) if recipient is None else recipient
        self.checked_at = checked_at
        self.documents: list[str] = [] if documents is None else documents
        self.badge = badge
        self.related: dict[str, Any] = {} if related is None else related
        self.original = original
        self.originals: dict[str, bytes] = {} if originals is None else originals
        self.dropped_findings = dropped_findings

    _FIELDS = ("version", "kind", "errors", "warnings", "checks", "revoked", "revocation_reason", "expired",
               "recipient", "checked_at", "documents", "badge", "related", "original", "originals",
               "dropped_findings")
    _REPR_FIELDS = tuple(f for f in _FIELDS if f not in ("original", "originals"))

    @property
    def valid(self) -> bool:
        """True exactly when there are no errors."""
        return not self.errors

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
            "summary": self.summary(),
        }

    def summary(self) -> dict[str, Any] | None:
        """A displayer summary (name, issuer, dates, image) taken from the verified badge, if any."""
        badge = self.related.get("summary")
        return dict(badge) if isinstance(badge, Mapping) else None

    def to_json(self, *, indent: int | None = None) -> str:
        """One JSON object. Never raises on odd text: lone surrogates are escaped by `ensure_ascii`."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=True, default=str)


class Collector:
    """What the stages write into while the pipeline runs; `finish()` turns it into a `Report`.

    Caps the number of findings (SECURITY.md limits) and keeps every message within quoting limits.
    """

    def __init__(self, report: Report) -> None:
        self.report = report

    def _add(self, target: list[Finding], finding: Finding) -> None:
        if len(self.report.errors) + len(self.report.warnings) >= MAX_FINDINGS:
            self.report.dropped_findings += 1
            return
        if finding not in target:
            target.append(finding)

    def error(
        self, code: Code | str, message: str, *, stage: str, path: str | None = None, url: str | None = None
    ) -> None:
        """Record an error. `message` must be our own template; quote attacker text with `text.quote`."""
        self._add(self.report.errors, _finding(code, message, stage, path, url))

    def warn(
        self, code: Code | str, message: str, *, stage: str, path: str | None = None, url: str | None = None
    ) -> None:
        """Record a warning: reported, but it does not change the verdict."""
        self._add(self.report.warnings, _finding(code, message, stage, path, url))

    def check(self, name: str, status: CheckStatus, detail: str | None = None) -> None:
        """Record that a planned check passed, failed or was skipped (with the reason)."""
        self.report.checks.append(Check(name, status, detail))

    def has_error(self, *codes: Code | str) -> bool:
        """Whether an error with one of `codes` (any code if none given) was recorded."""
        wanted = {str(c) for c in codes}
        return any(not wanted or f.code in wanted for f in self.report.errors)


def _finding(code: Code | str, message: str, stage: str, path: str | None, url: str | None) -> Finding:
    return Finding(
        code=str(code),
        message=quote(message, 2000),
        stage=stage,
        path=quote(path, 512) if path is not None else None,
        url=quote_url(url) if url is not None else None,
    )
