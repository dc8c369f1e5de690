"""Open Badges 0.5 / 1.0 / 1.1 / 2.0 verification (OB 2.0 "Verification" and "Data Validation").

The orchestrator of the OB 2.0 stages, in the order of DESIGN.md §1:

- `upgrade`: detect the version and read 0.5/1.x objects into the 2.0 shape;
- `resolve`: Assertion → BadgeClass → issuer Profile (and JSON-LD compaction into the v2 context);
- `validate`: the project's schema per class plus the semantic rules;
- `hosted` / `signed`: the two OB 2.0 verification methods, with the issuer's scope or key binding;
- `recipient`, `status` (revocation list), `validity` (issuedOn / expires at `ctx.at`);
- `endorse`: OB 2.0 Endorsements linked from the badge objects, verified as nested reports.

Standalone BadgeClass, Profile/Issuer, Endorsement, RevocationList and CryptographicKey documents given as
input verify as what they are. Every outcome is a finding or a check; nothing raises across `verify_ob2`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.loader import Document
from obverify._core.objects import refuse_standalone
from obverify._core.report import RecipientResult
from obverify._core.stage import run_stage
from obverify._core.text import quote
from obverify._ob2.common import (
    SIGNED_TYPES,
    STAGE_PROOFS,
    STAGE_RESOLVE,
    STAGE_SCHEMAS,
    V2_CONTEXT,
    display_text,
    is_http_url,
    node_id,
    types_of,
)
from obverify._ob2.endorse import check_endorsements
from obverify._ob2.hosted import check_scope, fetch_hosted, record_revoked
from obverify._ob2.recipient import check_recipient
from obverify._ob2.resolve import check_declared_id, has_inline_context, in_parent_context, read_document, resolve_node
from obverify._ob2.status import check_revocation
from obverify._ob2.upgrade import (
    Version,
    detect_version,
    is_exact_v2,
    upgrade_assertion,
    upgrade_badgeclass,
    upgrade_issuer,
)
from obverify._ob2.validate import check_document
from obverify._ob2.validity import check_validity

__all__ = ["verify_ob2"]

_PROFILE_TYPES = frozenset({"Issuer", "Profile"})
_NOT_AWARDED = {"badgeclass": "BadgeClass", "profile": "Profile", "endorsement": "Endorsement",
                "revocation-list": "RevocationList", "cryptographic-key": "CryptographicKey"}
"""OB 2.0 classes that are no awarded badge: judged only when the run allows any object (obverify._core.objects)."""


def verify_ob2(ctx: RunContext, payload: Any, *, fetched: Document | None = None) -> None:
    """Verify an OB 0.5-2.0 badge: `payload` is a parsed JSON object, a compact JWS, or a hosted URL.

    `fetched` is set when `payload` came from fetching `fetched.url` (so it is already the hosted copy; a
    `fetched.status` of 410 means the hosted assertion is revoked).
    """
    if isinstance(payload, dict):
        _verify_json(ctx, payload, fetched)
    elif isinstance(payload, str) and fetched is not None and payload == fetched.url:
        _verify_hosted_pointer(ctx, payload, "2.0", fetched)
        _describe_unverified(ctx, None, "2.0")
    elif isinstance(payload, str):
        _verify_jws(ctx, payload)
    else:
        ctx.out.error(Code.INPUT_INVALID, "not an Open Badges object", stage="sniff")


def _kind(doc: dict[str, Any], version: Version) -> str:
    types = types_of(doc)
    if "Assertion" in types:
        return "assertion"
    if "BadgeClass" in types:
        return "badgeclass"
    if types & _PROFILE_TYPES:
        return "profile"
    if "Endorsement" in types:
        return "endorsement"
    if "RevocationList" in types:
        return "revocation-list"
    if "CryptographicKey" in types:
        return "cryptographic-key"
    if types:
        return "unknown"
    if "recipient" in doc or "badge" in doc or "verify" in doc or "verification" in doc or doc.get("revoked") is True:
        return "assertion"
    if "criteria" in doc and "issuer" in doc:
        return "badgeclass"
    if version != "2.0" and "name" in doc and ("url" in doc or "origin" in doc):
        return "profile"
    return "unknown"


def _verify_json(ctx: RunContext, doc: dict[str, Any], fetched: Document | None) -> None:
    version = detect_version(doc)
    if version is None and not has_inline_context(doc):
        ctx.out.error(Code.CONTEXT_INVALID, "the JSON names no Open Badges @context", stage=STAGE_SCHEMAS,
                      path="/@context")
        return
    if version is None or (version == "2.0" and not is_exact_v2(doc)):
        # what the document is, and the id a hosted pointer names, are read from its JSON-LD
        # meaning (compacted into the v2 context), never from raw keys a local context may have redefined
        read = read_document(ctx, doc, url=fetched.url if fetched else None, label="badge", extensions=False)
        if read is None:
            return
        doc, version = read
    ctx.out.report.version = version
    kind = _kind(doc, version)
    if ctx.objects == "awarded" and refuse_standalone(ctx, _NOT_AWARDED.get(kind)):
        return
    if kind == "assertion":
        _verify_assertion_json(ctx, doc, version, fetched)
    elif kind == "badgeclass":
        _verify_badgeclass(ctx, doc, version, fetched)
    elif kind == "profile":
        _verify_profile(ctx, doc, version, fetched)
    elif kind == "endorsement":
        _verify_endorsement_json(ctx, doc, fetched)
    elif kind in ("revocation-list", "cryptographic-key"):
        _verify_plain(ctx, doc, kind, fetched)
    else:
        ctx.out.error(Code.INPUT_INVALID, "the JSON is no Open Badges object this verifier knows", stage="sniff")


# --- Assertions -------------------------------------------------------------------------------------------


def _verification_type(doc: dict[str, Any]) -> str | None:
    verification = doc.get("verification")
    vtype = verification.get("type") if isinstance(verification, dict) else None
    return vtype if isinstance(vtype, str) else None


def _verify_assertion_json(ctx: RunContext, doc: dict[str, Any], version: Version, fetched: Document | None) -> None:
    pointer = upgrade_assertion(doc, version, source_url=fetched.url if fetched is not None else None)
    _verify_pointer(ctx, pointer, version, fetched)
    _describe_unverified(ctx, pointer, version)


def _verify_pointer(ctx: RunContext, pointer: dict[str, Any], version: Version, fetched: Document | None) -> None:
    """A presented assertion JSON: only its hosted copy, loaded from its id, is verified."""
    if _verification_type(pointer) in SIGNED_TYPES:
        ctx.out.error(
            Code.PROOF_INVALID, "a signed assertion must be verified from its JWS, not from bare JSON",
            stage=STAGE_PROOFS, path="/verification",
        )
        ctx.out.check("signature", "failed", "no JWS given")
        return
    url = pointer.get("id")
    if not is_http_url(url):
        ctx.out.error(
            Code.PROOF_INVALID, "a hosted assertion needs an http(s) id (1.0: verify.url) to be fetched from",
            stage=STAGE_PROOFS, path="/id",
        )
        ctx.out.check("hosted.refetch", "failed", "no URL to verify at")
        return
    assert isinstance(url, str)
    _verify_hosted_pointer(ctx, url, version, fetched)


_HOSTED_VERSIONS: dict[object, Version] = {"0.5": "0.5", "1.0": "1.0", "1.1": "1.1", "2.0": "2.0"}


def _describe_unverified(ctx: RunContext, presented: dict[str, Any] | None, version: Version) -> None:
    """Give a hosted assertion that failed before its checks ran a summary and a recipient note.

    A hosted copy that is a revocation notice (`revoked: true`, 410 Gone), that could not be loaded, or that is
    not the document it claims to be stops the verification before the badge class, issuer and recipient
    are read, so the report said `summary: null` and "recipient: not checked" even when a recipient was
    given. This describes the badge from the copy at hand (the issuer's own revoked copy if it is a whole
    assertion, else the copy presented), marked `unverified` with its `source`; it resolves the badge class
    and issuer through the same run (same loader, cache and limits) into a scratch collector whose findings
    are dropped, and puts the recipient outcome into `recipient.detail` only: `matched` stays empty. Only a
    report that already has errors is ever described so, so this can never help a badge pass.
    """
    report = ctx.out.report
    if "summary" in report.related or not report.errors:
        return
    hosted = report.badge if isinstance(report.badge, dict) and "badge" in report.badge else None
    if hosted is not None:
        use_version = _HOSTED_VERSIONS.get(report.version, version)
        assertion, source = upgrade_assertion(dict(hosted), use_version), "hosted"
    elif presented is not None and ("badge" in presented or "recipient" in presented):
        use_version, assertion, source = version, presented, "presented"
    else:  # nothing to describe: a URL given alone, or the presented copy is itself the revocation notice
        return
    from obverify._core.report import Collector, Report

    scratch = Collector(Report(version=use_version))
    aside = ctx.aside(scratch)
    found: dict[str, Any] = {}

    def resolve() -> None:
        resolved = resolve_node(aside, assertion.get("badge"), label="badge class", kind="badgeclass",
                                version=use_version, path="/badge")
        if resolved is not None:
            found["badgeclass"] = resolved[0]
            by = resolve_node(aside, resolved[0].get("issuer"), label="issuer", kind="issuer", version=use_version,
                              path="/badge/issuer")
            if by is not None:
                found["issuer"] = by[0]

    _guarded(aside, None, STAGE_RESOLVE, resolve)
    _guarded(aside, None, "recipient", check_recipient, aside, assertion)
    for url in scratch.report.documents:
        if url not in report.documents:
            report.documents.append(url)
    for url, content in scratch.report.originals.items():
        report.originals.setdefault(url, content)
    summary = _summary(assertion, found.get("badgeclass"), found.get("issuer"), report.revoked, report.expired)
    report.related["summary"] = {**summary, "unverified": True, "source": source}
    seen = scratch.report.recipient
    if ctx.recipients and not report.recipient.checked:
        copy = "the issuer's revoked copy" if source == "hosted" else "the copy presented"
        if seen.matched is not None:
            said = f"{copy} names {quote(seen.matched, 200)} as its recipient, but it could not be verified"
        elif seen.checked and seen.identity_type is not None:
            said = f"{copy} names none of the identities given, and it could not be verified"
        else:
            said = f"{copy} names no usable recipient, and it could not be verified"
        report.recipient = RecipientResult(checked=False, identity_type=seen.identity_type, hashed=seen.hashed,
                                           detail=said)


def _verify_hosted_pointer(ctx: RunContext, url: str, version: Version, fetched: Document | None) -> None:
    """HostedBadge: load the assertion at `url` and verify that copy."""
    copy = fetch_hosted(ctx, url, fetched=fetched, label="assertion")
    if copy is None:
        ctx.out.check("hosted.refetch", "failed", "the hosted assertion could not be loaded")
        return
    ctx.out.check("hosted.refetch", "passed", "verified the copy at its id")
    value = copy.value
    if copy.status == 410:
        reason = value.get("revocationReason") if isinstance(value, dict) else None
        record_revoked(ctx, reason, url=url, how="the hosted assertion answers 410 Gone")
        return
    read = read_document(ctx, value, url=url, label="hosted assertion", default_version=version)
    if read is None:
        return
    raw, hosted_version = read
    ctx.out.report.version = hosted_version
    if isinstance(raw, dict) and raw.get("revoked") is True:
        # the document at the assertion's URL speaks for that URL: a revocation stub needs no other property
        # (OB 2.0 "Revoking Hosted Assertions"), and honouring it can only refuse a badge, never forge one
        ctx.out.report.badge = raw
        record_revoked(ctx, raw.get("revocationReason"), url=url, how="the hosted assertion says revoked")
        return
    assertion = upgrade_assertion(raw, hosted_version, source_url=url)
    if not check_declared_id(ctx, assertion, url, label="hosted assertion"):
        return
    if _verification_type(assertion) in SIGNED_TYPES:
        ctx.out.error(Code.PROOF_INVALID, "the hosted copy declares signed verification", stage=STAGE_PROOFS,
                      path="/verification/type", url=url)
        return
    _verify_assertion(ctx, assertion, hosted_version, token=None)


def _verify_jws(ctx: RunContext, token: str) -> None:
    """SignedBadge steps 1-2: decode and parse the payload, then verify the assertion it carries."""
    from obverify._engines.jose import JoseError, decode_unverified

    try:
        _header, claims, _payload = decode_unverified(token, ctx.policy.max_jws_chars)
    except JoseError as exc:
        ctx.out.error(Code.INPUT_INVALID, f"compact JWS is malformed: {exc}", stage="sniff")
        return
    if claims is None:
        ctx.out.error(Code.PROOF_INVALID, "the JWS payload is not a JSON object", stage=STAGE_PROOFS)
        return
    version = detect_version(claims)
    if version is None and not has_inline_context(claims):
        ctx.out.error(Code.CONTEXT_INVALID, "the JWS payload names no Open Badges @context", stage=STAGE_SCHEMAS,
                      path="/@context")
        return
    read = read_document(ctx, claims, url=None, label="signed payload", default_version=version or "2.0")
    if read is None:
        return
    doc, version = read
    ctx.out.report.version = version
    if _kind(doc, version) == "endorsement":
        if ctx.objects == "awarded" and refuse_standalone(ctx, "Endorsement"):
            return
        _verify_endorsement_doc(ctx, doc, token=token, url=None)
        return
    assertion = upgrade_assertion(doc, version)
    if _verification_type(assertion) not in SIGNED_TYPES:
        ctx.out.error(Code.PROOF_INVALID, "the JWS payload does not declare signed verification",
                      stage=STAGE_PROOFS, path="/verification/type")
    _verify_assertion(ctx, assertion, version, token=token)


def _verify_assertion(ctx: RunContext, assertion: dict[str, Any], version: Version, *, token: str | None) -> None:
    """The checks shared by hosted and signed assertions, once the trusted copy is in hand."""
    report = ctx.out.report
    report.badge = assertion
    report.related["type"] = "Assertion"
    check_document(ctx, assertion, "assertion", url=None if token else assertion.get("id"))
    badgeclass = issuer = None
    resolved = resolve_node(ctx, assertion.get("badge"), label="badge class", kind="badgeclass", version=version,
                            path="/badge")
    if resolved is not None:
        badgeclass, bc_url = resolved
        check_document(ctx, badgeclass, "badgeclass", url=bc_url, label="badge class")
        report.related["badgeclass"] = badgeclass
        resolved_issuer = resolve_node(ctx, badgeclass.get("issuer"), label="issuer", kind="issuer",
                                       version=version, path="/badge/issuer")
        if resolved_issuer is not None:
            issuer, issuer_url = resolved_issuer
            check_document(ctx, issuer, "issuer", url=issuer_url, legacy=version != "2.0")
            report.related["issuer"] = issuer
    if issuer is None:
        ctx.out.check("signature" if token else "hosted.scope", "skipped", "the issuer could not be resolved")
        ctx.out.check("revocation", "skipped", "the issuer could not be resolved")
        if not ctx.out.has_error():
            ctx.out.error(Code.FETCH_FAILED, "the badge's issuer could not be resolved", stage=STAGE_RESOLVE)
    else:
        if token is not None:
            from obverify._ob2.signed import verify_signature  # cryptography is imported for signed badges only

            _guarded(ctx, Code.PROOF_INVALID, STAGE_PROOFS, verify_signature, ctx, token, assertion, issuer,
                     legacy=version != "2.0")
        else:
            assert badgeclass is not None
            targets = [("assertion", assertion.get("id"))]
            if version != "0.5":  # a 0.5 badge class is embedded in the hosted assertion and has no id
                targets.append(("badge class", badgeclass.get("id")))
            _guarded(ctx, Code.ISSUER_MISMATCH, STAGE_PROOFS, check_scope, ctx, issuer, targets)
        _guarded(ctx, Code.STATUS_UNAVAILABLE, "status", check_revocation, ctx, assertion, issuer)
    _guarded(ctx, Code.RECIPIENT_MISMATCH, "recipient", check_recipient, ctx, assertion)
    _guarded(ctx, Code.SCHEMA_INVALID, "validity", check_validity, ctx, assertion)
    _guarded(ctx, None, STAGE_RESOLVE, check_endorsements, ctx,
             [("assertion", assertion), ("badge class", badgeclass), ("issuer", issuer)],
             verify_endorsement=_verify_endorsement_ref)
    report.related["summary"] = _summary(assertion, badgeclass, issuer, report.revoked, report.expired)


def _guarded(ctx: RunContext, code: Code | None, stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run one stage behind the one stage boundary (`obverify._core.stage.run_stage`): a bug in it becomes a failed
    stage with that stage's code, never a traceback and never a pass. `code` None (endorsements) makes it a
    warning."""
    run_stage(ctx, stage, code, lambda: fn(*args, **kwargs), None)


def _display_image(value: Any) -> str | None:
    ident = node_id(value)
    return ident if is_http_url(ident) else None


def _summary(
    assertion: dict[str, Any], badgeclass: dict[str, Any] | None, issuer: dict[str, Any] | None,
    revoked: bool | None, expired: bool | None,
) -> dict[str, Any]:
    """The displayer summary (name, description, issuer, dates, image; never image data)."""
    bc = badgeclass or {}
    return {
        "name": display_text(bc.get("name")),
        "description": display_text(bc.get("description")),
        "issuer": display_text((issuer or {}).get("name")),
        "issuerName": display_text((issuer or {}).get("name")),
        "issuerId": (issuer or {}).get("id"),
        "issuedOn": assertion.get("issuedOn"),
        "expires": assertion.get("expires"),
        "image": _display_image(assertion.get("image")) or _display_image(bc.get("image")),
        "revoked": revoked,
        "expired": expired,
    }


# --- Standalone documents ---------------------------------------------------------------------------------


def _trusted_copy(
    ctx: RunContext, doc: dict[str, Any], version: Version, fetched: Document | None, *, label: str, kind: str
) -> tuple[dict[str, Any], str | None] | None:
    """A standalone document with an http(s) id is, like a hosted assertion, taken from that id."""
    ident = doc.get("id")
    upgrade = upgrade_badgeclass if kind == "badgeclass" else upgrade_issuer
    if is_http_url(ident) and not (fetched is not None and fetched.url == ident):
        return resolve_node(ctx, ident, label=label, kind=kind, version=version, path="/id")
    read = read_document(ctx, doc, url=fetched.url if fetched else None, label=label, default_version=version)
    if read is None:
        return None
    value, doc_version = read
    out = upgrade(value, doc_version, source_url=fetched.url if fetched else None)
    if fetched is not None and not check_declared_id(ctx, out, fetched.url, label=label):
        return None
    return out, fetched.url if fetched else None


def _verify_badgeclass(ctx: RunContext, doc: dict[str, Any], version: Version, fetched: Document | None) -> None:
    report = ctx.out.report
    report.related["type"] = "BadgeClass"
    copy = _trusted_copy(ctx, doc, version, fetched, label="badge class", kind="badgeclass")
    if copy is None:
        return
    badgeclass, url = copy
    report.badge = badgeclass
    check_document(ctx, badgeclass, "badgeclass", url=url, label="badge class")
    resolved = resolve_node(ctx, badgeclass.get("issuer"), label="issuer", kind="issuer", version=version,
                            path="/issuer")
    issuer = None
    if resolved is not None:
        issuer, issuer_url = resolved
        check_document(ctx, issuer, "issuer", url=issuer_url, legacy=version != "2.0")
        report.related["issuer"] = issuer
        if is_http_url(badgeclass.get("id")):
            check_scope(ctx, issuer, [("badge class", badgeclass.get("id"))])
    check_endorsements(ctx, [("badge class", badgeclass), ("issuer", issuer)],
                       verify_endorsement=_verify_endorsement_ref)
    report.related["summary"] = {
        "name": display_text(badgeclass.get("name")), "description": display_text(badgeclass.get("description")),
        "issuer": display_text((issuer or {}).get("name")), "issuerName": display_text((issuer or {}).get("name")),
        "issuerId": (issuer or {}).get("id"), "image": _display_image(badgeclass.get("image")),
    }


def _verify_profile(ctx: RunContext, doc: dict[str, Any], version: Version, fetched: Document | None) -> None:
    report = ctx.out.report
    report.related["type"] = "Profile"
    copy = _trusted_copy(ctx, doc, version, fetched, label="profile", kind="issuer")
    if copy is None:
        return
    profile, url = copy
    report.badge = profile
    issuing = "Issuer" in types_of(profile) or any(k in profile for k in ("publicKey", "revocationList"))
    check_document(ctx, profile, "issuer" if issuing else "profile", url=url, label="profile", legacy=version != "2.0")
    check_endorsements(ctx, [("profile", profile)], verify_endorsement=_verify_endorsement_ref)
    report.related["summary"] = {"name": display_text(profile.get("name")), "issuer": display_text(profile.get("name")),
                                 "issuerName": display_text(profile.get("name")), "issuerId": profile.get("id"),
                                 "image": _display_image(profile.get("image"))}


def _verify_plain(ctx: RunContext, doc: dict[str, Any], kind: str, fetched: Document | None) -> None:
    report = ctx.out.report
    report.related["type"] = "RevocationList" if kind == "revocation-list" else "CryptographicKey"
    read = read_document(ctx, doc, url=fetched.url if fetched else None, label=kind, default_version="2.0")
    if read is None:
        return
    value, _version = read
    report.badge = value
    url = fetched.url if fetched else None
    if not check_document(ctx, value, kind, url=url) or kind != "cryptographic-key":
        return
    from obverify._ob2.signed import load_pem

    if load_pem(value.get("publicKeyPem")) is None:
        ctx.out.error(Code.SCHEMA_INVALID, "publicKeyPem is not a usable public key", stage=STAGE_SCHEMAS,
                      path="/publicKeyPem", url=url)


# --- Endorsements -----------------------------------------------------------------------------------------


def _verify_endorsement_json(ctx: RunContext, doc: dict[str, Any], fetched: Document | None) -> None:
    ctx.out.report.related["type"] = "Endorsement"
    if _verification_type(doc) in SIGNED_TYPES:
        ctx.out.error(Code.PROOF_INVALID, "a signed endorsement must be verified from its JWS", stage=STAGE_PROOFS)
        return
    url = doc.get("id")
    if not is_http_url(url):
        ctx.out.error(Code.PROOF_INVALID, "a hosted endorsement needs an http(s) id", stage=STAGE_PROOFS, path="/id")
        return
    assert isinstance(url, str)
    _verify_endorsement_ref(ctx, url, fetched=fetched)


def _verify_endorsement_ref(ctx: RunContext, ref: Any, *, fetched: Document | None = None) -> None:
    """Verify an endorsement given by URL (hosted) or embedded (only its JWS-less hosted form is trusted)."""
    url = node_id(ref)
    if not is_http_url(url):
        ctx.out.error(Code.PROOF_INVALID, "an endorsement needs an http(s) id to be verified", stage=STAGE_PROOFS)
        return
    assert isinstance(url, str)
    copy = fetch_hosted(ctx, url, fetched=fetched, label="endorsement")
    if copy is None:
        return
    if copy.status == 410:
        record_revoked(ctx, None, url=url, how="the hosted endorsement answers 410 Gone")
        return
    value = copy.value
    if in_parent_context(ctx, value, url=url, label="endorsement"):
        value = {"@context": V2_CONTEXT, **value}
    read = read_document(ctx, value, url=url, label="endorsement")
    if read is None:
        return
    doc, version = read
    ctx.out.report.version = version
    if not check_declared_id(ctx, doc, url, label="endorsement"):
        return
    if doc.get("revoked") is True:
        record_revoked(ctx, doc.get("revocationReason"), url=url, how="the hosted endorsement says revoked")
        return
    _verify_endorsement_doc(ctx, doc, token=None, url=url)


def _verify_endorsement_doc(ctx: RunContext, doc: dict[str, Any], *, token: str | None, url: str | None) -> None:
    report = ctx.out.report
    report.related["type"] = "Endorsement"
    report.badge = doc
    check_document(ctx, doc, "endorsement", url=url)
    resolved = resolve_node(ctx, doc.get("issuer"), label="endorser", kind="issuer", version="2.0", path="/issuer")
    if resolved is None:
        ctx.out.check("signature" if token else "hosted.scope", "skipped", "the endorser could not be resolved")
    else:
        issuer, issuer_url = resolved
        check_document(ctx, issuer, "issuer", url=issuer_url, label="endorser")
        report.related["issuer"] = issuer
        if token is not None:
            from obverify._ob2.signed import verify_signature

            verify_signature(ctx, token, doc, issuer, legacy=False)
        else:
            check_scope(ctx, issuer, [("endorsement", doc.get("id"))])
        check_revocation(ctx, doc, issuer)
    check_validity(ctx, doc, label="endorsement")
    claim = doc.get("claim")
    report.related["summary"] = {
        "name": "Endorsement", "issuer": display_text((report.related.get("issuer") or {}).get("name")),
        "issuerName": display_text((report.related.get("issuer") or {}).get("name")),
        "issuerId": (report.related.get("issuer") or {}).get("id"), "expires": doc.get("expires"),
        "issuedOn": doc.get("issuedOn"), "claim": claim.get("id") if isinstance(claim, dict) else None,
    }
