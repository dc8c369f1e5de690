"""The Linked Data Proof test vectors of the OB 3.0 Implementation Guide, reproduced byte for byte.

For `obv3p0` (OpenBadgeCredential) and `clrv2p0` (ClrCredential): the canonical N-Quads of the document and
of the proof options, their SHA-256, the data to sign, the Ed25519 signature made with the vector's key, the
proofValue, and a full `check_embedded_proofs` of the signed credential against a controller document built
from the vector's key pair.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.multibase import b58encode
from obverify._engines.net.store import DocumentStore
from obverify._ob3.proofs import canonical_forms, check_embedded_proofs

VECTORS = ["obv3p0", "clrv2p0"]
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"


def _load(spec_dir: Path, name: str) -> tuple[dict[str, Any], Path]:
    folder = spec_dir / "test-vectors" / name
    vector = json.loads((folder / "vector.json").read_text("utf-8"))
    assert isinstance(vector, dict)
    return vector, folder


def _ctx(spec_dir: Path, vector: dict[str, Any]) -> RunContext:
    """A run whose store serves the CLR context (fetched, hash-pinned) and the issuer's controller document."""
    mk = vector["keyPair"]["multikey"]
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": mk["controller"],
        "verificationMethod": [
            {"id": mk["id"], "type": "Multikey", "controller": mk["controller"],
             "publicKeyMultibase": mk["publicKeyMultibase"]}
        ],
        "assertionMethod": [mk["id"]],
    }
    ref_index = json.loads((spec_dir / "contexts" / "index.json").read_text("utf-8"))
    store = DocumentStore(
        {
            CLR_CONTEXT: (spec_dir / "contexts" / ref_index[CLR_CONTEXT]).read_bytes(),
            mk["controller"]: json.dumps(controller),
        }
    )
    return RunContext(loader=store, at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(), out=Collector(Report()))


@pytest.mark.parametrize("name", VECTORS)
def test_canonical_forms_and_hashes(spec_dir: Path, name: str) -> None:
    vector, folder = _load(spec_dir, name)
    ctx = _ctx(spec_dir, vector)
    document = dict(vector["credential"])
    proof = dict(vector["proofOptions"])
    proof_c14n, doc_c14n = canonical_forms(document, proof, ctx)
    assert doc_c14n == (folder / vector["canonicalDocumentFile"]).read_bytes()
    assert proof_c14n == (folder / vector["canonicalProofFile"]).read_bytes()
    assert hashlib.sha256(doc_c14n).hexdigest() == vector["documentHashHex"]
    assert hashlib.sha256(proof_c14n).hexdigest() == vector["proofHashHex"]
    data = hashlib.sha256(proof_c14n).digest() + hashlib.sha256(doc_c14n).digest()
    assert data.hex() == vector["dataToSignHex"]
    assert ctx.out.report.errors == []


@pytest.mark.parametrize("name", VECTORS)
def test_signature_and_proof_value(spec_dir: Path, name: str) -> None:
    vector, _ = _load(spec_dir, name)
    seed = bytes.fromhex(vector["keyPair"]["privateKeyHex"])[:32]
    key = Ed25519PrivateKey.from_private_bytes(seed)
    signature = key.sign(bytes.fromhex(vector["dataToSignHex"]))
    assert signature.hex() == vector["signatureHex"]
    assert "z" + b58encode(signature) == vector["proofValue"]


@pytest.mark.parametrize("name", VECTORS)
def test_signed_credential_verifies(spec_dir: Path, name: str) -> None:
    vector, _ = _load(spec_dir, name)
    ctx = _ctx(spec_dir, vector)
    signed = vector["signedCredential"]
    assert check_embedded_proofs(ctx, signed, issuer_id=signed["issuer"]["id"]) is True
    assert ctx.out.report.errors == []


@pytest.mark.parametrize("name", VECTORS)
def test_tampered_signed_credential_fails(spec_dir: Path, name: str) -> None:
    vector, _ = _load(spec_dir, name)
    ctx = _ctx(spec_dir, vector)
    signed = json.loads(json.dumps(vector["signedCredential"]))
    signed["issuer"]["name"] = "Someone Else"
    assert check_embedded_proofs(ctx, signed, issuer_id=signed["issuer"]["id"]) is False
    assert ctx.out.report.codes() == ["proof_invalid"]
