"""Unit tests of the OB 3.0 stages that need no signature: model, @context, validity, recipient, schemas."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from obverify import DocumentStore
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.schemas import schema_errors
from obverify._ob3.contexts_check import check_contexts
from obverify._ob3.endorse import find_endorsements
from obverify._ob3.model import credential_kind, data_model, read_facts
from obverify._ob3.recipient import check_recipient
from obverify._ob3.validate import check_schemas, own_schema_for
from obverify._ob3.validity import check_validity, window_ok
from obverify._ob3.verify import verify_credential

AT = datetime(2026, 1, 1, tzinfo=UTC)
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def make_ctx(recipients: tuple[str, ...] = (), docs: dict[str, bytes] | None = None) -> RunContext:
    return RunContext(loader=DocumentStore(docs or {}), at=AT, recipients=recipients, out=Collector(Report()))


def cred(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "@context": [VC2, OB3],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Badge",
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://x.example/a", "type": ["Achievement"], "name": "A",
                            "description": "d", "criteria": {"narrative": "n"}},
        },
    }
    base.update(extra)
    return base


def codes(ctx: RunContext) -> list[str]:
    return ctx.out.report.codes()


def test_kinds_and_models() -> None:
    assert credential_kind(cred()) == "achievement"
    assert credential_kind(cred(type=["VerifiableCredential", "EndorsementCredential"])) == "endorsement"
    assert credential_kind(cred(type=["VerifiableCredential"])) is None
    assert credential_kind(cred(type="OpenBadgeCredential")) is None
    assert data_model(cred()) == "2.0"
    assert data_model(cred(**{"@context": ["https://www.w3.org/2018/credentials/v1", OB3]})) == "1.1"


def test_subject_without_id_or_identifier_is_schema_invalid() -> None:
    c = cred()
    del c["credentialSubject"]["id"]
    ctx = make_ctx()
    read_facts(ctx, c, "achievement")
    assert codes(ctx) == ["schema_invalid"]
    assert ctx.out.report.errors[0].path == "/credentialSubject"


def test_identifier_alone_identifies_the_subject() -> None:
    c = cred()
    del c["credentialSubject"]["id"]
    c["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "identityHash": "a@example.org",
                                             "identityType": "emailAddress", "hashed": False}]
    ctx = make_ctx()
    read_facts(ctx, c, "achievement")
    assert codes(ctx) == []


@pytest.mark.parametrize("bad", ["2024-13-45T25:61:61Z", "2025-01-01T00:00:00", "-0001-01-01T00:00:00Z", 12])
def test_impossible_dates_are_schema_invalid(bad: Any) -> None:
    ctx = make_ctx()
    read_facts(ctx, cred(validFrom=bad), "achievement")
    assert "schema_invalid" in codes(ctx)


def test_expiry_before_issuance_is_schema_invalid() -> None:
    ctx = make_ctx()
    read_facts(ctx, cred(validUntil="2024-01-01T00:00:00Z"), "achievement")
    assert "schema_invalid" in codes(ctx)


def test_v1_dates_are_read() -> None:
    c = cred(**{"@context": ["https://www.w3.org/2018/credentials/v1", OB3]})
    del c["validFrom"]
    c["issuanceDate"] = "2025-01-01T00:00:00Z"
    c["expirationDate"] = "2025-06-01T00:00:00Z"
    ctx = make_ctx()
    facts = read_facts(ctx, c, "achievement")
    assert facts.valid_until_field == "expirationDate"
    check_validity(ctx, c, facts)
    assert codes(ctx) == ["expired"]
    assert ctx.out.report.expired is True


def test_not_yet_valid_and_future_proof_and_awarded() -> None:
    c = cred(validFrom="2027-01-01T00:00:00Z", proof={"type": "DataIntegrityProof", "created": "2027-01-01T00:00:00Z"})
    c["credentialSubject"]["awardedDate"] = "2026-06-01T00:00:00Z"
    ctx = make_ctx()
    check_validity(ctx, c, read_facts(ctx, c, "achievement"))
    assert codes(ctx) == ["not_yet_valid"] * 3
    assert {e.path for e in ctx.out.report.errors} == {"/validFrom", "/credentialSubject/awardedDate",
                                                       "/proof/0/created"}
    assert ctx.out.report.expired is False


def test_window_ok() -> None:
    assert window_ok({"validFrom": "2025-01-01T00:00:00Z"}, AT) == (True, None)
    assert window_ok({"validUntil": "2025-01-01T00:00:00Z"}, AT)[0] is False
    assert window_ok({"validFrom": "2027-01-01T00:00:00Z"}, AT)[0] is False
    assert window_ok({"issuanceDate": "garbage"}, AT)[0] is False


@pytest.mark.parametrize(
    ("contexts", "code"),
    [
        ([VC2, OB3], None),
        (["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
         None),
        ([OB3, VC2], "context_invalid"),
        ([VC2], "context_invalid"),
        ([VC2, OB3, {"issuer": "https://evil.example/issuer"}], "context_invalid"),
        ([VC2, OB3, "http://insecure.example/ctx"], "context_invalid"),
        (VC2, "context_invalid"),
    ],
)
def test_context_rules(contexts: Any, code: str | None) -> None:
    ctx = make_ctx()
    ok = check_contexts(ctx, {"@context": contexts})
    assert ok is (code is None)
    assert codes(ctx) == ([code] if code else [])


def test_missing_context() -> None:
    ctx = make_ctx()
    assert check_contexts(ctx, {}) is False
    assert codes(ctx) == ["context_invalid"]


@pytest.mark.parametrize(
    ("ob", "warning"),
    [
        ("https://purl.imsglobal.org/spec/ob/v3p0/context.json", "context_alias"),
        ("https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld", "context_alias"),
        ("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.9.json", "context_unknown_version"),
    ],
)
def test_context_aliases_warn(ob: str, warning: str) -> None:
    ctx = make_ctx()
    assert check_contexts(ctx, {"@context": [VC2, ob]}) is True
    assert [w.code for w in ctx.out.report.warnings] == [warning]


def _hashed(identity: str, salt: str = "s") -> dict[str, Any]:
    return {"type": "IdentityObject", "hashed": True, "salt": salt, "identityType": "emailAddress",
            "identityHash": "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()}


@pytest.mark.parametrize(
    ("given", "matched"),
    [
        ("learner@example.org", "learner@example.org"),
        ("LEARNER@example.org", "LEARNER@example.org"),
        ("learner@exampl\u212a.org", None),  # KELVIN SIGN never folds onto k
        ("other@example.org", None),
    ],
)
def test_hashed_identifier_matching(given: str, matched: str | None) -> None:
    c = cred()
    del c["credentialSubject"]["id"]
    c["credentialSubject"]["identifier"] = [_hashed("learner@example.org")]
    ctx = make_ctx((given,))
    check_recipient(ctx, read_facts(ctx, c, "achievement"))
    assert ctx.out.report.recipient.checked is True
    assert ctx.out.report.recipient.matched == matched
    assert codes(ctx) == ([] if matched else ["recipient_mismatch"])


def test_subject_id_is_exact() -> None:
    ctx = make_ctx(("did:example:LEARNER",))
    check_recipient(ctx, read_facts(ctx, cred(), "achievement"))
    assert codes(ctx) == ["recipient_mismatch"]
    ctx = make_ctx(("did:example:learner",))
    check_recipient(ctx, read_facts(ctx, cred(), "achievement"))
    assert ctx.out.report.recipient.matched == "did:example:learner"


def test_no_recipient_given_is_not_checked() -> None:
    ctx = make_ctx()
    check_recipient(ctx, read_facts(ctx, cred(), "achievement"))
    assert ctx.out.report.recipient.checked is False
    assert ctx.out.report.checks[-1].status == "skipped"


def test_hashed_identifier_of_wrong_shape_is_schema_invalid() -> None:
    c = cred()
    c["credentialSubject"]["identifier"] = [{"type": "IdentityObject", "hashed": True, "identityType": "emailAddress",
                                             "identityHash": "learner@example.org"}]
    ctx = make_ctx(("learner@example.org",))
    check_recipient(ctx, read_facts(ctx, c, "achievement"))
    assert "schema_invalid" in codes(ctx)


def test_own_schema_accepts_a_complete_credential_and_compacted_proof() -> None:
    c = cred(proof={"type": "DataIntegrityProof", "proofValue": "z1"})
    assert schema_errors(c, own_schema_for(
        "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json") or "") == []


def test_declared_official_schema_failure_is_an_error() -> None:
    c = cred(credentialSchema={"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                                     "ob_v3p0_achievementcredential_schema.json",
                               "type": "1EdTechJsonSchemaValidator2019"})
    del c["credentialSubject"]["achievement"]["criteria"]
    ctx = make_ctx()
    assert check_schemas(ctx, c, "achievement") is False
    assert "schema_invalid" in codes(ctx)
    assert any(e.path == "/credentialSubject/achievement" for e in ctx.out.report.errors)


def test_undeclared_schema_failure_is_a_warning_only() -> None:
    c = cred()
    del c["credentialSubject"]["achievement"]["criteria"]
    ctx = make_ctx()
    check_schemas(ctx, c, "achievement")
    assert codes(ctx) == []
    assert {w.code for w in ctx.out.report.warnings} == {"schema_warning"}


def test_foreign_schema_is_fetched_and_applied() -> None:
    url = "https://schemas.example/strict.json"
    schema = b'{"type": "object", "required": ["awardedDate"], "properties": {"name": {"$ref": "https://x/y"}}}'
    ctx = make_ctx(docs={url: schema})
    c = cred(credentialSchema=[{"id": url, "type": "1EdTechJsonSchemaValidator2019"}])
    check_schemas(ctx, c, "achievement")
    # the remote $ref is refused: the schema is reported as not checked, never fetched further
    assert ctx.loader.requested == [url]  # type: ignore[attr-defined]
    assert {w.code for w in ctx.out.report.warnings} == {"schema_not_checked"}


def test_foreign_schema_violation_and_unreachable_schema() -> None:
    url = "https://schemas.example/strict.json"
    ctx = make_ctx(docs={url: b'{"type": "object", "required": ["awardedDate"]}'})
    c = cred(credentialSchema=[{"id": url, "type": "1EdTechJsonSchemaValidator2019"}])
    assert check_schemas(ctx, c, "achievement") is False
    assert codes(ctx) == ["schema_invalid"]
    ctx = make_ctx()
    check_schemas(ctx, c, "achievement")
    assert codes(ctx) == ["fetch_failed"]


def test_find_endorsements_everywhere_but_not_inside_endorsements() -> None:
    inner = {"type": ["VerifiableCredential", "EndorsementCredential"], "endorsement": [{"nested": True}]}
    c = cred()
    c["issuer"]["endorsement"] = [inner]
    c["credentialSubject"]["achievement"]["endorsementJwt"] = ["a.b.c"]
    found = dict(find_endorsements(c))
    assert set(found) == {"/issuer/endorsement/0", "/credentialSubject/achievement/endorsementJwt/0"}


def test_other_vc_is_input_invalid_and_stops() -> None:
    ctx = make_ctx()
    verify_credential(ctx, cred(type=["VerifiableCredential"]))
    assert codes(ctx) == ["input_invalid"]
    assert [c.name for c in ctx.out.report.checks] == ["ob3.type"]


def test_every_planned_check_is_recorded_for_an_unsigned_credential() -> None:
    ctx = make_ctx()
    verify_credential(ctx, copy.deepcopy(cred()))
    names = [c.name for c in ctx.out.report.checks]
    for name in ("ob3.type", "ob3.context", "ob3.structure", "ob3.schema", "ob3.proof", "ob3.status",
                 "ob3.validity", "ob3.recipient", "ob3.endorsements"):
        assert name in names
    assert codes(ctx) == ["proof_invalid"]
    summary = ctx.out.report.related["summary"]
    assert summary["name"] == "Badge"
    assert summary["issuerId"] == "did:example:issuer"
