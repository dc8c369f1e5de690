"""Adding a Data Integrity proof: the exact inverse of verification, for tests and the fixture generator.

Implements "Create Proof" of VC Data Integrity EdDSA Cryptosuites v1.0 §3.3.1/§3.4.1 and ECDSA Cryptosuites
v1.0 §3.3.1/§3.4.1, Ed25519Signature2020 and Ed25519Signature2018 (detached JWS), with the same
transformation code the verifier uses
(`suites.proof_config`, `suites.canonical`), so signer and verifier cannot drift apart. Signatures are
deterministic (Ed25519 by design, ECDSA with RFC 6979), so regenerated fixtures are byte-identical.
obverify does not issue badges: this exists to build test credentials.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from obverify._engines.jose import b64url_encode
from obverify._engines.multibase import b58encode
from obverify._ob3.proofs.suites import (
    ED25519_2018,
    PROOF_TYPES,
    SUITES,
    Suite,
    canonical,
    hash_data,
    hash_name,
    proof_config,
    unsecured,
)

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


def _suite(proof_type: str, cryptosuite: str | None) -> Suite:
    if proof_type in PROOF_TYPES:
        return PROOF_TYPES[proof_type]
    if cryptosuite is None or cryptosuite not in SUITES or SUITES[cryptosuite].family == "ecdsa-sd":
        raise ValueError(f"unknown cryptosuite {cryptosuite!r} (ecdsa-sd-2023: see fixtures/gen/ob3_sd.py)")
    return SUITES[cryptosuite]


def sign_raw(key: PrivateKey, data: bytes) -> bytes:
    """Ed25519, or deterministic ECDSA as raw r || s with the curve's hash."""
    if isinstance(key, Ed25519PrivateKey):
        return key.sign(data)
    size = (key.curve.key_size + 7) // 8
    algorithm: hashes.HashAlgorithm = hashes.SHA384() if key.curve.name == "secp384r1" else hashes.SHA256()
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(algorithm, deterministic_signing=True)))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def add_proof(
    document: dict[str, Any],
    key: PrivateKey,
    *,
    verification_method: str,
    cryptosuite: str | None = "eddsa-rdfc-2022",
    proof_type: str = "DataIntegrityProof",
    created: str | None = "2024-01-01T00:00:00Z",
    proof_purpose: str = "assertionMethod",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A copy of `document` with one more proof (a proof set: existing proofs are kept, not signed over)."""
    suite = _suite(proof_type, cryptosuite)
    proof: dict[str, Any] = {"type": proof_type}
    if proof_type == "DataIntegrityProof":
        proof["cryptosuite"] = cryptosuite
    if created is not None:
        proof["created"] = created
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if suite.canon == "jcs" and "@context" in document:
        proof["@context"] = document["@context"]  # JCS "Create Proof" step 2
    proof.update(extra or {})
    algorithm = hash_name(suite, key.public_key())  # the verifier's own choice, for every hashing step
    config_c14n = canonical(proof_config(document, proof, suite), suite, None, "sign", algorithm)
    doc_c14n = canonical(unsecured(document), suite, None, "sign", algorithm)
    data = hash_data(config_c14n, doc_c14n, algorithm)
    if suite is ED25519_2018:
        # detached JWS with the unencoded payload (RFC 7797): header..signature over header "." data
        header = b64url_encode(json.dumps({"alg": "EdDSA", "b64": False, "crit": ["b64"]}, separators=(",", ":"))
                               .encode())
        proof["jws"] = header + ".." + b64url_encode(sign_raw(key, header.encode() + b"." + data))
    else:
        proof["proofValue"] = "z" + b58encode(sign_raw(key, data))
    out = copy.deepcopy(document)
    existing = out.get("proof")
    if existing is None:
        out["proof"] = proof
    else:
        out["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return out


__all__ = ["add_proof", "sign_raw"]
