"""The cryptosuites: each one's exact transformation, hashing and signature check, and nothing else.

Implements VC Data Integrity EdDSA Cryptosuites v1.0 §3.3 (`eddsa-rdfc-2022`, and its pre-release name
`eddsa-2022`) and §3.4 (`eddsa-jcs-2022`), VC Data Integrity ECDSA Cryptosuites v1.0 §3.3 (`ecdsa-rdfc-2019`,
P-256 with SHA-256 and P-384 with SHA-384) and §3.4 (`ecdsa-jcs-2019`), Ed25519Signature2020
(W3C CCG "Ed25519 Signature 2020", the Linked Data Signatures algorithm) and Ed25519Signature2018 (the same
algorithm, its signature in a detached JWS: `detached_jws`). For every suite:

    proofConfig  = the proof without `proofValue` (RDFC: with the document's `@context`)
    hashData     = H(canonical(proofConfig)) || H(canonical(document without `proof`))
    verify(publicKey, proofValue, hashData)

where `canonical` is RDFC-1.0 (safe mode) for the `-rdfc-` suites and Ed25519Signature2020, RFC 8785 JCS for
the `-jcs-` suites, and H is SHA-256 (SHA-384 for P-384). A suite label always selects exactly its own
transformation: we never try another one when the first fails (SECURITY.md §10).

Which hash each step uses (VC DI ECDSA §3.3.2 "Transformation", §3.3.3 "Hashing", §3 `#canon-and-hash`,
§3.4.3; VC DI EdDSA §3.3.2/§3.3.3):

    suite / key                     RDFC-1.0 inside canonical()   proofConfigHash   transformedDocumentHash
    eddsa-rdfc-2022, Ed25519        SHA-256                       SHA-256           SHA-256
    eddsa-jcs-2022, Ed25519         (JCS: none)                   SHA-256           SHA-256
    ecdsa-rdfc-2019, P-256          SHA-256                       SHA-256           SHA-256
    ecdsa-rdfc-2019, P-384          SHA-384                       SHA-384           SHA-384
    ecdsa-jcs-2019, P-256 / P-384   (JCS: none)                   SHA-256 / SHA-384 SHA-256 / SHA-384
    Ed25519Signature2020            SHA-256                       SHA-256           SHA-256
    Ed25519Signature2018            SHA-256                       SHA-256           SHA-256  (signed in a JWS)
    ecdsa-sd-2023 (derived), P-256  SHA-256 (then HMAC labels)    SHA-256           per statement: ES256;
                                                                  mandatoryHash: SHA-256 (see `selective`)

The ECDSA signature itself hashes hashData once more with the same function (ES256 / ES384).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.lazy import deferred
from obverify._core.text import quote
from obverify._engines.ed25519check import verify_ed25519

if TYPE_CHECKING:
    from obverify._engines import jsonld
    from obverify._engines.keys.decoding import PublicKey
else:
    # pyld (~75 ms of a process with the requests, lxml and asyncio it imports itself) only for RDFC suites
    jsonld = deferred("obverify._engines.jsonld")

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
ED25519_2018_CONTEXT = "https://w3id.org/security/suites/ed25519-2018/v1"
# Contexts that already define Ed25519Signature2018's terms (jsonld-signatures' "compatible" contexts)
_ED25519_2018_DEFINED_BY = frozenset(
    {ED25519_2018_CONTEXT, "https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/v2"}
)

_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
}


class SuiteError(Exception):
    """The proof cannot be checked or does not verify: `code` and our own message."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Suite(NamedTuple):
    """A named suite: which canonicalization, and which key kinds it accepts.

    A `NamedTuple`, not a frozen dataclass: importing `dataclasses` pulls in `inspect`, `ast` and `dis` at
    start-up (see `obverify._core.baked`).
    """

    name: str
    canon: str  # "rdfc" or "jcs"
    family: str  # "eddsa" or "ecdsa"


SUITES: dict[str, Suite] = {
    "eddsa-rdfc-2022": Suite("eddsa-rdfc-2022", "rdfc", "eddsa"),
    "eddsa-2022": Suite("eddsa-2022", "rdfc", "eddsa"),
    "eddsa-jcs-2022": Suite("eddsa-jcs-2022", "jcs", "eddsa"),
    "ecdsa-rdfc-2019": Suite("ecdsa-rdfc-2019", "rdfc", "ecdsa"),
    "ecdsa-jcs-2019": Suite("ecdsa-jcs-2019", "jcs", "ecdsa"),
    # selective disclosure: derived proofs only, verified by `selective` (its own algorithm, not hashData)
    "ecdsa-sd-2023": Suite("ecdsa-sd-2023", "rdfc", "ecdsa-sd"),
}
ECDSA_SD_2023 = SUITES["ecdsa-sd-2023"]
ED25519_2020 = Suite("Ed25519Signature2020", "rdfc", "eddsa")
ED25519_2018 = Suite("Ed25519Signature2018", "rdfc", "eddsa")
UNSUPPORTED_SUITES: dict[str, str] = {
    "bbs-2023": "BBS signatures: no maintained Python implementation exists, so obverify cannot check this proof",
}
"""Cryptosuites real credentials use that obverify knows and refuses, with the reason it gives."""
PROOF_TYPES: dict[str, Suite] = {ED25519_2020.name: ED25519_2020, ED25519_2018.name: ED25519_2018}
"""Proof `type`s that are a suite by themselves (Linked Data Signatures), beside DataIntegrityProof."""


def suite_of(proof: dict[str, Any]) -> Suite:
    """The suite a proof names; `SuiteError(proof_invalid)` for anything else."""
    ptype = proof.get("type")
    if ptype == "DataIntegrityProof":
        name = proof.get("cryptosuite")
        suite = SUITES.get(name) if isinstance(name, str) else None
        if suite is None:
            if name is None:
                raise SuiteError(Code.PROOF_INVALID, "a DataIntegrityProof needs a cryptosuite")
            reason = UNSUPPORTED_SUITES.get(name) if isinstance(name, str) else None
            raise SuiteError(Code.PROOF_INVALID, f"unsupported cryptosuite {quote(name, 60)}"
                             + (f" ({reason})" if reason else ""))
        return suite
    suite = PROOF_TYPES.get(ptype) if isinstance(ptype, str) else None
    if suite is not None:
        return suite
    raise SuiteError(Code.PROOF_INVALID, f"unsupported proof type {quote(ptype, 60)}")


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its `proof` (what every proof of a proof set signs)."""
    return {k: v for k, v in document.items() if k != "proof"}


def proof_config(document: dict[str, Any], proof: dict[str, Any], suite: Suite) -> dict[str, Any]:
    """The proof options exactly as the suite hashes them (never the `proofValue`).

    - RDFC suites (Proof Configuration, §3.3.5 of both specifications): the document's `@context`.
    - JCS suites (§3.4): the proof options as they are; a JCS signer puts the document's `@context` into
      the proof itself ("Create Proof" step 2), so it is covered exactly when the proof carries it. The
      document hash covers the document's own `@context` either way.
    - Ed25519Signature2020 (Linked Data Signatures) also drops `jws`/`signatureValue`, and needs its suite
      context to define its terms: appended when the document's context does not already hold it.
    - Ed25519Signature2018 likewise (jsonld-signatures' `canonizeProof`): its suite context is appended
      unless the document's context already defines the suite (its own context, VC v1 or security v2).
    """
    if suite.canon == "jcs":
        return {k: v for k, v in proof.items() if k != "proofValue"}
    config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
    context = document.get("@context")
    if suite is ED25519_2020 or suite is ED25519_2018:
        config.pop("jws", None)
        config.pop("signatureValue", None)
        ctx_list = context if isinstance(context, list) else [context] if context is not None else []
        if suite is ED25519_2020 and ED25519_2020_CONTEXT not in ctx_list:
            context = [*ctx_list, ED25519_2020_CONTEXT]
        if suite is ED25519_2018 and not any(isinstance(c, str) and c in _ED25519_2018_DEFINED_BY for c in ctx_list):
            context = [*ctx_list, ED25519_2018_CONTEXT]
    return {"@context": context, **config}


def _jcs(value: Any) -> bytes:
    import rfc8785  # on first use: a VC-JWT or RDFC proof never needs it

    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        raise SuiteError(Code.PROOF_INVALID, "document cannot be canonicalized with JCS (RFC 8785)") from None


def canonical(
    value: dict[str, Any], suite: Suite, ctx: RunContext | None, stage: str, hash_algorithm: str = "sha256"
) -> bytes:
    """The suite's canonical bytes of `value` (RDFC-1.0 N-Quads or JCS).

    `hash_algorithm` is the hash *inside* RDFC-1.0 (it decides the blank node labels): `hash_name(suite, key)`,
    i.e. SHA-384 for ecdsa-rdfc-2019 with a P-384 key (VC DI ECDSA §3, `#canon-and-hash`: "For P-384 keys,
    SHA-2 with 384-bits of output MUST be used"), SHA-256 everywhere else. JCS has no such parameter.
    """
    if suite.canon == "jcs":
        return _jcs(value)
    try:
        return jsonld.canonize(value, ctx, stage=stage, hash_algorithm=hash_algorithm).encode("utf-8")
    except jsonld.JsonLdProcessingError as exc:
        raise SuiteError(exc.code, exc.message) from None


def hash_name(suite: Suite, key: PublicKey | None) -> str:
    """SHA-384 for ECDSA P-384 keys, else SHA-256."""
    if suite.family == "ecdsa" and not isinstance(key, Ed25519PublicKey | None):
        from cryptography.hazmat.primitives.asymmetric import ec  # ECDSA only: an Ed25519 run never loads it

        if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp384r1":
            return "sha384"
    return "sha256"


def hash_data(config_c14n: bytes, document_c14n: bytes, algorithm: str) -> bytes:
    """hashData = H(proofConfig) || H(transformedDocument) (both suites families, all variants)."""
    h: Callable[[bytes], Any] = hashlib.sha384 if algorithm == "sha384" else hashlib.sha256
    return bytes(h(config_c14n).digest() + h(document_c14n).digest())


def verify_signature(suite: Suite, key: PublicKey, signature: bytes, data: bytes) -> None:
    """Check `signature` over `data` with exactly the suite's algorithm; `SuiteError` if it fails."""
    if suite.family == "eddsa":
        if not isinstance(key, Ed25519PublicKey):
            raise SuiteError(Code.PROOF_INVALID, "the key is not an Ed25519 key")
        raw = key.public_bytes_raw()
        reason = verify_ed25519(raw, signature, data)
        if reason is not None:
            raise SuiteError(Code.PROOF_INVALID, reason)
        return
    from cryptography.hazmat.primitives.asymmetric import ec  # ECDSA only: an Ed25519 run never loads it
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name not in _ORDERS:
        raise SuiteError(Code.PROOF_INVALID, "the key is not a P-256 or P-384 key")
    size = (key.curve.key_size + 7) // 8
    if len(signature) != 2 * size:
        raise SuiteError(Code.PROOF_INVALID, f"signature must be {2 * size} bytes (r || s)")
    r = int.from_bytes(signature[:size], "big")
    s = int.from_bytes(signature[size:], "big")
    order = _ORDERS[key.curve.name]
    if not (0 < r < order and 0 < s < order):
        raise SuiteError(Code.PROOF_INVALID, "signature r or s out of range")
    algorithm: hashes.HashAlgorithm = hashes.SHA384() if key.curve.name == "secp384r1" else hashes.SHA256()
    try:
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm))
    except InvalidSignature:
        raise SuiteError(Code.PROOF_INVALID, "signature does not verify") from None
