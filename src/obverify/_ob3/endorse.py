"""Embedded endorsements of OB 3.0 credentials (OB 3.0 §9 step 6 and "EndorsementCredential Verification").

Every `endorsement` (an embedded EndorsementCredential) and `endorsementJwt` (a VC-JWT) found anywhere in
the credential — on the credential, its issuer, the achievement, its creator, the subject's source, … — is
verified with the same pipeline in a child context (`ctx.child(Collector(Report()))`): same loader, cache
and instant, its own findings. The nested reports go to `report.related["endorsements"]`; a failing
endorsement is a warning on the outer credential (it does not make the credential itself invalid).
Endorsements inside endorsements are not followed beyond the policy's `max_endorsement_depth`, and at most
`max_endorsements` are verified per credential (`VerificationPolicy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import WarningCode
from obverify._core.report import Collector, Report

STAGE = "endorsements"
MAX_WALK = 10_000


def find_endorsements(document: Any, base: str = "") -> Iterator[tuple[str, Any]]:
    """(JSON pointer, endorsement) for every embedded endorsement, without descending into endorsements."""
    stack: list[tuple[str, Any]] = [(base, document)]
    seen = 0
    while stack and seen < MAX_WALK:
        path, node = stack.pop()
        seen += 1
        if isinstance(node, Mapping):
            for key, value in node.items():
                here = f"{path}/{key}"
                if key in ("endorsement", "endorsementJwt"):
                    for i, item in enumerate(value if isinstance(value, list) else [value]):
                        yield (f"{here}/{i}" if isinstance(value, list) else here), item
                elif key not in ("proof", "@context"):
                    stack.append((here, value))
        elif isinstance(node, list):
            stack.extend((f"{path}/{i}", v) for i, v in reversed(list(enumerate(node))))


def check_endorsements(ctx: RunContext, credential: Mapping[str, Any],
                       verify: Callable[[RunContext, Any], None]) -> None:
    """Verify every embedded endorsement with `verify` in a child context; record results and warnings."""
    found = sorted(find_endorsements(credential), key=lambda item: item[0])
    if not found:
        ctx.out.check("ob3.endorsements", "skipped", "no embedded endorsements")
        return
    if ctx.depth >= ctx.policy.max_endorsement_depth:
        ctx.out.check("ob3.endorsements", "skipped", "endorsements nested too deeply are not followed")
        return
    results: list[dict[str, Any]] = []
    failed = 0
    for n, (path, item) in enumerate(found):
        if n >= ctx.policy.max_endorsements:
            ctx.out.warn(WarningCode.ENDORSEMENT_NOT_CHECKED,
                         f"only the first {ctx.policy.max_endorsements} endorsements are verified",
                         stage=STAGE, path=path)
            break
        child = ctx.child(Collector(Report(checked_at=ctx.at)))
        if isinstance(item, str | Mapping):
            verify(child, dict(item) if isinstance(item, Mapping) else item)
        else:
            child.out.error("schema_invalid", "an endorsement must be a credential object or a VC-JWT", stage=STAGE)
        child_report = child.out.finish()
        results.append({"path": path, "valid": child_report.valid, "report": child_report.to_dict()})
        if not child_report.valid:
            failed += 1
            codes = ", ".join(sorted(set(child_report.codes())))
            ctx.out.warn(WarningCode.ENDORSEMENT_INVALID,
                         f"an embedded endorsement did not verify ({codes})", stage=STAGE,
                         path=path)
    ctx.out.report.related["endorsements"] = results
    ctx.out.check("ob3.endorsements", "passed" if not failed else "failed",
                  f"{len(results) - failed} of {len(results)} endorsements verified")
