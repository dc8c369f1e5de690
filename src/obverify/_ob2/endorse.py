"""OB 2.0 "Endorsement": endorsements linked (`endorsement`, OB 2.0 "Properties") from an Assertion,
BadgeClass or issuer Profile are fetched and verified as Endorsements in nested reports.

An endorsement is a third party's claim *about* the badge: a bad one does not make the badge invalid, so
its failures become one warning here (`endorsement_invalid`), with the nested report kept in
`report.related["endorsements"]`. Its `claim.id` must name the endorsed object, else the endorsement is
about something else (`endorsement_claim_mismatch`). At most the policy's `max_ob2_endorsements` per run, nested once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import WarningCode
from obverify._core.report import Collector, Report
from obverify._ob2.common import STAGE_RESOLVE, as_list, node_id

VerifyEndorsement = Callable[[RunContext, Any], None]


def check_endorsements(
    ctx: RunContext, nodes: list[tuple[str, dict[str, Any] | None]], *, verify_endorsement: VerifyEndorsement
) -> None:
    """Verify every endorsement linked from `nodes` (label, document) in a child context."""
    refs = [(label, doc, ref) for label, doc in nodes if isinstance(doc, dict)
            for ref in as_list(doc.get("endorsement"))]
    if not refs:
        return
    if ctx.depth >= 1:
        ctx.out.check("endorsements", "skipped", "endorsements of endorsements are not followed")
        return
    results: list[dict[str, Any]] = []
    all_ok = True
    limit = ctx.policy.max_ob2_endorsements
    for label, doc, ref in refs[:limit]:
        child = ctx.child(Collector(Report(checked_at=ctx.at)))
        verify_endorsement(child, ref)
        child_report = child.out.finish()
        claim = child_report.badge.get("claim") if child_report.badge is not None else None
        claim_id = claim.get("id") if isinstance(claim, dict) else None
        if child_report.valid and claim_id != node_id(doc):
            ctx.out.warn(WarningCode.ENDORSEMENT_CLAIM_MISMATCH,
                         f"an endorsement linked from the {label} claims another entity",
                         stage=STAGE_RESOLVE, url=node_id(ref))
            all_ok = False
        if not child_report.valid:
            ctx.out.warn(WarningCode.ENDORSEMENT_INVALID, f"an endorsement of the {label} did not verify "
                         f"({', '.join(sorted(set(child_report.codes())))})", stage=STAGE_RESOLVE, url=node_id(ref))
            all_ok = False
        results.append({"of": label, **child_report.to_dict()})
    if len(refs) > limit:
        ctx.out.warn(WarningCode.ENDORSEMENTS_TRUNCATED, f"only the first {limit} endorsements were verified",
                     stage=STAGE_RESOLVE)
    ctx.out.report.related["endorsements"] = results
    ctx.out.check("endorsements", "passed" if all_ok else "failed", f"{len(results)} endorsement(s) verified")
