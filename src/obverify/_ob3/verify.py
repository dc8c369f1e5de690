"""Open Badges 3.0 verification (OB 3.0 §9 "Verification and Validation"): VCs, proofs, status.

`verify_ob3(ctx, payload)` takes a parsed JSON-LD object (a credential or a VerifiablePresentation) or a
compact VC-JWT string, and runs the steps of OB 3.0 §9 "OpenBadgeCredential Verification" (and
"EndorsementCredential Verification"), recording every step as a check:

1. conformance: the credential's type (`ob3.type`), `@context` rules (`ob3.context`, contexts_check.py),
   the structure verification relies on (`ob3.structure`, model.py: subject identified by `id` and/or
   `identifier`, dates), and JSON Schemas (`ob3.schema`, validate.py);
2. the proof: embedded Data Integrity proofs (`obverify._ob3.proofs`; every proof must verify and one must
   be bound to the issuer) or the VC-JWT signature and claims (jwt.py) plus any embedded proofs it carries;
3. refresh: `refreshService` is never followed (off by default; DESIGN.md checklist);
4. status (status.py) and validity at `ctx.at` (validity.py);
5. the recipient, when identities were given (recipient.py);
6. embedded endorsements, in child contexts (endorse.py).

Every stage runs even after an earlier one failed, so the report lists every problem. A bug inside a
stage becomes a finding with that stage's code (SECURITY.md §15), never a traceback and never "valid".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.report import Collector, Report
from obverify._core.stage import run_stage
from obverify._engines.spelling import Spelling
from obverify._ob3.contexts_check import check_contexts
from obverify._ob3.endorse import check_endorsements
from obverify._ob3.meaning import credential_meaning
from obverify._ob3.model import as_list, credential_kind, read_facts, summary, types_of
from obverify._ob3.recipient import check_recipient
from obverify._ob3.status import check_status
from obverify._ob3.validate import check_schemas
from obverify._ob3.validity import check_validity

T = TypeVar("T")


def _guard(ctx: RunContext, code: Code, stage: str, default: T, fn: Callable[[], T]) -> T:
    """Run one stage behind the one stage boundary (`obverify._core.stage.run_stage`)."""
    return run_stage(ctx, stage, code, fn, default)


def verify_ob3(ctx: RunContext, payload: Any) -> None:
    """Verify an OB 3.0 credential: `payload` is a parsed JSON-LD object or a compact VC-JWT string."""
    ctx.out.report.version = "3.0"
    if isinstance(payload, str):
        verify_jwt(ctx, payload)
    elif isinstance(payload, Mapping):
        if "VerifiablePresentation" in types_of(payload):
            verify_presentation(ctx, payload)
        else:
            verify_credential(ctx, payload)
    else:
        ctx.out.error(Code.INPUT_INVALID, "an OB 3.0 credential is a JSON object or a compact VC-JWT", stage="sniff")


def verify_jwt(ctx: RunContext, token: str) -> None:
    """A compact VC-JWT (OB 3.0 §8.2): decode, then verify the credential with the JWT as its proof."""
    from obverify._ob3 import jwt as vcjwt

    decoded = vcjwt.decode(ctx, token)
    if decoded is None:
        return
    ctx.out.report.related["jwt"] = {"alg": decoded.header.get("alg"), "kid": decoded.header.get("kid"),
                                     "vcClaim": decoded.vc_claim}

    def proof() -> bool:
        claims_ok = vcjwt.check_claims(ctx, decoded)
        return vcjwt.check_signature(ctx, token, decoded) and claims_ok

    verify_credential(ctx, decoded.credential, jwt_proof=proof)


def verify_credential(ctx: RunContext, credential: Mapping[str, Any], *,
                      jwt_proof: Callable[[], bool] | None = None) -> None:
    """Verify one credential (JSON-LD, or the payload of a VC-JWT whose check is `jwt_proof`)."""
    out = ctx.out
    report = out.report
    if report.badge is None:
        report.badge = credential
    kind = credential_kind(credential)
    meaning: Spelling | None = None
    if kind is None and any(k == "@type" or ":" in k for k in credential):
        # `type` itself respelled: the kind is read from the meaning (the spelling is refused below)
        meaning = _guard(ctx, Code.SCHEMA_INVALID, "schemas", None, lambda: credential_meaning(ctx, credential))
        kind = credential_kind(meaning.reading) if meaning is not None and meaning.reading is not None else None
    if kind is None:
        out.error(Code.INPUT_INVALID, "not an Open Badges 3.0 credential: type must name VerifiableCredential and "
                  "OpenBadgeCredential, AchievementCredential or EndorsementCredential", stage="sniff", path="/type")
        out.check("ob3.type", "failed", "not an Open Badges 3.0 credential")
        return
    out.check("ob3.type", "passed", kind)

    ctx_ok = _guard(ctx, Code.CONTEXT_INVALID, "schemas", False, lambda: check_contexts(ctx, credential))
    out.check("ob3.context", "passed" if ctx_ok else "failed")
    # What is checked is what is signed: facts, status and validity read the credential's compact form
    if meaning is None:
        meaning = _guard(ctx, Code.SCHEMA_INVALID, "schemas", None, lambda: credential_meaning(ctx, credential))
    reading = credential if meaning is None or meaning.reading is None else meaning.reading
    before = report.error_count
    facts = read_facts(ctx, reading, kind)
    out.check("ob3.structure", "passed" if report.error_count == before else "failed")
    _guard(ctx, Code.SCHEMA_INVALID, "schemas", False, lambda: check_schemas(ctx, credential, kind))

    _guard(ctx, Code.PROOF_INVALID, "proofs", False, lambda: _check_proofs(ctx, credential, facts.issuer_id, jwt_proof))

    _guard(ctx, Code.STATUS_UNAVAILABLE, "status", None, lambda: check_status(ctx, reading, facts.issuer_id))
    valid_now = _guard(ctx, Code.SCHEMA_INVALID, "validity", False, lambda: check_validity(ctx, reading, facts))
    if meaning is None or not meaning.ok:
        # its meaning in doubt, nothing read from it may say "not revoked" or "not expired" (what was found stays)
        report.revoked = None if report.revoked is False else report.revoked
        report.expired = None if report.expired is False else report.expired
    out.check("ob3.validity", "passed" if valid_now else "failed")
    _guard(ctx, Code.RECIPIENT_MISMATCH, "recipient", None, lambda: check_recipient(ctx, facts))
    if "refreshService" in credential:
        out.check("ob3.refresh", "skipped", "refreshService is not followed (off by default)")
    _guard(ctx, Code.INPUT_INVALID, "endorsements", None,
           lambda: check_endorsements(ctx, credential, _verify_endorsement))
    report.related.setdefault("summary", summary(reading, facts))


def _check_proofs(ctx: RunContext, credential: Mapping[str, Any], issuer_id: str | None,
                  jwt_proof: Callable[[], bool] | None) -> bool:
    """OB 3.0 §9 step 2: the VC-JWT, and every embedded proof (all must verify; one bound to the issuer)."""
    embedded = as_list(credential.get("proof"))
    ok = True
    detail: list[str] = []
    if jwt_proof is not None:
        ok = jwt_proof()
        detail.append("VC-JWT")
    if embedded:
        if issuer_id is None:
            ctx.out.error(Code.PROOF_INVALID, "the credential has no issuer id to bind its proof to", stage="proofs",
                          path="/proof")
            ok = False
        else:
            # Data Integrity on first use: a VC-JWT alone never loads it (and with it pyld and the suites)
            from obverify._ob3.proofs import check_embedded_proofs

            ok = check_embedded_proofs(ctx, dict(credential), issuer_id=issuer_id) and ok
        detail.append(f"{len(embedded)} embedded proof{'s' if len(embedded) > 1 else ''}")
    elif jwt_proof is None:
        ctx.out.error(Code.PROOF_INVALID, "the credential carries no proof", stage="proofs", path="/proof")
        ok = False
    ctx.out.check("ob3.proof", "passed" if ok else "failed", ", ".join(detail) or "no proof")
    return ok


def _verify_endorsement(ctx: RunContext, item: Any) -> None:
    ctx.out.report.version = "3.0"
    if isinstance(item, str):
        verify_jwt(ctx, item)
    else:
        verify_credential(ctx, item)


def verify_presentation(ctx: RunContext, presentation: Mapping[str, Any]) -> None:
    """A VerifiablePresentation: every credential inside is verified; their findings are the report's.

    The presentation's own proof (holder binding, challenge) concerns the exchange, not the badge; it is
    recorded as not checked.
    """
    out = ctx.out
    items = as_list(presentation.get("verifiableCredential"))
    if not items:
        out.error(Code.INPUT_INVALID, "the presentation holds no verifiableCredential", stage="sniff",
                  path="/verifiableCredential")
        return
    if presentation.get("proof") is not None:
        out.warn(WarningCode.PRESENTATION_PROOF_NOT_CHECKED,
                 "the presentation's own proof is not checked", stage="proofs",
                 path="/proof")
    if len(items) == 1:
        _verify_endorsement(ctx, items[0]) if isinstance(items[0], str | Mapping) else out.error(
            Code.INPUT_INVALID, "a presented credential must be an object or a VC-JWT", stage="sniff",
            path="/verifiableCredential")
        return
    results: list[dict[str, Any]] = []
    limit = ctx.policy.max_presented_credentials
    for i, item in enumerate(items[:limit]):
        child = ctx.child(Collector(Report(checked_at=ctx.at)))
        child.recipients = ctx.recipients
        if isinstance(item, str | Mapping):
            _verify_endorsement(child, item)
        else:
            child.out.error(Code.INPUT_INVALID, "a presented credential must be an object or a VC-JWT", stage="sniff")
        child_report = child.out.finish()
        results.append(child_report.to_dict())
        prefix = f"/verifiableCredential/{i}"
        for f in child_report.errors:
            out.error(f.code, f.message, stage=f.stage, path=prefix + (f.path or ""), url=f.url)
        for f in child_report.warnings:
            out.warn(WarningCode(f.code), f.message, stage=f.stage, path=prefix + (f.path or ""), url=f.url)
        # the child's verdict, not only its listed errors (some may be dropped past the cap), decides
        out.check(f"credential {i}", "passed" if child_report.valid else "failed")
        if i == 0:
            out.report.badge = child_report.badge
            out.report.related.setdefault("summary", child_report.related.get("summary"))
            out.report.recipient = child_report.recipient
    if len(items) > limit:
        # an error, not a warning: the presentation must not come out valid with credentials nobody verified
        out.error(Code.INPUT_INVALID, f"only the first {limit} credentials were verified; the rest were "
                  "not", stage="sniff", path="/verifiableCredential")
    revoked = [r["revoked"] for r in results]
    out.report.revoked = True if True in revoked else (None if None in revoked else False)
    expired = [r["expired"] for r in results]
    out.report.expired = True if True in expired else (None if None in expired else False)
    out.report.related["credentials"] = results
