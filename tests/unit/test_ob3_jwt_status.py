"""Unit tests of OB 3.0 VC-JWT checks (SECURITY.md §7, §8) and status lists (§12).

Key resolution and Data Integrity proofs belong to `obverify._engines.keys` / `obverify._ob3.proofs` and have their
own tests; here they are replaced by fakes so that these tests pin down the JWT binding rules and the status
logic alone. The fakes record every call, so a test can assert that an unbound `kid` was never resolved.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

import obverify._engines.keys.documents as keys_mod
import obverify._ob3.proofs as proofs_mod
from obverify import DocumentStore
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.keys.documents import ResolvedKey
from obverify._ob3.jwt import decode
from obverify._ob3.verify import verify_ob3

AT = datetime(2026, 1, 1, tzinfo=UTC)
ISSUER = "did:example:issuer"
KID = f"{ISSUER}#key-1"
ISSUER_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"test issuer").digest())
OTHER_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"test attacker").digest())
STATUS = "https://status.example/list"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def credential(**extra: Any) -> dict[str, Any]:
    c: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Badge",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://x.example/a", "type": ["Achievement"], "name": "A", "description": "d",
                            "criteria": {"narrative": "n"}},
        },
    }
    c.update(extra)
    return c


def claims(**changes: Any) -> dict[str, Any]:
    c = credential()
    payload = {**c, "iss": ISSUER, "jti": c["id"], "sub": "did:example:learner",
               "nbf": int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())}
    for k, v in changes.items():
        if v is None:
            payload.pop(k, None)
        else:
            payload[k] = v
    return payload


def token(header: dict[str, Any], payload: dict[str, Any], key: ed25519.Ed25519PrivateKey | None = ISSUER_KEY,
          *, hmac_secret: bytes | None = None) -> str:
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    if hmac_secret is not None:
        return signing_input + "." + b64(hmac.new(hmac_secret, signing_input.encode(), hashlib.sha256).digest())
    if key is None:
        return signing_input + "."
    return signing_input + "." + b64(key.sign(signing_input.encode()))


class FakeKeys:
    """Stands in for key resolution: the issuer's DID has exactly one key, `ISSUER_KEY`, under `KID`."""

    def __init__(self) -> None:
        self.resolved: list[str] = []
        self.listed: list[str] = []

    def resolve_method(self, ctx: RunContext, method_id: str, *, issuer_id: str, **_: Any) -> ResolvedKey | None:
        self.resolved.append(method_id)
        if method_id == KID and issuer_id == ISSUER:
            return ResolvedKey(KID, ISSUER, ISSUER_KEY.public_key())
        ctx.out.error("proof_invalid", "unknown key", stage="proofs")
        return None

    def keys_of_issuer(self, ctx: RunContext, issuer_id: str, **_: Any) -> list[ResolvedKey]:
        self.listed.append(issuer_id)
        return [ResolvedKey(KID, ISSUER, ISSUER_KEY.public_key())] if issuer_id == ISSUER else []


@pytest.fixture
def fake_keys(monkeypatch: pytest.MonkeyPatch) -> FakeKeys:
    fake = FakeKeys()
    monkeypatch.setattr(keys_mod, "resolve_method", fake.resolve_method)
    monkeypatch.setattr(keys_mod, "keys_of_issuer", fake.keys_of_issuer)
    return fake


def run(payload: Any, docs: dict[str, bytes] | None = None) -> tuple[Report, DocumentStore]:
    store = DocumentStore(docs or {})
    out = Collector(Report())
    verify_ob3(RunContext(loader=store, at=AT, recipients=(), out=out), payload)
    return out.finish(), store


def test_valid_vc_jwt(fake_keys: FakeKeys) -> None:
    report, _ = run(token({"alg": "EdDSA", "kid": KID, "typ": "JWT"}, claims()))
    assert report.valid, report.to_json()
    assert report.version == "3.0"
    assert report.badge is not None
    assert "iss" not in report.badge
    assert fake_keys.resolved == [KID]


def test_vc_claim_form(fake_keys: FakeKeys) -> None:
    payload = {"iss": ISSUER, "jti": credential()["id"], "nbf": claims()["nbf"], "vc": credential()}
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, payload))
    assert report.valid, report.to_json()


def test_vc_claim_may_leave_issuer_id_subject_and_dates_to_the_claims(fake_keys: FakeKeys) -> None:
    vc = credential()
    for key in ("issuer", "id", "validFrom"):
        del vc[key]
    del vc["credentialSubject"]["id"]
    payload = {"iss": ISSUER, "jti": "urn:uuid:j", "sub": "did:example:learner", "nbf": claims()["nbf"], "vc": vc}
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, payload))
    assert report.valid, report.to_json()
    assert report.badge is not None
    assert report.badge["issuer"] == ISSUER
    assert report.badge["validFrom"] == "2025-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"nbf": None}, "proof_invalid"),
        ({"nbf": 1}, "proof_invalid"),
        ({"nbf": "2025-01-01"}, "proof_invalid"),
        ({"iss": "did:example:other"}, "issuer_mismatch"),
        ({"iss": None}, "proof_invalid"),
        ({"jti": "urn:uuid:x"}, "proof_invalid"),
        ({"sub": "did:example:other"}, "proof_invalid"),
        ({"exp": 1_900_000_000}, "proof_invalid"),
    ],
)
def test_claim_mismatches(fake_keys: FakeKeys, changes: dict[str, Any], code: str) -> None:
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, claims(**changes)))
    assert code in report.codes(), report.to_json()


def test_exp_required_when_valid_until() -> None:
    c = claims(validUntil="2030-01-01T00:00:00Z")
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, c))
    assert any(e.path == "/jwt/payload/exp" for e in report.errors)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "kid": KID},
        {"alg": "None", "kid": KID},
        {"alg": "HS256", "kid": KID},
        {"alg": "EdDSA", "kid": KID, "crit": ["exp"]},
        {"alg": "EdDSA", "kid": KID, "jku": "https://evil.example/jwks"},
        {"alg": "EdDSA", "kid": KID, "x5u": "https://evil.example/cert"},
        {"alg": "EdDSA", "kid": KID, "b64": False},
        {"alg": "EdDSA", "kid": KID, "zip": "DEF"},
        {"alg": "EdDSA"},
    ],
)
def test_refused_headers_never_resolve_a_key(fake_keys: FakeKeys, header: dict[str, Any]) -> None:
    report, store = run(token(header, claims()))
    assert "proof_invalid" in report.codes()
    assert fake_keys.resolved == []
    assert store.requested == []


def test_hs256_keyed_with_the_public_key_is_refused(fake_keys: FakeKeys) -> None:
    secret = ISSUER_KEY.public_key().public_bytes_raw()
    report, _ = run(token({"alg": "HS256", "kid": KID}, claims(), hmac_secret=secret))
    assert "proof_invalid" in report.codes()
    assert not report.valid


def test_alg_none_with_empty_signature(fake_keys: FakeKeys) -> None:
    report, _ = run(token({"alg": "none", "kid": KID}, claims(), key=None))
    assert "proof_invalid" in report.codes()


def test_attacker_header_jwk_is_issuer_mismatch(fake_keys: FakeKeys) -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(OTHER_KEY.public_key().public_bytes_raw())}
    report, _ = run(token({"alg": "EdDSA", "jwk": jwk}, claims(), OTHER_KEY))
    assert "issuer_mismatch" in report.codes(), report.to_json()
    assert fake_keys.listed == [ISSUER]


def test_header_jwk_equal_to_an_issuer_key_is_accepted(fake_keys: FakeKeys) -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(ISSUER_KEY.public_key().public_bytes_raw())}
    report, _ = run(token({"alg": "EdDSA", "jwk": jwk}, claims()))
    assert report.valid, report.to_json()


def test_private_jwk_is_refused(fake_keys: FakeKeys) -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64(ISSUER_KEY.public_key().public_bytes_raw()), "d": "AAAA"}
    report, _ = run(token({"alg": "EdDSA", "jwk": jwk}, claims()))
    assert "proof_invalid" in report.codes()


@pytest.mark.parametrize("kid", ["did:example:attacker#key-1", "https://evil.example/keys/1",
                                 "http://issuer.example/key"])
def test_foreign_kid_is_never_fetched(fake_keys: FakeKeys, kid: str) -> None:
    report, store = run(token({"alg": "EdDSA", "kid": kid}, claims(), OTHER_KEY))
    assert "issuer_mismatch" in report.codes()
    assert fake_keys.resolved == []
    assert store.requested == []


def test_wrong_signature_and_alg_key_mismatch(fake_keys: FakeKeys) -> None:
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, claims(), OTHER_KEY))
    assert report.codes() == ["proof_invalid"]
    report, _ = run(token({"alg": "ES256", "kid": KID}, claims()))
    assert "proof_invalid" in report.codes()


def test_jwe_and_garbage_are_input_invalid() -> None:
    ctx = RunContext(loader=DocumentStore(), at=AT, recipients=(), out=Collector(Report()))
    assert decode(ctx, "a.b.c.d.e") is None
    assert decode(ctx, "a.b") is None
    assert decode(ctx, "!!!.e30.") is None
    assert set(ctx.out.report.codes()) == {"input_invalid"}


# --- status lists ----------------------------------------------------------------------------------------


def encoded(bits: dict[int, int], entries: int = 131_072, *, raw: bytes | None = None) -> str:
    data = bytearray(entries // 8)
    for i, v in bits.items():
        if v:
            data[i // 8] |= 0x80 >> (i % 8)
    return "u" + b64(gzip.compress(raw if raw is not None else bytes(data), mtime=0))


def status_doc(issuer: str = ISSUER, purpose: str | None = "revocation", encoded_list: str | None = None,
               **extra: Any) -> bytes:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": STATUS,
           "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": issuer,
           "validFrom": "2025-01-01T00:00:00Z", "proof": {"type": "DataIntegrityProof"},
           "credentialSubject": {"type": "BitstringStatusList", "statusPurpose": purpose,
                                 "encodedList": encoded_list or encoded({9: 1})}, **extra}
    return json.dumps(doc).encode()


def entry(index: int, purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    return {"id": f"{STATUS}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": purpose,
            "statusListIndex": str(index), "statusListCredential": STATUS, **extra}


class FakeProofs:
    """Every proof verifies; records which documents were checked."""

    def __init__(self) -> None:
        self.checked: list[Any] = []

    def check(self, ctx: RunContext, document: dict[str, Any], **_: Any) -> bool:
        self.checked.append(document.get("id"))
        return True


@pytest.fixture
def fake_proofs(monkeypatch: pytest.MonkeyPatch) -> FakeProofs:
    fake = FakeProofs()
    monkeypatch.setattr(proofs_mod, "check_embedded_proofs", fake.check)
    return fake


def signed(**extra: Any) -> dict[str, Any]:
    return credential(proof={"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}, **extra)


@pytest.mark.parametrize(("index", "revoked"), [(8, False), (9, True), (10, False)])
def test_bitstring_revocation(fake_proofs: FakeProofs, index: int, revoked: bool) -> None:
    report, _ = run(signed(credentialStatus=entry(index)), {STATUS: status_doc()})
    assert report.revoked is revoked
    assert report.codes() == (["revoked"] if revoked else [])
    assert STATUS in fake_proofs.checked


def test_suspension_is_reported_as_revoked_with_reason(fake_proofs: FakeProofs) -> None:
    report, _ = run(signed(credentialStatus=entry(9, "suspension")), {STATUS: status_doc(purpose="suspension")})
    assert report.revoked is True
    assert report.revocation_reason == "suspended"


def test_every_entry_is_checked(fake_proofs: FakeProofs) -> None:
    report, _ = run(signed(credentialStatus=[entry(8), entry(9)]), {STATUS: status_doc()})
    assert report.revoked is True


def test_purpose_must_match_the_list(fake_proofs: FakeProofs) -> None:
    report, _ = run(signed(credentialStatus=entry(9, "suspension")), {STATUS: status_doc()})
    assert report.codes() == ["status_unavailable"]
    assert report.revoked is None


def test_multibit_status_message(fake_proofs: FakeProofs) -> None:
    # entries of 2 bits: entry 4 holds bits 8 and 9 -> 0b01
    messages = [{"status": "0x0", "message": "ok"}, {"status": "0x1", "message": "under review"}]
    report, _ = run(signed(credentialStatus=entry(4, "message", statusSize=2, statusMessage=messages)),
                    {STATUS: status_doc(purpose="message")})
    assert report.valid, report.to_json()
    assert any("under review" in w.message for w in report.warnings)


@pytest.mark.parametrize(
    ("docs", "extra_code"),
    [
        ({}, "fetch_failed"),
        ({STATUS: b"not json"}, "fetch_failed"),
        ({STATUS: status_doc(issuer="did:example:other")}, None),
        ({STATUS: status_doc(validUntil="2025-06-01T00:00:00Z")}, None),
        ({STATUS: status_doc(encoded_list="H4sIAAAA")}, None),
        ({STATUS: status_doc(encoded_list="u" + b64(b"not gzip at all"))}, None),
        ({STATUS: status_doc(type=["VerifiableCredential"])}, None),
        ({STATUS: status_doc(proof=None)}, None),
        ({STATUS: status_doc(purpose=None)}, None),
    ],
)
def test_status_failures_are_unavailable_never_not_revoked(fake_proofs: FakeProofs, docs: dict[str, bytes],
                                                          extra_code: str | None) -> None:
    report, _ = run(signed(credentialStatus=entry(9)), docs)
    assert "status_unavailable" in report.codes()
    if extra_code:
        assert extra_code in report.codes()
    assert report.revoked is None


def test_foreign_list_is_refused_before_its_proof_is_checked(fake_proofs: FakeProofs) -> None:
    run(signed(credentialStatus=entry(9)), {STATUS: status_doc(issuer="did:example:other")})
    assert STATUS not in fake_proofs.checked


def test_list_whose_proof_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(ctx: RunContext, document: dict[str, Any], **_: Any) -> bool:
        if document.get("id") == STATUS:
            ctx.out.error("proof_invalid", "bad", stage="status")
            return False
        return True

    monkeypatch.setattr(proofs_mod, "check_embedded_proofs", failing)
    report, _ = run(signed(credentialStatus=entry(9)), {STATUS: status_doc()})
    assert report.codes() == ["status_unavailable"]
    assert report.revoked is None


def test_index_out_of_range_and_short_list(fake_proofs: FakeProofs) -> None:
    report, _ = run(signed(credentialStatus=entry(2048)), {STATUS: status_doc(encoded_list=encoded({}, 1024))})
    assert report.codes() == ["status_unavailable"]
    report, _ = run(signed(credentialStatus=entry(3)), {STATUS: status_doc(encoded_list=encoded({}, 1024))})
    assert report.valid
    assert {w.code for w in report.warnings} == {"status_list_short"}


def test_gzip_bomb_is_inflated_only_as_far_as_needed(fake_proofs: FakeProofs) -> None:
    bomb = encoded({}, raw=bytes(64 * 1024 * 1024))  # 64 MiB of zeros, ~64 KiB compressed
    report, _ = run(signed(credentialStatus=entry(9)), {STATUS: status_doc(encoded_list=bomb)})
    assert report.revoked is False
    assert report.valid
    report, _ = run(signed(credentialStatus=entry(600_000_000)), {STATUS: status_doc(encoded_list=bomb)})
    assert report.codes() == ["status_unavailable"]


def test_1edtech_revocation_list(fake_proofs: FakeProofs) -> None:
    url = "https://issuer.example/revocations"
    status = {"id": url, "type": "1EdTechRevocationList"}
    listed = json.dumps({"issuer": ISSUER, "revokedCredentials": [
        {"id": credential()["id"], "revocationReason": "error"}]}).encode()
    report, _ = run(signed(credentialStatus=status), {url: listed})
    assert report.revoked is True
    assert report.revocation_reason == "error"
    empty = json.dumps({"issuer": ISSUER, "revokedCredentials": ["urn:uuid:other"]}).encode()
    report, _ = run(signed(credentialStatus=status), {url: empty})
    assert report.revoked is False
    report, _ = run(signed(credentialStatus=status), {})
    assert report.revoked is None
    assert "status_unavailable" in report.codes()


def test_unknown_status_type(fake_proofs: FakeProofs) -> None:
    report, _ = run(signed(credentialStatus={"id": "https://x.example/s", "type": "SomethingElse"}))
    assert report.codes() == ["status_unavailable"]
    assert report.revoked is None


def test_plain_http_list_is_blocked_and_never_requested(fake_proofs: FakeProofs) -> None:
    http = "http://status.example/list"
    report, store = run(signed(credentialStatus={**entry(9), "statusListCredential": http}), {http: status_doc()})
    assert report.codes() == ["url_blocked", "status_unavailable"]
    assert store.requested == []
    assert report.revoked is None


def test_endorsement_jwts_are_verified_in_child_reports(fake_keys: FakeKeys, fake_proofs: FakeProofs) -> None:
    endorsement = credential(type=["VerifiableCredential", "EndorsementCredential"], id="urn:uuid:e1",
                             credentialSubject={"id": "did:example:learner", "type": ["EndorsementSubject"]})
    endorsement_claims = {**endorsement, "iss": ISSUER, "jti": "urn:uuid:e1", "sub": "did:example:learner",
                          "nbf": claims()["nbf"]}
    good = token({"alg": "EdDSA", "kid": KID}, endorsement_claims)
    bad = token({"alg": "EdDSA", "kid": KID}, endorsement_claims, OTHER_KEY)
    outer = signed()
    outer["credentialSubject"]["achievement"]["endorsementJwt"] = [good, bad]
    report, _ = run(outer)
    assert report.valid, report.to_json()
    nested = report.related["endorsements"]
    assert [n["valid"] for n in nested] == [True, False]
    assert nested[1]["report"]["errors"][0]["code"] == "proof_invalid"
    assert [w.code for w in report.warnings if w.code == "endorsement_invalid"] == ["endorsement_invalid"]


@pytest.mark.parametrize(("offset", "expired"), [(-1, True), (0, True), (1, False)])
def test_jwt_exp_boundary_is_the_one_window(fake_keys: FakeKeys, offset: int, expired: bool) -> None:
    """Issue 10 problem 4: a VC-JWT whose `exp` is the verification instant is expired (RFC 7519 §4.1.4 "on or
    after which"), as an OB 2.0 `expires` and an OB 3.0 `validUntil` at that instant are (obverify._core.window)."""
    vc = credential()
    del vc["validFrom"]
    exp = int(AT.timestamp()) + offset
    payload = {"iss": ISSUER, "jti": vc["id"], "sub": "did:example:learner", "nbf": claims()["nbf"], "exp": exp,
               "vc": vc}
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, payload))
    assert report.expired is expired, report.to_json()
    assert ("expired" in report.codes()) is expired


@pytest.mark.parametrize(("offset", "valid"), [(-1, True), (0, True), (1, False)])
def test_jwt_nbf_boundary_is_the_one_window(fake_keys: FakeKeys, offset: int, valid: bool) -> None:
    """Valid at the very instant of `nbf` (RFC 7519 §4.1.5: refused only before it)."""
    vc = credential()
    del vc["validFrom"]
    payload = {"iss": ISSUER, "jti": vc["id"], "sub": "did:example:learner",
               "nbf": int(AT.timestamp()) + offset, "vc": vc}
    report, _ = run(token({"alg": "EdDSA", "kid": KID}, payload))
    assert report.valid is valid, report.to_json()
