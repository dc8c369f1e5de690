"""Ed25519Signature2018: RDFC-1.0 over document and proof options, a detached JWS with b64:false, EdDSA.

The fixture cases (`ob3-ed25519sig2018-*`) are made by the fixture generator's own implementation; these
tests use obverify's signer to reach every JWS header variant an attacker could try.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.multibase import encode_multikey
from obverify._engines.net.store import DocumentStore
from obverify._ob3.proofs import check_embedded_proofs
from obverify._ob3.proofs.signing import add_proof
from obverify._ob3.proofs.suites import ED25519_2018_CONTEXT, proof_config, suite_of

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"ed2018").digest())
MB = encode_multikey("Ed25519", KEY.public_key().public_bytes_raw())
DID = f"did:key:{MB}"
METHOD = f"{DID}#{MB}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _credential(contexts: list[str]) -> dict[str, Any]:
    date = "validFrom" if contexts[0] == VC2 else "issuanceDate"
    return {
        "@context": contexts,
        "id": "urn:uuid:2018",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": DID, "type": ["Profile"], "name": "Issuer"},
        date: "2022-06-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"],
                              "achievement": {"id": "https://issuer.example/a", "type": ["Achievement"],
                                              "name": "A", "criteria": {"narrative": "n"}}},
    }


def _signed(contexts: list[str] | None = None) -> dict[str, Any]:
    return add_proof(_credential(contexts or [VC1, OB3]), KEY, verification_method=METHOD, cryptosuite=None,
                     proof_type="Ed25519Signature2018")


def _check(doc: dict[str, Any]) -> tuple[bool, list[str]]:
    ctx = RunContext(loader=DocumentStore(), at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(),
                     out=Collector(Report()))
    ok = check_embedded_proofs(ctx, doc, issuer_id=doc["issuer"]["id"])
    return ok, [f"{f.code}: {f.message}" for f in ctx.out.report.errors]


def _with_header(doc: dict[str, Any], header: dict[str, Any] | str, *, attached: bool = False) -> dict[str, Any]:
    """Re-sign `doc`'s proof with another JWS header (so only the header decides the verdict)."""
    from obverify._ob3.proofs.suites import canonical, hash_data, unsecured

    out = copy.deepcopy(doc)
    proof = out["proof"]
    suite = suite_of(proof)
    data = hash_data(canonical(proof_config(out, proof, suite), suite, None, "t"),
                     canonical(unsecured(out), suite, None, "t"), "sha256")
    raw = header if isinstance(header, str) else json.dumps(header)
    h = _b64(raw.encode())
    payload = _b64(data) if attached else ""
    signing_input = h.encode() + b"." + (payload.encode() if attached else data)
    proof["jws"] = f"{h}.{payload}.{_b64(KEY.sign(signing_input))}"
    return out


def test_the_fixture_cases_verify_and_the_tampered_copy_fails() -> None:
    for case, valid in (("ob3-ed25519sig2018-valid", True), ("ob3-ed25519sig2018-vc2-valid", True),
                        ("ob3-ed25519sig2018-tampered", False)):
        doc = json.loads((CASES / case / "input.json").read_text())
        ok, errors = _check(doc)
        assert ok is valid, (case, errors)
        if not valid:
            assert errors == ["proof_invalid: Ed25519Signature2018: signature does not verify"]


def test_signer_and_verifier_agree_and_a_change_breaks_it() -> None:
    signed = _signed()
    assert signed["proof"]["jws"].startswith("eyJhbGciOiJFZERTQSIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..")
    assert _check(signed) == (True, [])
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["id"] = "did:example:mallory"
    assert _check(changed)[0] is False


def test_the_suite_context_is_added_to_the_proof_options_only_when_needed() -> None:
    v1 = _signed([VC1, OB3])
    assert proof_config(v1, v1["proof"], suite_of(v1["proof"]))["@context"] == [VC1, OB3]
    v2 = _signed([VC2, OB3])
    assert proof_config(v2, v2["proof"], suite_of(v2["proof"]))["@context"] == [VC2, OB3, ED25519_2018_CONTEXT]
    assert _check(v2) == (True, [])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"alg": "EdDSA", "b64": True, "crit": ["b64"]}, "must be unencoded"),
        ({"alg": "EdDSA", "b64": False}, "must be unencoded"),  # without crit, b64 would be ignored by others
        ({"alg": "EdDSA", "b64": False, "crit": ["b64", "exp"]}, "must be unencoded"),
        ({"alg": "ES256", "b64": False, "crit": ["b64"]}, "alg must be EdDSA"),
        ({"alg": "none", "b64": False, "crit": ["b64"]}, "alg must be EdDSA"),
        ({"alg": "EdDSA", "b64": False, "crit": ["b64"], "jwk": {"kty": "OKP"}}, "does not define"),
        ('{"alg":"EdDSA","alg":"EdDSA","b64":false,"crit":["b64"]}', "not base64url-encoded JSON"),
        ("[1]", "not a JSON object"),
    ],
)
def test_every_other_jws_header_is_refused(header: dict[str, Any] | str, message: str) -> None:
    ok, errors = _check(_with_header(_signed(), header))
    assert not ok
    assert len(errors) == 1
    assert message in errors[0], errors


def test_an_attached_payload_and_a_second_signature_field_are_refused() -> None:
    ok, errors = _check(_with_header(_signed(), {"alg": "EdDSA", "b64": False, "crit": ["b64"]}, attached=True))
    assert not ok
    assert "detached JWS" in errors[0]
    doc = _signed()
    doc["proof"]["proofValue"] = "z" + "1" * 10
    assert "jws only" in _check(doc)[1][0]
    del doc["proof"]["proofValue"]
    del doc["proof"]["jws"]
    assert "needs a jws" in _check(doc)[1][0]


@pytest.mark.parametrize("jws", ["a..b", "%%%..abc", "e30..", "x" * 5000, "e30.e30.e30.e30"])
def test_malformed_jws_values_are_proof_invalid(jws: str) -> None:
    doc = _signed()
    doc["proof"]["jws"] = jws
    ok, errors = _check(doc)
    assert not ok
    assert errors
    assert all(e.startswith("proof_invalid: Ed25519Signature2018:") for e in errors), errors
