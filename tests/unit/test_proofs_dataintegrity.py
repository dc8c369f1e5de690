"""Data Integrity proofs: every suite signs and verifies, and each single mutation is refused with its code."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._core.timeparse import parse_datetime
from obverify._engines.multibase import b58encode, encode_multikey
from obverify._engines.net.store import DocumentStore
from obverify._ob3.proofs import canonical_forms, check_embedded_proofs
from obverify._ob3.proofs.signing import PrivateKey, add_proof
from obverify._ob3.proofs.suites import SuiteError

AT = datetime(2026, 3, 1, tzinfo=UTC)
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
ISSUER_URL = "https://issuer.example/profile"


def ed_key(name: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def p_key(name: str, curve: str) -> ec.EllipticCurvePrivateKey:
    crv: ec.EllipticCurve = ec.SECP256R1() if curve == "P-256" else ec.SECP384R1()
    return ec.derive_private_key(int.from_bytes(hashlib.sha256(name.encode()).digest(), "big"), crv)


def multikey(key: PrivateKey) -> str:
    if isinstance(key, Ed25519PrivateKey):
        return encode_multikey("Ed25519", key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    kind = "P-384" if key.curve.name == "secp384r1" else "P-256"
    return encode_multikey(kind, key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint))


def did_key(key: PrivateKey) -> tuple[str, str]:
    """(did, verification method id) of a did:key."""
    mb = multikey(key)
    return f"did:key:{mb}", f"did:key:{mb}#{mb}"


def credential(issuer: str, *, v1: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [VC1, OB303] if v1 else [VC2, OB303],
        "id": "urn:uuid:6b3c1a2e-3f8e-4d6b-9a0e-2a8f1c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Issuer"},
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works in a team.",
                "criteria": {"narrative": "Nominated by peers."},
            },
        },
    }
    if v1:
        doc["issuanceDate"] = "2024-01-01T00:00:00Z"
    else:
        doc["validFrom"] = "2024-01-01T00:00:00Z"
    return doc


def controller_doc(controller: str, methods: list[tuple[str, PrivateKey]], listed: bool = True) -> bytes:
    return json.dumps(
        {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": controller,
            "verificationMethod": [
                {"id": mid, "type": "Multikey", "controller": controller, "publicKeyMultibase": multikey(k)}
                for mid, k in methods
            ],
            "assertionMethod": [mid for mid, _ in methods] if listed else [],
        }
    ).encode()


def run(doc: dict[str, Any], issuer: str, store: DocumentStore | None = None) -> tuple[bool, list[str], RunContext]:
    ctx = RunContext(loader=store or DocumentStore(), at=AT, recipients=(), out=Collector(Report()))
    ok = check_embedded_proofs(ctx, doc, issuer_id=issuer)
    return ok, ctx.out.report.codes(), ctx


SUITE_KEYS: list[tuple[str, str, str | None]] = [
    ("eddsa-rdfc-2022", "Ed25519", None),
    ("eddsa-2022", "Ed25519", None),
    ("eddsa-jcs-2022", "Ed25519", None),
    ("ecdsa-rdfc-2019", "P-256", None),
    ("ecdsa-rdfc-2019", "P-384", None),
    ("ecdsa-jcs-2019", "P-256", None),
    ("ecdsa-jcs-2019", "P-384", None),
]


def make_key(kind: str, name: str = "issuer") -> PrivateKey:
    return ed_key(name) if kind == "Ed25519" else p_key(name, kind)


@pytest.mark.parametrize(("suite", "kind", "_x"), SUITE_KEYS)
def test_each_suite_verifies_and_tamper_fails(suite: str, kind: str, _x: str | None) -> None:
    key = make_key(kind)
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm, cryptosuite=suite)
    ok, codes, ctx = run(signed, did)
    assert (ok, codes) == (True, [])
    assert ctx.out.report.checks[0].status == "passed"
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    assert run(tampered, did)[:2] == (False, ["proof_invalid"])


def test_ed25519signature2020_on_vc1() -> None:
    key = ed_key("legacy")
    did, vm = did_key(key)
    doc = credential(did, v1=True)
    doc["@context"] = [VC1, OB303, ED2020]
    signed = add_proof(doc, key, verification_method=vm, cryptosuite=None, proof_type="Ed25519Signature2020")
    assert run(signed, did)[:2] == (True, [])
    signed["name"] = "Other"
    assert run(signed, did)[:2] == (False, ["proof_invalid"])


def test_https_controller_document() -> None:
    key = ed_key("https")
    vm = f"{ISSUER_URL}#key-1"
    store = DocumentStore({ISSUER_URL: controller_doc(ISSUER_URL, [(vm, key)])})
    signed = add_proof(credential(ISSUER_URL), key, verification_method=vm)
    assert run(signed, ISSUER_URL, store)[:2] == (True, [])
    assert store.requested == [ISSUER_URL]


def test_method_not_listed_under_assertion_method_is_issuer_mismatch() -> None:
    key = ed_key("https")
    vm = f"{ISSUER_URL}#key-1"
    store = DocumentStore({ISSUER_URL: controller_doc(ISSUER_URL, [(vm, key)], listed=False)})
    signed = add_proof(credential(ISSUER_URL), key, verification_method=vm)
    assert run(signed, ISSUER_URL, store)[:2] == (False, ["issuer_mismatch"])


def test_key_of_another_controller_is_issuer_mismatch_and_never_fetched() -> None:
    key = ed_key("attacker")
    vm = "https://attacker.example/keys/1"
    method_doc = {
        "@context": ["https://w3id.org/security/multikey/v1"],
        "id": vm,
        "type": "Multikey",
        "controller": "https://attacker.example/",
        "publicKeyMultibase": multikey(key),
    }
    store = DocumentStore({vm: json.dumps(method_doc)})
    signed = add_proof(credential(ISSUER_URL), key, verification_method=vm)
    assert run(signed, ISSUER_URL, store)[:2] == (False, ["issuer_mismatch"])
    assert store.requested == [vm]  # the attacker's controller document was never asked for


def test_did_key_of_b_for_issuer_a() -> None:
    key_a, key_b = ed_key("a"), ed_key("b")
    did_a, _ = did_key(key_a)
    _, vm_b = did_key(key_b)
    signed = add_proof(credential(did_a), key_b, verification_method=vm_b)
    assert run(signed, did_a)[:2] == (False, ["issuer_mismatch"])


def test_wrong_key_signature_is_proof_invalid() -> None:
    did, vm = did_key(ed_key("a"))
    signed = add_proof(credential(did), ed_key("b"), verification_method=vm)
    assert run(signed, did)[:2] == (False, ["proof_invalid"])


def test_two_proofs_all_must_verify() -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    one = add_proof(credential(did), key, verification_method=vm)
    two = add_proof(one, key, verification_method=vm, cryptosuite="eddsa-jcs-2022")
    ok, codes, ctx = run(two, did)
    assert (ok, codes) == (True, [])
    assert [c.status for c in ctx.out.report.checks] == ["passed", "passed"]
    forged = copy.deepcopy(two)
    forged["proof"][1]["proofValue"] = one["proof"]["proofValue"]
    ok, codes, ctx = run(forged, did)
    assert (ok, codes) == (False, ["proof_invalid"])
    assert [c.status for c in ctx.out.report.checks] == ["passed", "failed"]
    assert ctx.out.report.errors[0].path == "/proof/1"


def test_suite_label_mismatch_is_not_retried() -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm, cryptosuite="eddsa-jcs-2022")
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert run(signed, did)[:2] == (False, ["proof_invalid"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("proofPurpose", "authentication"),
        ("created", "2099-01-01T00:00:00Z"),
        ("created", "yesterday"),
        ("expires", "2025-01-01T00:00:00Z"),
        ("cryptosuite", "bbs-2023"),
        ("type", "RsaSignature2018"),
        ("proofValue", "uAAAA"),
        ("proofValue", "z0OIl"),
        ("previousProof", "urn:uuid:1"),
        ("verificationMethod", None),
        ("@context", ["https://example.test/other"]),
    ],
)
def test_proof_option_mutations(field: str, value: Any) -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm)
    signed["proof"][field] = value
    ok, codes, _ = run(signed, did)
    assert ok is False
    assert codes == ["proof_invalid"]


def test_no_proof_and_malformed_proofs() -> None:
    did, _ = did_key(ed_key("a"))
    assert run(credential(did), did)[:2] == (False, ["proof_invalid"])
    doc = credential(did)
    doc["proof"] = "not an object"
    assert run(doc, did)[:2] == (False, ["proof_invalid"])
    doc["proof"] = [{}] * 9
    assert run(doc, did)[:2] == (False, ["proof_invalid"])


def test_identity_key_forgery_is_refused() -> None:
    """A did:key of the identity point 'signs' anything with R = identity, S = 0; we refuse the key."""
    mb = encode_multikey("Ed25519", bytes([1]) + bytes(31))
    did, vm = f"did:key:{mb}", f"did:key:{mb}#{mb}"
    doc = credential(did)
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + b58encode(bytes([1]) + bytes(63)),
    }
    assert run(doc, did)[:2] == (False, ["proof_invalid"])


def test_term_added_after_signing_on_vc1_is_proof_invalid() -> None:
    """SECURITY.md §6: an undefined term is dropped by RDFC, so it would be unsigned yet displayed."""
    key = ed_key("a")
    did, vm = did_key(key)
    doc = credential(did, v1=True)
    doc["@context"].append("https://w3id.org/security/data-integrity/v2")
    signed = add_proof(doc, key, verification_method=vm)
    assert run(signed, did)[:2] == (True, [])
    signed["credentialSubject"]["extraClaim"] = "I am the best"
    ok, codes, ctx = run(signed, did)
    assert (ok, codes) == (False, ["proof_invalid"])
    assert "extraClaim" in ctx.out.report.errors[0].message or "not defined" in ctx.out.report.errors[0].message


def test_relative_type_is_proof_invalid() -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    doc = credential(did, v1=True)
    doc["@context"].append("https://w3id.org/security/data-integrity/v2")
    doc["credentialSubject"]["type"] = ["AchievementSubject", "UndefinedType"]
    with pytest.raises(SuiteError):
        add_proof(doc, key, verification_method=vm)


def test_unsupported_did_method_is_proof_invalid() -> None:
    key = ed_key("a")
    signed = add_proof(credential("did:example:123"), key, verification_method="did:example:123#key-1")
    assert run(signed, "did:example:123")[:2] == (False, ["proof_invalid"])


def test_unbundled_context_is_context_invalid() -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm)
    signed["@context"] = [*signed["@context"], "https://contexts.example/extra.json"]
    store = DocumentStore()
    ok, codes, _ = run(signed, did, store)
    assert ok is False
    assert "context_invalid" in codes
    assert store.requested == []  # never asked the loader: remote contexts are not allowed


def test_canonical_forms_show_what_is_hashed() -> None:
    key = ed_key("a")
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm, cryptosuite="eddsa-jcs-2022")
    config, document = canonical_forms(signed, signed["proof"])
    assert b"proofValue" not in config
    assert json.loads(config)["@context"] == signed["@context"]
    assert b'"proof"' not in document
    with pytest.raises(SuiteError):
        canonical_forms(signed, {"type": "Unknown"})


def test_interop_corpus_proofs(interop_dir: Path) -> None:
    """Every OB 3.0 JSON case whose manifest notes give proof verdicts gets the same verdict from us."""
    manifest = json.loads((interop_dir / "manifest.json").read_text("utf-8"))
    checked = 0
    mismatches: list[str] = []
    for case in manifest["cases"]:
        m = re.search(r"proofs: ([^;]*)", case.get("notes") or "")
        if m is None or not case["file"].endswith(".json"):
            continue
        store = DocumentStore({u: (interop_dir / f).read_bytes() for u, f in case.get("documents", {}).items()})
        doc = json.loads((interop_dir / case["file"]).read_bytes())
        at = parse_datetime(case["at"]) if case.get("at") else AT
        ctx = RunContext(loader=store, at=at, recipients=(), out=Collector(Report()))
        issuer = doc.get("issuer")
        issuer_id = str(issuer.get("id") if isinstance(issuer, dict) else issuer)
        ok = check_embedded_proofs(ctx, doc, issuer_id=issuer_id)
        expected_ok = "INVALID" not in m.group(1) and "none" not in m.group(1).lower()
        errors = ctx.out.report.errors
        # A signature-valid case may still fail our rules: a proof created after `at` (the case is evaluated
        # before the credential's validity), or the case's own issuer_mismatch.
        excused = expected_ok and all(
            "lies in the future" in f.message or f.code == case.get("reason") == "issuer_mismatch" for f in errors
        )
        if ok != expected_ok and not excused:
            mismatches.append(f"{case['id']}: {[f.code for f in errors]}")
        checked += 1
    assert mismatches == []
    assert checked >= 100


def test_jcs_proof_config_is_the_proof_as_given() -> None:
    """JCS suites hash the proof options as they are: a signer puts the document's @context into the proof
    (Create Proof step 2); an older signer that did not is verified over options without @context."""
    key = ed_key("a")
    did, vm = did_key(key)
    signed = add_proof(credential(did), key, verification_method=vm, cryptosuite="eddsa-jcs-2022")
    assert signed["proof"]["@context"] == signed["@context"]
    legacy = copy.deepcopy(signed)
    del legacy["proof"]["@context"]
    config, _ = canonical_forms(legacy, legacy["proof"])
    assert "@context" not in json.loads(config)
    assert run(legacy, did)[:2] == (False, ["proof_invalid"])  # signed over options that held @context
    rdfc = add_proof(credential(did), key, verification_method=vm)
    assert "@context" not in rdfc["proof"]
    assert run(rdfc, did)[:2] == (True, [])


_SIGNING_KEY = ed_key("property")
_DID, _VM = did_key(_SIGNING_KEY)
_SIGNED = add_proof(credential(_DID), _SIGNING_KEY, verification_method=_VM)


def _string_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*prefix, i))]
    return [prefix] if isinstance(value, str) else []


_PATHS = [p for p in _string_paths(_SIGNED) if p[:1] != ("@context",)]


@given(index=st.integers(min_value=0, max_value=len(_PATHS) - 1), suffix=st.text(min_size=1, max_size=3))
def test_any_changed_string_is_refused(index: int, suffix: str) -> None:
    """Property (SECURITY.md §10): changing any signed string value makes the proof fail, never raise."""
    doc = copy.deepcopy(_SIGNED)
    target: Any = doc
    path = _PATHS[index]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = target[path[-1]] + suffix
    ok, codes, _ = run(doc, _DID)
    assert ok is False
    assert codes
    assert set(codes) <= {"proof_invalid", "issuer_mismatch", "context_invalid", "fetch_failed"}


json_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
json_any = st.recursive(
    json_leaf,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=15,
)


@given(proof=json_any, issuer=st.text(max_size=20))
def test_arbitrary_proofs_never_raise(proof: Any, issuer: str) -> None:
    doc = credential(_DID)
    doc["proof"] = proof
    ok, codes, _ = run(doc, issuer or _DID)
    assert ok is False
    assert codes
