"""Compact JWS verification shared by OB 2.0 signed badges and OB 3.0 VC-JWT (SECURITY.md §7, §9).

Implements RFC 7515 §5.2 (validating a compact JWS) with the algorithms of RFC 7518 §3.3 (RSASSA-PKCS1-v1_5),
§3.4 (ECDSA) and §3.5 (RSASSA-PSS), and RFC 8037 §3.1 (EdDSA / Ed25519), under these rules:

- The key decides the algorithm (RFC 8725 §3.1): RSA → RS256/RS384/RS512/PS256, P-256 → ES256, P-384 → ES384,
  Ed25519 → EdDSA. The header `alg` must be one of those *and* in the caller's allow-list; only that one
  algorithm is ever run. `none` and HMAC never verify (an HS256 token keyed with a public PEM is refused before
  any MAC is computed: CVE-2017-11424 and successors).
- Headers `crit`, `b64`, `zip`, `jku`, `x5u`, `x5c` are refused outright; any other header than `alg` must be
  named in `tolerated` (OB 3.0: "Additional JOSE Headers are NOT allowed").
- ECDSA signatures are raw r‖s of exactly twice the coordinate size, with r and s in [1, n−1]
  (CVE-2022-21449 "psychic signatures").
- Ed25519 public keys that are not canonical, do not decode, or have small order are refused before the
  library sees them, and S must be below the group order L (RFC 8032 §5.1.7; `cryptography` accepts the
  identity point as a key, which then "verifies" every message).
- Segments must be strict base64url without padding; the header is parsed by the one strict JSON parser.

Errors are `JoseError` with our own message; nothing of the token is quoted.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519

from obverify._core.strictjson import JSONError, parse_json
from obverify._engines.ed25519check import check_public_key, check_signature_encoding

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

# cryptography's `ec`, `rsa` and `padding` modules are imported where an EC or RSA key is met: an EdDSA JWT
# (OB 3.0's common case) needs none of them, and together they cost about 5 ms of start-up.

MAX_TOKEN_CHARS = 16 * 1024 * 1024
MIN_RSA_BITS = 2048
"""NIST SP 800-131A Rev. 2 §3 (RSA keys shorter than 2048 bits are disallowed for signatures); the floor of
`VerificationPolicy.min_rsa_bits`, which may only raise it."""
FORBIDDEN_HEADERS = frozenset({"crit", "b64", "zip", "jku", "x5u", "x5c"})
RSA_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256"})
EC_ALGS = {"secp256r1": "ES256", "secp384r1": "ES384"}
EDDSA_ALGS = frozenset({"EdDSA", "Ed25519"})
OB2_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384"})
"""The allow-list for OB 2.0 signed badges."""
ALL_ALGS = OB2_ALGS | {"EdDSA"}

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512, "PS256": hashes.SHA256,
    "ES256": hashes.SHA256, "ES384": hashes.SHA384,
}
_EC_ORDER = {
    "secp256r1": (32, 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551),
    "secp384r1": (
        48,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    ),
}
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class JoseError(ValueError):
    """The token is malformed, uses a refused algorithm or header, or its signature does not verify."""


def b64url_decode(segment: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2); raise `JoseError` otherwise."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise JoseError("segment is not unpadded base64url")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise JoseError("segment is not base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise JoseError("segment is not canonical base64url")
    return raw


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _split(token: str, max_chars: int = MAX_TOKEN_CHARS) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise JoseError("a compact JWS must be text")
    if len(token) > max_chars:
        raise JoseError("compact JWS is too large")
    parts = token.strip().split(".")
    if len(parts) == 5:
        raise JoseError("a JWE is not a signed badge")
    if len(parts) != 3:
        raise JoseError("a compact JWS has exactly three segments")
    return parts[0], parts[1], parts[2]


def decode_unverified(
    token: str, max_chars: int = MAX_TOKEN_CHARS
) -> tuple[dict[str, Any], dict[str, Any] | None, bytes]:
    """Header, claims (the payload as a JSON object, else None) and payload bytes — NOT verified.

    `max_chars`: `VerificationPolicy.max_jws_chars`, the token's length.

    For routing and for finding the key only; never trust what this returns before `verify_compact`.
    """
    head, body, _sig = _split(token, max_chars)
    try:
        header = parse_json(b64url_decode(head))
    except JSONError:
        raise JoseError("JWS header is not JSON") from None
    if not isinstance(header, dict):
        raise JoseError("JWS header must be a JSON object")
    payload = b64url_decode(body)
    try:
        claims = parse_json(payload)
    except JSONError:
        claims = None
    return header, claims if isinstance(claims, dict) else None, payload


def algorithms_for_key(key: PublicKeyTypes) -> frozenset[str]:
    """The JWS algorithms the key type permits (the key decides, never the header)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return EDDSA_ALGS
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGS
    if isinstance(key, ec.EllipticCurvePublicKey):
        alg = EC_ALGS.get(key.curve.name)
        return frozenset({alg}) if alg else frozenset()
    return frozenset()


def verify_compact(
    token: str,
    key: PublicKeyTypes,
    *,
    allowed: frozenset[str] = OB2_ALGS,
    tolerated: frozenset[str] = frozenset({"typ", "kid"}),
    min_rsa_bits: int = MIN_RSA_BITS,
    max_chars: int = MAX_TOKEN_CHARS,
) -> tuple[dict[str, Any], bytes]:
    """Verify a compact JWS with `key`; return (header, payload bytes) or raise `JoseError`.

    `allowed`: the caller's algorithm allow-list. `tolerated`: header parameters accepted besides `alg`
    (the forbidden ones stay forbidden whatever is passed). `min_rsa_bits`: the run's
    `VerificationPolicy.min_rsa_bits` (never below `MIN_RSA_BITS`, whatever is passed). `max_chars`: the
    run's `VerificationPolicy.max_jws_chars`.
    """
    head, body, sig_segment = _split(token, max_chars)
    header, _claims, payload = decode_unverified(token, max_chars)
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise JoseError("JWS header has no algorithm")
    refused = FORBIDDEN_HEADERS & set(header)
    if refused:
        raise JoseError(f"JWS header parameter {sorted(refused)[0]} is not allowed")
    extra = set(header) - {"alg"} - set(tolerated)
    if extra:
        raise JoseError("JWS header carries parameters that are not allowed")
    if alg not in algorithms_for_key(key) or alg not in allowed:
        raise JoseError("JWS algorithm is not allowed for this key")
    signature = b64url_decode(sig_segment)
    signing_input = f"{head}.{body}".encode("ascii")
    try:
        _verify(alg, key, signature, signing_input, max(min_rsa_bits, MIN_RSA_BITS))
    except InvalidSignature:
        raise JoseError("JWS signature does not verify") from None
    return header, payload


def _verify(alg: str, key: PublicKeyTypes, signature: bytes, data: bytes, min_rsa_bits: int = MIN_RSA_BITS) -> None:
    if isinstance(key, ed25519.Ed25519PublicKey):
        check_ed25519_public_key(key.public_bytes_raw())
        reason = check_signature_encoding(signature)
        if reason is not None:
            raise JoseError(reason)
        key.verify(signature, data)
        return
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < min_rsa_bits:
            raise JoseError(f"RSA keys shorter than {min_rsa_bits} bits are refused")
        if len(signature) != (key.key_size + 7) // 8:
            raise JoseError("RSA signature has the wrong length")
        hash_alg = _HASHES[alg]()
        if alg.startswith("PS"):
            key.verify(signature, data, padding.PSS(padding.MGF1(hash_alg), hash_alg.digest_size), hash_alg)
        else:
            key.verify(signature, data, padding.PKCS1v15(), hash_alg)
        return
    if isinstance(key, ec.EllipticCurvePublicKey):
        size, order = _EC_ORDER[key.curve.name]
        if len(signature) != 2 * size:
            raise JoseError("ECDSA signature must be raw r||s of exact length")
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        if not (1 <= r < order and 1 <= s < order):
            raise JoseError("ECDSA signature values out of range")
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_HASHES[alg]()))
        return
    raise JoseError("unsupported key type")  # pragma: no cover - algorithms_for_key refused it already


def check_ed25519_public_key(raw: bytes) -> None:
    """Refuse a non-canonical, undecodable or small-order Ed25519 public key (raise `JoseError`).

    The one implementation lives in `obverify._engines.ed25519check` (shared with the Data Integrity suites).
    """
    reason = check_public_key(raw)
    if reason is not None:
        raise JoseError(reason)
