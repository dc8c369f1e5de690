"""The detached, unencoded-payload JWS of Ed25519Signature2018 proofs (`proof.jws`).

Ed25519Signature2018 (W3C CCG "Ed25519 Signature 2018", as jsonld-signatures' JwsLinkedDataSignature makes
it) signs the Linked Data Signatures verify data (SHA-256 of the canonical proof options ‖ SHA-256 of the
canonical document) inside a JWS with the RFC 7797 unencoded payload option:

    jws           = BASE64URL(header) ".." BASE64URL(signature)        (RFC 7515 Appendix F: detached)
    header        = {"alg": "EdDSA", "b64": false, "crit": ["b64"]}
    signing input = ASCII(BASE64URL(header)) "." verifyData             (RFC 7797 §3: the raw bytes)

Only that header is accepted: `alg` EdDSA (the suite's only algorithm), `b64` exactly false and listed in
`crit` (RFC 7797 §6: a JWS that omits `crit` would be read by other libraries as a b64 payload), no other
critical parameter. A `kid` or `typ` is ignored; the key is the proof's `verificationMethod`.
"""

from __future__ import annotations

from typing import Any

from obverify._core.errors import Code
from obverify._core.strictjson import JSONError, parse_json
from obverify._engines.jose import JoseError, b64url_decode
from obverify._ob3.proofs.suites import SuiteError

MAX_JWS_CHARS = 2048
_ALLOWED_HEADER = frozenset({"alg", "b64", "crit", "kid", "typ"})


def parse_detached_jws(proof: dict[str, Any], *, max_header_bytes: int = 1024) -> tuple[bytes, bytes]:
    """(signing-input prefix `BASE64URL(header) "."`, 64-byte signature) of `proof["jws"]`; `SuiteError` else.

    `max_header_bytes`: `VerificationPolicy.max_jws_header_bytes`, the decoded header's size (the one valid
    header is 42 bytes).
    """
    jws = proof.get("jws")
    if not isinstance(jws, str) or not jws:
        raise SuiteError(Code.PROOF_INVALID, "an Ed25519Signature2018 proof needs a jws (detached JWS)")
    if "proofValue" in proof or "signatureValue" in proof:
        raise SuiteError(Code.PROOF_INVALID, "an Ed25519Signature2018 proof carries its signature in jws only")
    # the whole string: 2048 characters, or more when a raised header cap needs it (base64url header, "..",
    # 86 characters of Ed25519 signature)
    if len(jws) > max(MAX_JWS_CHARS, (max_header_bytes + 2) // 3 * 4 + 88):
        raise SuiteError(Code.PROOF_INVALID, "jws is too long")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise SuiteError(Code.PROOF_INVALID, "jws must be a detached JWS (header..signature)")
    try:
        header = parse_json(b64url_decode(parts[0]), max_bytes=max_header_bytes, max_depth=4)
        signature = b64url_decode(parts[2])
    except (JoseError, JSONError, ValueError):
        raise SuiteError(Code.PROOF_INVALID, "jws is not base64url-encoded JSON header and signature") from None
    if not isinstance(header, dict):
        raise SuiteError(Code.PROOF_INVALID, "the jws header is not a JSON object")
    if header.get("alg") != "EdDSA":
        raise SuiteError(Code.PROOF_INVALID, "the jws header alg must be EdDSA")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise SuiteError(Code.PROOF_INVALID, 'the jws header must be unencoded: "b64": false, "crit": ["b64"]')
    if not set(header) <= _ALLOWED_HEADER:
        raise SuiteError(Code.PROOF_INVALID, "the jws header has parameters Ed25519Signature2018 does not define")
    if len(signature) != 64:
        raise SuiteError(Code.PROOF_INVALID, "the jws signature must be 64 bytes (Ed25519)")
    return parts[0].encode("ascii") + b".", signature


__all__ = ["MAX_JWS_CHARS", "parse_detached_jws"]
