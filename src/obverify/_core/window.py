"""The validity window, stated once for every version, so they agree at the boundary instants.

A badge, credential, status list or proof is valid over the half-open interval [start, end):

- at the very instant its window opens (OB 2.0 `issuedOn`, OB 3.0 `validFrom`/`issuanceDate`, a VC-JWT
  `nbf`, a proof's `created`) it is valid: RFC 7519 §4.1.5 refuses a JWT only *before* `nbf`, and VCDM 2.0
  §4.9 `validFrom` is "the date and time when the credential becomes valid";
- at the very instant its window closes (OB 2.0 `expires`, OB 3.0 `validUntil`/`expirationDate`, a VC-JWT
  `exp`, a proof's `expires`) it is expired: RFC 7519 §4.1.4 `exp` is "the expiration time on or after which
  the JWT MUST NOT be accepted", VCDM 2.0 §4.9 `validUntil` is when the credential "ceases to be valid",
  and OB 2.0 `expires` is "a timestamp when a badge should no longer be considered valid".

Every check of a date against the run's instant calls these functions, so OB 2.0, OB 3.0, status lists and
JWT claims can never again disagree at the boundary. No clock-skew tolerance: `at` is exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import datetime

Problem = Literal["not_yet_valid", "expired"]


def before_window(start: datetime | None, at: datetime) -> bool:
    """Whether `at` lies before a window opening at `start`: not yet valid. False at `start` itself."""
    return start is not None and at < start


def after_window(end: datetime | None, at: datetime) -> bool:
    """Whether a window closing at `end` has closed at `at`: expired. True at `end` itself."""
    return end is not None and at >= end


def window_problem(at: datetime, *, start: datetime | None, end: datetime | None) -> Problem | None:
    """Why [start, end) does not hold `at` (`not_yet_valid` or `expired`), or None when it does."""
    if before_window(start, at):
        return "not_yet_valid"
    if after_window(end, at):
        return "expired"
    return None
