"""The verification report: findings with stable codes, checks that ran or were skipped, and verdict.

DESIGN.md §2: `valid` is true exactly when there are no errors, and `Report.__bool__` raises so that
`if verify(x):` fails loudly instead of always passing. The report also lists every check as passed,
failed or skipped-with-reason, so nothing is ever valid by omission.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from obverify.errors import Code
from obverify.text import quote, quote_url

MAX_FINDINGS = 100

Version = Literal["0.5", "1.0", "1.1", "2.0", "3.0"]
CheckStatus = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Finding:
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class RecipientResult:
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


@dataclass
class Report:
    """The result of one verification. Data, never an exception."""

    version: Version | None = None
    kind: str | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    revoked: bool | None = None
    revocation_reason: str | None = None
    expired: bool | None = None
    recipient: RecipientResult = field(default_factory=lambda: RecipientResult(checked=False))
    checked_at: datetime | None = None
    documents: list[str] = field(default_factory=list)
    badge: Mapping[str, Any] | None = None
    """The normalized badge (assertion or credential) that was verified."""
    related: dict[str, Any] = field(default_factory=dict)
    """Other verified documents by role: `badgeclass`, `issuer`, `endorsements` (nested reports)…"""
    original: bytes | str | Mapping[str, Any] | None = field(default=None, repr=False)
    """The input exactly as given, for the caller to store. Never part of `to_json()`."""
    originals: dict[str, bytes] = field(default_factory=dict, repr=False)
    """The raw bytes of every document consulted, by URL. Never part of `to_json()`."""
    dropped_findings: int = 0

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
