"""Regression tests from the adversarial review of obverify's trust decisions (SECURITY.md §8, §11-§14).

Each test pins one way a forged, foreign, revoked or expired badge could have come out `valid`. Keys are fixed
(derived like `fixtures/gen/common.py` does), documents come from a `DocumentStore`, and the instant is fixed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from obverify import Document, DocumentStore, verify
from obverify._core.report import Report
from obverify._engines.multibase import encode_multikey

AT = datetime(2026, 1, 1, tzinfo=UTC)
CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def ed25519_key(name: str) -> ed25519.Ed25519PrivateKey:
    """A fixed Ed25519 key derived from `name` (as `fixtures/gen/common.py` derives them)."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"obverify test ed25519 " + name.encode()).digest())


ISSUER_KEY = ed25519_key("review-issuer")
ISSUER = "did:key:" + encode_multikey("Ed25519", ISSUER_KEY.public_key().public_bytes_raw())
KID = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def ob3_credential(model: str = "2.0", **dates: str) -> dict[str, Any]:
    """A minimal OpenBadgeCredential by `ISSUER` with exactly the given date fields."""
    return {
        "@context": [VC2 if model == "2.0" else VC1, OB3],
        "id": "urn:uuid:5b1d0c3e-6f0e-4a57-9d55-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Review Badge",
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Review Issuer"},
        **dates,
        "credentialSubject": {
            "id": "did:example:learner", "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.example/a/1", "type": ["Achievement"], "name": "A",
                            "description": "d", "criteria": {"narrative": "n"}},
        },
    }


def vc_jwt(cred: dict[str, Any], *, nbf: str, exp: str | None = None) -> bytes:
    """The credential as a VC-JWT signed by `ISSUER_KEY` under its did:key `kid`."""
    payload = {**cred, "iss": ISSUER, "jti": cred["id"], "sub": "did:example:learner", "nbf": _ts(nbf)}
    if exp is not None:
        payload["exp"] = _ts(exp)
    signing_input = _b64(json.dumps({"alg": "EdDSA", "kid": KID, "typ": "JWT"}).encode()) + "." + _b64(
        json.dumps(payload).encode())
    return (signing_input + "." + _b64(ISSUER_KEY.sign(signing_input.encode()))).encode()


def run(source: Any, docs: dict[str, Any] | None = None, **kwargs: Any) -> Report:
    store = DocumentStore({url: v if isinstance(v, bytes) else json.dumps(v).encode()
                           for url, v in (docs or {}).items()})
    return verify(source, at=AT, loader=store, **kwargs)


def codes(report: Report) -> set[str]:
    return {str(f.code) for f in report.errors}


# --- OB 3.0 validity: an expiry or start under the other data model's name ---------------------------------


def test_control_a_well_formed_vc_jwt_is_valid() -> None:
    report = run(vc_jwt(ob3_credential(validFrom="2025-01-01T00:00:00Z"), nbf="2025-01-01T00:00:00Z"))
    assert report.valid, report.to_json()


def test_vcdm11_credential_with_past_valid_until_is_expired() -> None:
    # the VC 1.1 context defines validUntil too, and the signed JWT's exp equals it: the JWT has expired
    cred = ob3_credential("1.1", issuanceDate="2025-01-01T00:00:00Z", validUntil="2025-06-01T00:00:00Z")
    report = run(vc_jwt(cred, nbf="2025-01-01T00:00:00Z", exp="2025-06-01T00:00:00Z"))
    assert not report.valid
    assert "expired" in codes(report)
    assert report.expired is True


def test_vcdm20_credential_with_past_expiration_date_is_expired() -> None:
    cred = ob3_credential(validFrom="2025-01-01T00:00:00Z", expirationDate="2025-06-01T00:00:00Z")
    report = run(vc_jwt(cred, nbf="2025-01-01T00:00:00Z", exp="2025-06-01T00:00:00Z"))
    assert not report.valid
    assert "expired" in codes(report)


def test_the_earlier_of_two_expiry_fields_wins() -> None:
    cred = ob3_credential("1.1", issuanceDate="2025-01-01T00:00:00Z", validUntil="2025-06-01T00:00:00Z",
                          expirationDate="2027-01-01T00:00:00Z")
    report = run(vc_jwt(cred, nbf="2025-01-01T00:00:00Z", exp="2025-06-01T00:00:00Z"))
    assert "expired" in codes(report)


def test_the_later_of_two_start_fields_wins() -> None:
    cred = ob3_credential("1.1", issuanceDate="2025-01-01T00:00:00Z", validFrom="2027-01-01T00:00:00Z")
    report = run(vc_jwt(cred, nbf="2027-01-01T00:00:00Z"))
    assert not report.valid
    assert "not_yet_valid" in codes(report)


# --- HTTP 410 Gone on anything but a hosted assertion -------------------------------------------------------


def case_run(case: str, *, gone: str, at: datetime) -> Report:
    """Run a fixture case with the document at `gone` answering 410 Gone (its body unchanged)."""
    root = CASES / case
    expected = json.loads((root / "expected.json").read_text())
    index = json.loads((root / "documents" / "index.json").read_text())
    store = DocumentStore()
    assert gone in index
    for url, entry in index.items():
        content = (root / "documents" / (entry if isinstance(entry, str) else entry["file"])).read_bytes()
        store.add(url, Document(url=url, content=content, status=410 if url == gone else 200))
    return verify((root / expected["input"]).read_bytes(), at=at, loader=store)


OB2_AT = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(("case", "gone", "code"), [
    ("ob2-hosted-valid", "https://issuer.example/badges/robotics", "fetch_failed"),
    ("ob2-hosted-valid", "https://issuer.example/issuer", "fetch_failed"),
    ("ob2-hosted-valid", "https://issuer.example/revocations", "status_unavailable"),
    ("ob2-signed-rs256-valid", "https://issuer.example/keys/1", "proof_invalid"),
    ("ob2-signed-rs256-valid", "https://issuer.example/revocations", "status_unavailable"),
])
def test_an_ob2_document_answering_410_is_never_used(case: str, gone: str, code: str) -> None:
    report = case_run(case, gone=gone, at=OB2_AT)
    assert not report.valid
    assert code in codes(report), report.to_json()


def test_an_ob3_status_list_answering_410_is_unavailable() -> None:
    report = case_run("ob3-status-bitstring-ok", gone="https://status.example/lists/1", at=AT)
    assert not report.valid
    assert "status_unavailable" in codes(report)
    assert report.revoked is None


# --- VerifiablePresentation: nothing unverified rides along ------------------------------------------------


def _presentation(items: list[Any]) -> dict[str, Any]:
    return {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": items}


def test_control_a_presentation_of_verified_credentials_is_valid() -> None:
    good = vc_jwt(ob3_credential(validFrom="2025-01-01T00:00:00Z"), nbf="2025-01-01T00:00:00Z").decode()
    report = run(_presentation([good, good]))
    assert report.valid, report.to_json()


def test_a_presentation_cannot_hide_an_unproven_credential_past_the_cap() -> None:
    good = vc_jwt(ob3_credential(validFrom="2025-01-01T00:00:00Z"), nbf="2025-01-01T00:00:00Z").decode()
    forged = ob3_credential(validFrom="2025-01-01T00:00:00Z")  # no proof at all
    report = run(_presentation([good] * 16 + [forged]))
    assert not report.valid
    assert "input_invalid" in codes(report)


# --- OB 2.0 hosted scope: only a profile loaded from its own http(s) id may widen it ---------------------------


def _hosted_case_docs() -> dict[str, Any]:
    root = CASES / "ob2-hosted-valid" / "documents"
    index = json.loads((root / "index.json").read_text())
    return {url: json.loads((root / name).read_text()) for url, name in index.items()}


@pytest.mark.parametrize("policy", [{"allowedOrigins": "attacker.example"},
                                    {"startsWith": "https://attacker.example/"}])
def test_an_embedded_urn_issuer_cannot_grant_itself_a_foreign_origin(policy: dict[str, str]) -> None:
    # nobody controls urn:uuid:X, so anyone could embed it (named like the real issuer) with their own policy
    docs = _hosted_case_docs()
    assertion_url, badge_url = "https://attacker.example/assertions/1", "https://attacker.example/badges/x"
    issuer = {"id": "urn:uuid:2f1c9f3a-0000-4000-8000-00000000aaaa", "type": "Issuer", "name": "Example Guild",
              "url": "https://issuer.example", "email": "badges@issuer.example",
              "verification": {"type": "VerificationObject", **policy}}
    badge = {**docs["https://issuer.example/badges/robotics"], "id": badge_url, "issuer": issuer}
    assertion = {**docs["https://issuer.example/assertions/1"], "id": assertion_url, "badge": badge_url}
    report = verify(assertion, at=OB2_AT, recipients=["alice@example.org"],
                    loader=DocumentStore({assertion_url: json.dumps(assertion).encode(),
                                          badge_url: json.dumps(badge).encode()}))
    assert not report.valid
    assert "issuer_mismatch" in codes(report)


def test_control_an_http_issuer_allowing_another_host_is_honoured() -> None:
    docs = _hosted_case_docs()
    issuer_url = "https://issuer.example/issuer"
    docs[issuer_url] = {**docs[issuer_url], "verification": {"type": "VerificationObject",
                                                             "allowedOrigins": "issuer.example"}}
    assertion = docs["https://issuer.example/assertions/1"]
    report = verify(assertion, at=OB2_AT, loader=DocumentStore({u: json.dumps(d).encode() for u, d in docs.items()}))
    assert report.valid, report.to_json()



# --- OB 2.0 signed: an issuer profile that came inside the signed payload binds no key ----------------------


def _sign_rs256(payload: dict[str, Any]) -> bytes:
    """A compact JWS by the fixture RSA key `rsa-ob2-issuer` (any key would do: the signer is the attacker)."""
    key = serialization.load_pem_private_key((CASES.parent / "keys" / "rsa-ob2-issuer.pem").read_bytes(), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    head, body = _b64(b'{"alg":"RS256"}'), _b64(json.dumps(payload).encode())
    return f"{head}.{body}.{_b64(key.sign(f'{head}.{body}'.encode(), padding.PKCS1v15(), hashes.SHA256()))}".encode()


@pytest.mark.parametrize("creator", [True, False])
def test_a_signed_badge_cannot_embed_its_own_urn_issuer_and_key(creator: bool) -> None:
    root = CASES / "ob2-signed-rs256-valid"
    payload = json.loads(base64.urlsafe_b64decode((root / "input.txt").read_text().split(".")[1] + "=="))
    key_doc = json.loads((root / "documents" / "doc02.json").read_text())
    badge = json.loads((root / "documents" / "doc00.json").read_text())
    key_id = "urn:uuid:2f1c9f3a-0000-4000-8000-00000000bbbb"
    issuer = {"id": "urn:uuid:2f1c9f3a-0000-4000-8000-00000000aaaa", "type": "Issuer", "name": "Example Guild",
              "url": "https://issuer.example", "email": "badges@issuer.example",
              "publicKey": {"id": key_id, "type": "CryptographicKey", "publicKeyPem": key_doc["publicKeyPem"]}}
    payload["badge"] = {**badge, "id": "urn:uuid:2f1c9f3a-0000-4000-8000-00000000cccc", "issuer": issuer}
    payload["verification"] = {"type": "SignedBadge", **({"creator": key_id} if creator else {})}
    report = verify(_sign_rs256(payload), at=OB2_AT, recipients=["alice@example.org"], loader=DocumentStore({}))
    assert not report.valid
    assert "issuer_mismatch" in codes(report)


def test_control_the_resigned_fixture_payload_is_valid() -> None:
    root = CASES / "ob2-signed-rs256-valid"
    payload = json.loads(base64.urlsafe_b64decode((root / "input.txt").read_text().split(".")[1] + "=="))
    index = json.loads((root / "documents" / "index.json").read_text())
    store = DocumentStore({url: (root / "documents" / name).read_bytes() for url, name in index.items()})
    report = verify(_sign_rs256(payload), at=OB2_AT, recipients=["alice@example.org"], loader=store)
    assert report.valid, report.to_json()
