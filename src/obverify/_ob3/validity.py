"""Time checks of an OB 3.0 credential at `ctx.at` (OB 3.0 §9 step 4; SECURITY.md §14).

- `validFrom` (VCDM 2.0) / `issuanceDate` (VCDM 1.1) and `credentialSubject.awardedDate` must not lie in
  the future: `not_yet_valid`.
- `validUntil` / `expirationDate` must not lie in the past: `expired`, and `report.expired = True`
  (False when there is an expiry still ahead or none at all, None when an expiry could not be parsed).
- every embedded proof's `created` must not lie in the future: `not_yet_valid`.

The window and its boundary are `obverify._core.window`'s, the same for every version: valid at the instant of
`validFrom`, expired at the instant of `validUntil`. No skew tolerance: `at` is the instant, fixed once per run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.timeparse import parse_datetime
from obverify._core.window import after_window, before_window
from obverify._ob3.model import CredentialFacts, as_list

STAGE = "validity"


def check_validity(ctx: RunContext, credential: Mapping[str, Any], facts: CredentialFacts, *, base: str = "",
                   set_report: bool = True) -> bool:
    """Record validity findings; return True when the credential is inside its window at `ctx.at`."""
    at = ctx.at
    out = ctx.out
    ok = True
    if facts.valid_from is not None and before_window(facts.valid_from, at):
        out.error(Code.NOT_YET_VALID, f"{facts.valid_from_field} {_iso(facts.valid_from)} lies after {_iso(at)}",
                  stage=STAGE, path=f"{base}/{facts.valid_from_field}")
        ok = False
    if facts.awarded is not None and before_window(facts.awarded, at):
        out.error(Code.NOT_YET_VALID, f"awardedDate {_iso(facts.awarded)} lies after {_iso(at)}", stage=STAGE,
                  path=f"{base}/credentialSubject/awardedDate")
        ok = False
    expired: bool | None = False
    if facts.valid_until is not None:
        if after_window(facts.valid_until, at):
            out.error(Code.EXPIRED, f"{facts.valid_until_field} {_iso(facts.valid_until)} is not after {_iso(at)}",
                      stage=STAGE, path=f"{base}/{facts.valid_until_field}")
            expired = True
            ok = False
    elif facts.valid_until_field in credential:
        expired = None  # present but unparseable: schema_invalid was recorded; the expiry cannot be known
    for i, proof in enumerate(as_list(credential.get("proof"))):
        if isinstance(proof, Mapping) and "created" in proof:
            try:
                created = parse_datetime(proof["created"])
            except ValueError:
                continue  # the proof check reports a malformed proof
            if before_window(created, at):
                out.error(Code.NOT_YET_VALID, f"proof created {_iso(created)} lies after {_iso(at)}", stage=STAGE,
                          path=f"{base}/proof/{i}/created")
                ok = False
    if set_report:
        out.report.expired = expired
    return ok


def window_problem(document: Mapping[str, Any], at: datetime) -> tuple[Code, str] | None:
    """Why a status-list credential is not valid at `at` (`not_yet_valid`, `expired`, or `schema_invalid` for
    a date that is not one), or None when it is."""
    for start in ("validFrom", "issuanceDate"):
        if start in document:
            try:
                if before_window(parse_datetime(document[start]), at):
                    return Code.NOT_YET_VALID, f"its {start} lies after the verification instant"
            except ValueError:
                return Code.SCHEMA_INVALID, f"its {start} is not a valid date-time"
    for end in ("validUntil", "expirationDate"):
        if end in document:
            try:
                if after_window(parse_datetime(document[end]), at):
                    return Code.EXPIRED, f"its {end} is not after the verification instant"
            except ValueError:
                return Code.SCHEMA_INVALID, f"its {end} is not a valid date-time"
    return None


def window_ok(document: Mapping[str, Any], at: datetime) -> tuple[bool, str | None]:
    """Whether a status-list credential is valid at `at`: (ok, reason when not)."""
    problem = window_problem(document, at)
    return (True, None) if problem is None else (False, problem[1])


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
