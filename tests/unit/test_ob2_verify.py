"""OB 2.0 verification end to end through `obverify.verify` with in-memory stores: hosted refetch, scope,
410, key binding (an unlisted key is never fetched), revocation fail-closed, report fields and checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given
from hypothesis import strategies as st

from obverify import URL, Document, DocumentStore, verify
from obverify._core.report import Report
from obverify._core.timeparse import parse_datetime
from obverify._engines.jose import b64url_decode, b64url_encode

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = parse_datetime("2024-06-01T00:00:00Z")
ASSERTION = "https://issuer.example/assertions/1"
ISSUER = "https://issuer.example/issuer"


def _docs(case: str) -> dict[str, Any]:
    root = CASES / case / "documents"
    index = json.loads((root / "index.json").read_text())
    out: dict[str, Any] = {}
    for url, entry in index.items():
        raw = (root / (entry if isinstance(entry, str) else entry["file"])).read_bytes()
        try:
            out[url] = json.loads(raw)
        except ValueError:
            out[url] = raw
    return out


def _store(docs: dict[str, Any], **status: int) -> DocumentStore:
    store = DocumentStore()
    for url, doc in docs.items():
        content = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        store.add(url, Document(url=url, content=content, status=status.get(url, 200)))
    return store


def _hosted(**over: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    docs = _docs("ob2-hosted-valid")
    docs[ASSERTION] = {**docs[ASSERTION], **over}
    return docs[ASSERTION], docs


def test_report_fields_and_checks() -> None:
    assertion, docs = _hosted()
    report = verify(assertion, recipients=["alice@example.org"], at=AT, loader=_store(docs))
    assert report.valid, report.to_json()
    assert report.version == "2.0"
    assert report.badge is not None
    assert report.badge["id"] == ASSERTION
    assert report.related["badgeclass"]["name"] == "Robot Wrangler"
    assert report.related["issuer"]["id"] == ISSUER
    summary = report.to_dict()["summary"]
    assert summary["name"] == "Robot Wrangler"
    assert summary["issuer"] == "Example Robotics Guild"
    assert summary["issuedOn"] == "2024-01-01T00:00:00Z"
    assert summary["image"] == "https://issuer.example/badges/robotics.png"
    assert report.revoked is False
    assert report.expired is False
    assert report.recipient.matched == "alice@example.org"
    assert report.recipient.hashed is True
    statuses = {c.name: c.status for c in report.checks}
    for name in ("hosted.refetch", "hosted.scope", "schema.assertion", "schema.badgeclass", "schema.issuer",
                 "recipient", "revocation", "validity"):
        assert statuses[name] == "passed", name


def test_without_recipients_the_check_is_skipped() -> None:
    assertion, docs = _hosted()
    report = verify(assertion, at=AT, loader=_store(docs))
    assert report.valid
    assert report.recipient.checked is False
    assert any(c.name == "recipient" and c.status == "skipped" and c.detail == "no recipient given"
               for c in report.checks)


def test_the_hosted_copy_is_verified_not_the_presented_one() -> None:
    assertion, docs = _hosted()
    presented = {**assertion, "expires": "2000-01-01T00:00:00Z", "badge": "https://attacker.example/b"}
    report = verify(presented, at=AT, loader=_store(docs))
    assert report.valid, report.to_json()
    assert report.badge is not None
    assert "expires" not in report.badge


def test_410_status_is_revoked_even_with_a_body_saying_otherwise() -> None:
    assertion, docs = _hosted()
    report = verify(assertion, at=AT, loader=_store(docs, **{ASSERTION: 410}))
    assert report.codes() == ["revoked"]
    assert report.revoked is True


def test_url_input_answering_410_with_a_non_json_body() -> None:
    store = DocumentStore()
    store.add(ASSERTION, Document(url=ASSERTION, content=b"Gone", status=410))
    report = verify(URL(ASSERTION), at=AT, loader=store)
    assert report.revoked is True
    assert report.codes() == ["revoked"]


def test_404_is_fetch_failed_not_revoked() -> None:
    assertion, docs = _hosted()
    report = verify(assertion, at=AT, loader=_store(docs, **{ASSERTION: 404}))
    assert "fetch_failed" in report.codes()
    assert report.revoked is None


def test_a_json_body_is_read_whatever_the_content_type() -> None:
    assertion, docs = _hosted()
    store = _store(docs)
    store.add(ASSERTION, Document(url=ASSERTION, content=json.dumps(assertion).encode(), content_type="text/html"))
    assert verify(assertion, at=AT, loader=store).valid


def test_an_unlisted_creator_key_is_never_fetched() -> None:
    docs = _docs("ob2-signed-creator-not-listed")
    store = _store(docs)
    token = (CASES / "ob2-signed-creator-not-listed" / "input.txt").read_text()
    report = verify(token.encode(), at=AT, loader=store)
    assert {"issuer_mismatch", "proof_invalid"} <= set(report.codes())
    assert "https://attacker.example/keys/1" not in store.requested


def test_revocation_list_failure_leaves_revoked_unknown() -> None:
    docs = _docs("ob2-signed-rs256-valid")
    token = (CASES / "ob2-signed-rs256-valid" / "input.txt").read_bytes()
    assert verify(token, at=AT, loader=_store(docs)).revoked is False
    report = verify(token, at=AT, loader=_store(docs, **{"https://issuer.example/revocations": 503}))
    assert report.revoked is None
    assert {"fetch_failed", "status_unavailable"} <= set(report.codes())


def test_signed_badge_checks() -> None:
    docs = _docs("ob2-signed-rs256-valid")
    token = (CASES / "ob2-signed-rs256-valid" / "input.txt").read_bytes()
    report = verify(token, recipients=["alice@example.org"], at=AT, loader=_store(docs))
    assert report.valid, report.to_json()
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["signature"] == "passed"
    assert statuses["key_binding"] == "passed"
    assert "hosted.scope" not in statuses


def test_embedded_issuer_key_list_is_not_trusted() -> None:
    """A signed payload embedding an issuer (with an http id) that lists the attacker's key: the issuer is
    taken from its id, whose key list does not include that key."""
    docs = _docs("ob2-signed-creator-not-listed")
    token = (CASES / "ob2-signed-creator-not-listed" / "input.txt").read_text()
    report = verify(token.encode(), at=AT, loader=_store(docs))
    assert not report.valid


def test_mapping_input_and_unknown_context() -> None:
    assertion, docs = _hosted()
    report = verify({**assertion, "@context": "https://evil.example/ctx"}, at=AT, loader=_store(docs))
    assert report.codes() == ["context_invalid"]
    assert report.version is None


def _mutations() -> st.SearchStrategy[Any]:
    leaf = st.none() | st.booleans() | st.integers(-2, 2) | st.text(max_size=8) | st.sampled_from(
        ["https://issuer.example/badges/robotics", "urn:uuid:x", "2024-01-01T00:00:00Z", "sha256$zz", "hosted"])
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "type", "identity", "hashed", "salt", "issuer", "@context"]), inner, max_size=3),
        max_leaves=5)


BASE, BASE_DOCS = _hosted()


@given(st.sampled_from(sorted(BASE)), _mutations(), st.booleans())
def test_any_mutation_gives_findings_never_a_crash(key: str, value: Any, serve_mutated: bool) -> None:
    mutated = copy.deepcopy(BASE)
    mutated[key] = value
    docs = dict(BASE_DOCS)
    if serve_mutated:
        docs[ASSERTION] = mutated
    report: Report = verify(mutated, recipients=["alice@example.org"], at=AT, loader=_store(docs))
    assert all("internal error" not in f.message for f in report.errors), report.to_json()
    assert json.loads(report.to_json())["valid"] is report.valid


# --- endorsements and standalone documents ---------------------------------------------------------------

ENDORSER = "https://endorser.example/profile"


def _endorsement(claim_id: str, **over: Any) -> dict[str, Any]:
    return {"@context": "https://w3id.org/openbadges/v2", "type": "Endorsement",
            "id": "https://endorser.example/endorsements/1", "issuer": ENDORSER,
            "issuedOn": "2024-02-01T00:00:00Z", "claim": {"id": claim_id, "endorsementComment": "Good."},
            "verification": {"type": "HostedBadge"}, **over}


def _endorser() -> dict[str, Any]:
    return {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": ENDORSER, "name": "E",
            "url": "https://endorser.example", "email": "e@endorser.example"}


def test_linked_endorsement_is_verified_in_a_nested_report() -> None:
    docs = _docs("ob2-hosted-endorsed-badgeclass")
    report = verify(docs[ASSERTION], at=AT, loader=_store(docs))
    assert report.valid
    nested = report.related["endorsements"]
    assert [(e["of"], e["valid"]) for e in nested] == [("badge class", True)]
    assert ("endorsements", "passed") in {(c.name, c.status) for c in report.checks}


def test_bad_endorsement_is_a_warning_not_an_error() -> None:
    docs = _docs("ob2-hosted-endorsed-badgeclass")
    end_id = "https://endorser.example/endorsements/1"
    docs[end_id] = _endorsement("https://issuer.example/badges/other")
    report = verify(docs[ASSERTION], at=AT, loader=_store(docs))
    assert report.valid
    assert "endorsement_claim_mismatch" in {w.code for w in report.warnings}
    docs[end_id] = {**_endorsement("https://issuer.example/badges/robotics"), "issuedOn": "2030-01-01T00:00:00Z"}
    report = verify(docs[ASSERTION], at=AT, loader=_store(docs))
    assert report.valid
    assert "endorsement_invalid" in {w.code for w in report.warnings}


def test_signed_endorsement() -> None:
    key = _ISSUER_KEY
    assert isinstance(key, rsa.RSAPrivateKey)
    docs = _docs("ob2-signed-rs256-valid")
    payload = _endorsement("https://issuer.example/badges/robotics", id="urn:uuid:4d8e7c2a-1b3f-4a5e-9c6d-7e8f9a0b1c2d",
                           issuer=ISSUER, verification={"type": "SignedBadge", "creator": "https://issuer.example/keys/1"})
    head = b64url_encode(b'{"alg":"RS256"}')
    body = b64url_encode(json.dumps(payload).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    token = f"{head}.{body}.{b64url_encode(sig)}"
    assert verify(token.encode(), at=AT, loader=_store(docs)).codes() == ["input_invalid"]  # not awarded
    report = verify(token.encode(), at=AT, loader=_store(docs), objects="any")
    assert report.valid, report.to_json()
    assert report.related["type"] == "Endorsement"
    other_body = b64url_encode(json.dumps({**payload, "claim": {"id": ENDORSER}}).encode())
    tampered = f"{head}.{other_body}.{token.split('.')[2]}"
    assert "proof_invalid" in verify(tampered.encode(), at=AT, loader=_store(docs), objects="any").codes()


def test_standalone_documents() -> None:
    docs = _docs("ob2-hosted-valid")
    badge = docs["https://issuer.example/badges/robotics"]
    report = verify(badge, at=AT, loader=_store(docs), objects="any")
    assert report.valid
    assert report.related["type"] == "BadgeClass"
    assert report.version == "2.0"
    forged = {**badge, "name": "Forged"}
    forged_report = verify(forged, at=AT, loader=_store(docs), objects="any")
    assert forged_report.badge["name"] == "Robot Wrangler"  # type: ignore[index]
    profile = verify(docs[ISSUER], at=AT, loader=_store(docs), objects="any")
    assert profile.valid
    assert profile.related["type"] == "Profile"
    revocations = verify(docs["https://issuer.example/revocations"], at=AT, loader=_store(docs), objects="any")
    assert revocations.valid
    assert revocations.related["type"] == "RevocationList"


def test_a_bug_in_a_stage_becomes_that_stages_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    import obverify._ob2.verify as ob2

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RecursionError

    monkeypatch.setattr(ob2, "check_revocation", broken)
    assertion, docs = _hosted()
    report = verify(assertion, at=AT, loader=_store(docs))
    assert not report.valid
    assert report.codes() == ["status_unavailable"]
    assert "RecursionError" in report.errors[0].message
    assert report.revoked is None


_ISSUER_KEY = serialization.load_pem_private_key((CASES.parent / "keys" / "rsa-ob2-issuer.pem").read_bytes(),
                                                  password=None)


def _sign(payload: Any) -> bytes:
    key = _ISSUER_KEY
    assert isinstance(key, rsa.RSAPrivateKey)
    head = b64url_encode(b'{"alg":"RS256"}')
    body = b64url_encode(json.dumps(payload).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url_encode(sig)}".encode()


SIGNED_DOCS = _docs("ob2-signed-rs256-valid")
SIGNED_PAYLOAD = json.loads(b64url_decode((CASES / "ob2-signed-rs256-valid" / "input.txt").read_text().split(".")[1]))


def test_resigned_payload_is_valid() -> None:
    assert verify(_sign(SIGNED_PAYLOAD), at=AT, loader=_store(SIGNED_DOCS)).valid


@given(st.sampled_from(sorted(SIGNED_PAYLOAD)), _mutations())
def test_signed_mutations_give_findings_never_a_crash(key: str, value: Any) -> None:
    mutated = copy.deepcopy(SIGNED_PAYLOAD)
    mutated[key] = value
    report = verify(_sign(mutated), recipients=["alice@example.org"], at=AT, loader=_store(SIGNED_DOCS))
    assert all("internal error" not in f.message for f in report.errors), report.to_json()
