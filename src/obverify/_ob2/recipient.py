"""Recipient matching for OB 0.5-2.0 IdentityObjects (OB 2.0 "IdentityObject", "Profile Identifier
Properties"; SECURITY.md §13) through the shared `obverify._core.recipient.match_identity`.

Types email, url, telephone and id; hashed `sha256$`/`md5$` (hex in any case, optional salt) or plain;
email compares ASCII-case-insensitively only. md5 earns a warning. Without candidate identities the report
says the recipient was not checked, and the check is skipped with that reason.
"""

from __future__ import annotations

from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.recipient import IdentityClaim, match_identity
from obverify._core.report import RecipientResult
from obverify._ob2.common import STAGE_RECIPIENT


def check_recipient(ctx: RunContext, assertion: dict[str, Any]) -> None:
    """Match `ctx.recipients` against the assertion's IdentityObject; record the outcome in the report."""
    report = ctx.out.report
    if not ctx.recipients:
        report.recipient = RecipientResult(checked=False)
        ctx.out.check("recipient", "skipped", "no recipient given")
        return
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        ctx.out.error(Code.RECIPIENT_MISMATCH, "the badge names no usable recipient identity", stage=STAGE_RECIPIENT,
                      path="/recipient")
        ctx.out.check("recipient", "failed", "no recipient identity in the badge")
        report.recipient = RecipientResult(checked=True)
        return
    kind = recipient.get("type") if isinstance(recipient.get("type"), str) else "email"
    hashed = recipient.get("hashed") is True
    salt = recipient.get("salt") if isinstance(recipient.get("salt"), str) else None
    claim = IdentityClaim(identity=recipient["identity"], identity_type=str(kind), hashed=hashed, salt=salt)
    result = match_identity(claim, ctx.recipients)
    if result.weak_hash:
        ctx.out.warn(WarningCode.WEAK_HASH, "the recipient identity is hashed with md5", stage=STAGE_RECIPIENT,
                     path="/recipient/identity")
    if result.malformed is not None:
        ctx.out.error(Code.RECIPIENT_MISMATCH, f"the badge's recipient identity is unusable: {result.malformed}",
                      stage=STAGE_RECIPIENT, path="/recipient/identity")
    if result.matched is None:
        if result.malformed is None:
            ctx.out.error(Code.RECIPIENT_MISMATCH, "none of the given identities is the badge's recipient",
                          stage=STAGE_RECIPIENT, path="/recipient")
        ctx.out.check("recipient", "failed", "no given identity matched")
        report.recipient = RecipientResult(checked=True, matched=None, identity_type=str(kind), hashed=hashed)
        return
    ctx.out.check("recipient", "passed", f"matched a {kind} identity")
    report.recipient = RecipientResult(checked=True, matched=result.matched, identity_type=str(kind), hashed=hashed)
