"""OB 3.0 recipient verification (OB 3.0 §9 step 5 and "Verify the Recipient Using an Identifier").

The recipient is `credentialSubject.id` and/or each `credentialSubject.identifier[]` IdentityObject
(`identityType` emailAddress, url, phone, did, …; `hashed`; `salt`; `identityHash` as plain text or
`sha256$hex`/`md5$hex`). Matching uses the shared rules of `obverify._core.recipient.match_identity` (ASCII-only
case folding for email, exact for everything else; SECURITY.md §13). `credentialSubject.id` is compared
exactly, since DIDs and URL paths are case-sensitive.

The caller gives identities without a type, so each candidate is tried against every identifier; an email
candidate can only ever match an email identifier through the email rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.recipient import IdentityClaim, match_identity
from obverify._core.report import RecipientResult
from obverify._ob3.model import CredentialFacts, as_list

STAGE = "recipient"
_HASH = re.compile(r"(?:sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})", re.ASCII)


def identity_claims(ctx: RunContext, subject: Mapping[str, Any], *, base: str = "") -> list[IdentityClaim]:
    """The IdentityObjects of a subject as claims; malformed ones are `schema_invalid` and left out."""
    claims: list[IdentityClaim] = []
    for i, ident in enumerate(as_list(subject.get("identifier"))):
        path = f"{base}/credentialSubject/identifier/{i}"
        if not isinstance(ident, Mapping):
            ctx.out.error(Code.SCHEMA_INVALID, "an identifier must be an IdentityObject", stage=STAGE, path=path)
            continue
        value, kind, hashed, salt = (ident.get("identityHash"), ident.get("identityType"), ident.get("hashed"),
                                     ident.get("salt"))
        if not isinstance(value, str) or not isinstance(kind, str) or not isinstance(hashed, bool):
            ctx.out.error(Code.SCHEMA_INVALID, "an IdentityObject needs string identityHash and identityType and "
                          "a boolean hashed", stage=STAGE, path=path)
            continue
        if salt is not None and not isinstance(salt, str):
            ctx.out.error(Code.SCHEMA_INVALID, "salt must be a string", stage=STAGE, path=f"{path}/salt")
            continue
        if hashed and not _HASH.fullmatch(value):
            ctx.out.error(Code.SCHEMA_INVALID, "a hashed identityHash must be sha256$ or md5$ followed by the "
                          "hexadecimal digest", stage=STAGE, path=f"{path}/identityHash")
            continue
        claims.append(IdentityClaim(identity=value, identity_type=kind, hashed=hashed, salt=salt))
    return claims


def check_recipient(ctx: RunContext, facts: CredentialFacts, *, base: str = "") -> None:
    """Match `ctx.recipients` against the subject; set `report.recipient` and record the check."""
    subject = facts.subject
    claims = identity_claims(ctx, subject, base=base) if subject is not None else []
    candidates = list(ctx.recipients)
    if not candidates:
        ctx.out.check("ob3.recipient", "skipped", "no recipient identity was given")
        return
    if subject is None:
        ctx.out.check("ob3.recipient", "skipped", "the credential has no usable subject")
        return
    report = ctx.out.report
    for candidate in candidates:
        for sid in facts.subject_ids:
            if candidate == sid:
                report.recipient = RecipientResult(checked=True, matched=candidate, identity_type="id", hashed=False)
                ctx.out.check("ob3.recipient", "passed", "credentialSubject.id")
                return
    for claim in claims:
        result = match_identity(claim, candidates)
        if result.matched is not None:
            if result.weak_hash:
                ctx.out.warn(WarningCode.WEAK_HASH, "the recipient identity is hashed with md5", stage=STAGE,
                             path=f"{base}/credentialSubject/identifier")
            report.recipient = RecipientResult(checked=True, matched=result.matched,
                                               identity_type=claim.identity_type, hashed=claim.hashed)
            ctx.out.check("ob3.recipient", "passed", f"identifier of type {claim.identity_type}")
            return
    report.recipient = RecipientResult(checked=True, matched=None)
    if not facts.subject_ids and not as_list(subject.get("identifier")):
        # Nothing to compare with: typically an ecdsa-sd-2023 derived credential whose holder left the
        # identifier out. Not a mismatch, and still no proof that the badge is the given person's.
        ctx.out.error(Code.RECIPIENT_MISMATCH, "the recipient is not disclosed: credentialSubject has neither id "
                      "nor identifier (left out by selective disclosure?), so no given identity can be shown to be "
                      "the credential's recipient", stage=STAGE, path=f"{base}/credentialSubject")
        ctx.out.check("ob3.recipient", "failed", "recipient not disclosed")
        return
    ctx.out.error(Code.RECIPIENT_MISMATCH, "none of the given identities is the credential's recipient",
                  stage=STAGE, path=f"{base}/credentialSubject")
    ctx.out.check("ob3.recipient", "failed", "no identity matched")
