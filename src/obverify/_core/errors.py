"""Stable error codes (DESIGN.md §4) and the one exception the loaders raise.

Codes are part of the public contract: tools outside the project match on them, so they never change
spelling. Exceptions are for programmer errors only; everything a badge can do wrong becomes a `Finding`.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """The error codes of DESIGN.md §4. Warnings may use further codes of their own."""

    INPUT_INVALID = "input_invalid"
    UNBAKE_FAILED = "unbake_failed"
    FETCH_FAILED = "fetch_failed"
    URL_BLOCKED = "url_blocked"
    CONTEXT_INVALID = "context_invalid"
    SCHEMA_INVALID = "schema_invalid"
    PROOF_INVALID = "proof_invalid"
    ISSUER_MISMATCH = "issuer_mismatch"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATUS_UNAVAILABLE = "status_unavailable"


class LoadError(Exception):
    """A document could not be loaded: `code` is `fetch_failed` or `url_blocked`.

    `status` carries the HTTP status when a server answered (the hosted OB 2.0 rules need 410).
    The message is ours, never a server body (SECURITY.md §15).
    """

    def __init__(self, code: Code, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.code = code
        self.url = url
        self.reason = reason
        self.status = status
