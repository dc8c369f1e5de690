"""The issuer's revocation list (OB 2.0 "RevocationList", "SignedBadge Verification" step 7; SECURITY.md §12).

Entries are a plain `id` string, an object with `id` and an optional `revocationReason`, or a legacy object
with `uid` (OB 1.x badges without an IRI id). OB 1.1 lists are a JSON object mapping `uid`/`id` to a reason.
A list that cannot be fetched or read makes the check `status_unavailable` and `revoked` stays unknown:
retrieval failure is never "not revoked" (transmute-industries/verifiable-data#232).
"""

from __future__ import annotations

from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.text import quote_url
from obverify._ob2.common import STAGE_STATUS, as_list, types_of
from obverify._ob2.hosted import record_revoked
from obverify._ob2.resolve import in_parent_context
from obverify._ob2.validate import check_document


def _legacy_entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": k, "uid": k, "revocationReason": v if isinstance(v, str) else None} for k, v in doc.items()
            if not k.startswith("@")]


def check_revocation(ctx: RunContext, assertion: dict[str, Any], issuer: dict[str, Any]) -> None:
    """Look the assertion up in the issuer's `revocationList`; set `report.revoked` when it could be decided."""
    report = ctx.out.report
    list_url = issuer.get("revocationList")
    if list_url is None:
        ctx.out.check("revocation", "passed", "the issuer declares no revocation list")
        if report.revoked is None:
            report.revoked = False
        return
    if not isinstance(list_url, str):
        ctx.out.error(Code.STATUS_UNAVAILABLE, "issuer revocationList is not a URL", stage=STAGE_STATUS)
        ctx.out.check("revocation", "failed", "revocation list unusable")
        return
    doc = ctx.fetch_json(list_url, stage=STAGE_STATUS, consequence=Code.STATUS_UNAVAILABLE, what="revocation list")
    if doc is None:
        ctx.out.check("revocation", "failed", "revocation list unavailable")
        return
    if isinstance(doc, dict) and "revokedAssertions" not in doc and not types_of(doc):
        entries: list[Any] = _legacy_entries(doc)
    else:
        in_parent_context(ctx, doc, url=list_url, label="revocation list")  # read by its raw terms either way
        if not check_document(ctx, doc, "revocation-list", url=list_url, label="revocation list"):
            ctx.out.error(Code.STATUS_UNAVAILABLE, "revocation list is malformed", stage=STAGE_STATUS, url=list_url)
            ctx.out.check("revocation", "failed", "revocation list malformed")
            return
        assert isinstance(doc, dict)
        if doc.get("id") not in (None, list_url):
            ctx.out.warn(WarningCode.REVOCATION_LIST_ID_MISMATCH,
                         f"revocation list at {quote_url(list_url)} declares another id",
                         stage=STAGE_STATUS, url=list_url)
        if doc.get("issuer") not in (None, issuer.get("id")):
            ctx.out.warn(WarningCode.REVOCATION_LIST_ISSUER_MISMATCH, "revocation list names another issuer",
                         stage=STAGE_STATUS, url=list_url)
        entries = as_list(doc.get("revokedAssertions"))
    ident = assertion.get("id")
    uid = assertion.get("uid")
    for entry in entries:
        if isinstance(entry, str):
            hit, reason = entry == ident, None
        elif isinstance(entry, dict):
            hit = (entry.get("id") is not None and entry.get("id") == ident) or (
                isinstance(uid, str) and entry.get("uid") == uid
            )
            reason = entry.get("revocationReason")
            if entry.get("revoked") is False:
                hit = False
        else:
            continue
        if hit:
            record_revoked(ctx, reason, url=list_url, how="listed in the issuer's revocation list")
            return
    report.revoked = False if report.revoked is None else report.revoked
    ctx.out.check("revocation", "passed", "not in the issuer's revocation list")
