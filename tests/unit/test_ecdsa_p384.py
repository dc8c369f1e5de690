"""ecdsa-rdfc-2019 with P-384 keys, checked against an independent re-implementation of the specification.

VC DI ECDSA §3 (`#canon-and-hash`): "For P-384 keys, SHA-2 with 384-bits of output MUST be used" inside
RDFC-1.0, and §3.3.3 "Hashing": proofConfigHash and transformedDocumentHash are SHA-384 too. The spec text
bundles no P-384 test vectors (its TestVectors/ folder is not part of ../shared/spec), so this test redoes
every step with pyld's public API (`jsonld.to_rdf`, then pyld's own URDNA2015 with its hash swapped for
SHA-384), hashlib and cryptography, prints each step, and compares with obverify's fixture and verifier.

Before issue 14 obverify canonicalized with SHA-256 for every key; the committed P-384 fixture of that
time is now the case `ob3-ecdsa-rdfc-p384-sha256-canon` (byte for byte), and is `proof_invalid`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import obverify._engines.jsonld  # noqa: F401 - imports pyld without its network loaders
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.contexts import bundled_context
from obverify._engines.multibase import b58decode, decode_multikey
from obverify._engines.net.store import DocumentStore
from obverify._ob3.proofs import canonical_forms, check_embedded_proofs

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _independent_canon(document: dict[str, Any], algorithm: str) -> str:
    """RDFC-1.0 with the given hash, through pyld's public to_rdf and its own URDNA2015 (no obverify code)."""
    from pyld import jsonld
    from pyld.canon import URDNA2015

    def loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
        context = bundled_context(url)
        assert context is not None, url
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": copy.deepcopy(context)}

    class Canon(URDNA2015):  # type: ignore[misc]
        def create_hash(self) -> Any:
            return hashlib.new(algorithm)

    dataset = jsonld.to_rdf(document, {"documentLoader": loader, "produceGeneralizedRdf": False, "base": ""})
    result = Canon().main(dataset, {"format": "application/n-quads"})
    assert isinstance(result, str)
    return result


def _public_key(method: str) -> ec.EllipticCurvePublicKey:
    kind, raw = decode_multikey(method.split("#", 1)[1])
    assert kind == "P-384"
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw)


def _verifies(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    r, s = int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
    try:
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        return False
    return True


def _load(case: str) -> dict[str, Any]:
    value = json.loads((CASES / case / "input.json").read_text("utf-8"))
    assert isinstance(value, dict)
    return value


def _check(document: dict[str, Any]) -> tuple[bool, list[str]]:
    ctx = RunContext(loader=DocumentStore(), at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(),
                     out=Collector(Report()))
    ok = check_embedded_proofs(ctx, document, issuer_id=document["issuer"]["id"])
    return ok, [f.message for f in ctx.out.report.errors]


def test_p384_fixture_matches_the_specification_step_by_step(capsys: pytest.CaptureFixture[str]) -> None:
    signed = _load("ob3-ecdsa-rdfc-p384-valid")
    proof = signed["proof"]
    key = _public_key(proof["verificationMethod"])
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    # §3.3.5 Proof Configuration: the proof without proofValue, with the document's @context
    config = {"@context": signed["@context"], **{k: v for k, v in proof.items() if k != "proofValue"}}

    doc_c14n = _independent_canon(unsecured, "sha384")  # §3.3.2 Transformation, RDFC-1.0 with SHA-384
    config_c14n = _independent_canon(config, "sha384")
    doc_hash = hashlib.sha384(doc_c14n.encode()).digest()  # §3.3.3 Hashing
    config_hash = hashlib.sha384(config_c14n.encode()).digest()
    hash_data = config_hash + doc_hash
    signature = b58decode(proof["proofValue"][1:])
    with capsys.disabled():
        print("\n--- P-384 ecdsa-rdfc-2019, independent re-implementation ---")
        print("canonical document (RDFC-1.0, SHA-384):\n" + doc_c14n)
        print("canonical proof configuration (RDFC-1.0, SHA-384):\n" + config_c14n)
        print("transformedDocumentHash  SHA-384:", doc_hash.hex())
        print("proofConfigHash          SHA-384:", config_hash.hex())
        print("hashData (96 bytes):", hash_data.hex())
        print("signature r||s (96 bytes):", signature.hex())
    assert len(signature) == 96
    assert _verifies(key, signature, hash_data)

    # obverify's own transformation gives exactly the same bytes
    ours_config, ours_doc = canonical_forms(signed, proof, key=key)
    assert ours_doc.decode() == doc_c14n
    assert ours_config.decode() == config_c14n
    assert _check(signed) == (True, [])


def test_the_canonicalization_hash_changes_the_labels_of_this_credential() -> None:
    """The credential has several blank nodes, so SHA-256 and SHA-384 label them differently: the test above
    would catch a verifier or signer that canonicalized with SHA-256."""
    unsecured = {k: v for k, v in _load("ob3-ecdsa-rdfc-p384-valid").items() if k != "proof"}
    sha256_form = _independent_canon(unsecured, "sha256")
    sha384_form = _independent_canon(unsecured, "sha384")
    assert len(set(re.findall(r"_:c14n\d+", sha256_form))) == 3
    assert sha256_form != sha384_form


def test_a_sha256_canonicalized_p384_credential_is_proof_invalid() -> None:
    """What obverify signed before issue 14 (and what its verifier accepted): a conforming verifier refuses it."""
    old = _load("ob3-ecdsa-rdfc-p384-sha256-canon")
    proof = old["proof"]
    key = _public_key(proof["verificationMethod"])
    unsecured = {k: v for k, v in old.items() if k != "proof"}
    config = {"@context": old["@context"], **{k: v for k, v in proof.items() if k != "proofValue"}}
    signature = b58decode(proof["proofValue"][1:])

    def data(algorithm: str) -> bytes:
        return hashlib.sha384(_independent_canon(config, algorithm).encode()).digest() + hashlib.sha384(
            _independent_canon(unsecured, algorithm).encode()).digest()

    assert _verifies(key, signature, data("sha256"))  # it really is the old, wrong algorithm ...
    assert not _verifies(key, signature, data("sha384"))  # ... which the specification's does not accept
    ok, messages = _check(old)
    assert not ok
    assert messages == ["ecdsa-rdfc-2019: signature does not verify"]


@pytest.mark.parametrize(("curve", "algorithm"), [(ec.SECP256R1(), "sha256"), (ec.SECP384R1(), "sha384")])
def test_ecdsa_jcs_2019_hashes_both_halves_with_the_curves_hash(curve: ec.EllipticCurve, algorithm: str) -> None:
    """VC DI ECDSA §3.4.3 "Hashing (ecdsa-jcs-2019)": SHA-256 for P-256, SHA-384 for P-384, for the proof
    configuration and the document alike (JCS has no inner hash). Re-done here with rfc8785 and hashlib."""
    import rfc8785
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from obverify._engines.multibase import encode_multikey
    from obverify._ob3.proofs.signing import add_proof

    key = ec.derive_private_key(424242, curve)
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    mb = encode_multikey("P-384" if algorithm == "sha384" else "P-256", point)
    document = {k: v for k, v in _load("ob3-ecdsa-rdfc-p384-valid").items() if k != "proof"}
    document["issuer"] = {**document["issuer"], "id": f"did:key:{mb}"}
    signed = add_proof(document, key, verification_method=f"did:key:{mb}#{mb}", cryptosuite="ecdsa-jcs-2019")
    proof = signed["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    assert config["@context"] == document["@context"]  # JCS "Create Proof" step 2
    digest = getattr(hashlib, algorithm)
    data = digest(rfc8785.dumps(config)).digest() + digest(rfc8785.dumps(document)).digest()
    signature = b58decode(proof["proofValue"][1:])
    size = len(signature) // 2
    assert size == (32 if algorithm == "sha256" else 48)
    r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
    hash_alg: hashes.HashAlgorithm = hashes.SHA384() if algorithm == "sha384" else hashes.SHA256()
    key.public_key().verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_alg))  # raises if it does not verify
    assert _check(signed) == (True, [])
