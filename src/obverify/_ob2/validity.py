"""Time checks of an Assertion at the run's instant `ctx.at` (OB 2.0 "Assertion" issuedOn/expires;
SECURITY.md §14): issued in the future → `not_yet_valid`; expired → `expired` with `report.expired = True`;
`expires` before `issuedOn` → `schema_invalid`. The window and its boundary are `obverify._core.window`'s, the same
for every version: expired at the very instant of `expires`. There is no clock skew tolerance.
Dates are read as OB 2.0 "Data Types: DateTime" defines them (`parse_ob2_datetime`).
Unparseable dates were already reported by the schema stage (`schema_invalid`) and are skipped here.
"""

from __future__ import annotations

from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.timeparse import parse_ob2_datetime
from obverify._core.window import after_window, before_window
from obverify._ob2.common import STAGE_VALIDITY


def _parse(value: Any) -> Any:
    try:
        return parse_ob2_datetime(value)
    except ValueError:
        return None


def check_validity(ctx: RunContext, doc: dict[str, Any], *, label: str = "assertion") -> None:
    """Compare issuedOn/expires with `ctx.at`; record findings, a check, and `report.expired`."""
    issued = _parse(doc.get("issuedOn"))
    expires = _parse(doc.get("expires")) if "expires" in doc else None
    report = ctx.out.report
    ok = True
    if before_window(issued, ctx.at):
        ctx.out.error(Code.NOT_YET_VALID, f"{label} is issued in the future", stage=STAGE_VALIDITY, path="/issuedOn")
        ok = False
    if expires is not None and issued is not None and expires < issued:
        ctx.out.error(Code.SCHEMA_INVALID, f"{label} expires before it was issued", stage=STAGE_VALIDITY,
                      path="/expires")
        ok = False
    if expires is not None:
        report.expired = after_window(expires, ctx.at)
        if report.expired:
            ctx.out.error(Code.EXPIRED, f"{label} expired", stage=STAGE_VALIDITY, path="/expires")
            ok = False
    elif "expires" not in doc:
        report.expired = False
    if issued is None and "issuedOn" not in doc:
        ctx.out.check("validity", "skipped", "no issuedOn")
        return
    ctx.out.check("validity", "passed" if ok else "failed", f"evaluated at {ctx.at.isoformat()}")
