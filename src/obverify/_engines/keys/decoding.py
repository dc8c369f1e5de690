"""Key material decoding for OB 3.0 proofs: a verification method's or a JWK's public key, checked.

Multikey (Multikey §2.2.2; Ed25519 `z6Mk…`, P-256 `zDn…`, P-384 `z82…`), `publicKeyJwk` (JsonWebKey2020,
JsonWebKey §2.2.3: OKP Ed25519, EC P-256/P-384, RSA of at least 2048 bits, never private members) and
`publicKeyBase58` (Ed25519VerificationKey2018). Ed25519 keys pass the small-order checks of
`obverify._engines.ed25519check` before they are ever used. Every refusal is a `KeyFormatError` with our own
message. Finding the method (DID documents, did:web, controller documents) and binding it to the issuer is
`obverify._engines.keys.documents`.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from obverify._core.text import quote
from obverify._engines.multibase import MAX_MULTIBASE_CHARS, MultibaseError, b58decode, b64url_decode, decode_multikey

if TYPE_CHECKING:
    from typing import TypeAlias

    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurve, EllipticCurvePublicKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    PublicKey: TypeAlias = Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey

# cryptography's `ec` and `rsa` modules (about 5 ms of start-up together) are imported by the functions
# that meet such a key: an Ed25519 did:key, the common case, needs neither.

METHOD_TYPES = frozenset(
    {
        "Multikey",
        "Ed25519VerificationKey2020",
        "Ed25519VerificationKey2018",
        "JsonWebKey2020",
        "JsonWebKey",
        "EcdsaSecp256r1VerificationKey2019",
    }
)
RSA_MIN_BITS = 2048
_CURVE_SIZES = {"P-256": 32, "P-384": 48}

class KeyFormatError(ValueError):
    """A key's encoding is not acceptable (our own message, quoting nothing of the input)."""


# --- key material -----------------------------------------------------------------------------------


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def ed25519_from_raw(raw: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key after the small-order and canonical-encoding checks (SECURITY.md §9)."""
    # Imported here: the proofs package imports this module (a cycle at import time otherwise).
    from obverify._engines.ed25519check import check_public_key

    reason = check_public_key(raw)
    if reason is not None:
        raise KeyFormatError(reason)
    return Ed25519PublicKey.from_public_bytes(raw)


def _curve(name: str) -> EllipticCurve:
    """The cryptography curve object for a JOSE / multikey curve name in `_CURVE_SIZES`."""
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.SECP384R1() if name == "P-384" else ec.SECP256R1()


def _ec_from_compressed(kind: str, raw: bytes) -> EllipticCurvePublicKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(_curve(kind), raw)
    except ValueError:
        raise KeyFormatError(f"{kind} public key is not a point of the curve") from None


def jwk_of(key: PublicKey) -> dict[str, Any]:
    """The public JWK of `key` (members in RFC 7638 thumbprint order)."""
    if isinstance(key, Ed25519PublicKey):
        raw = key.public_bytes_raw()
        return {"crv": "Ed25519", "kty": "OKP", "x": _b64u(raw)}
    from cryptography.hazmat.primitives.asymmetric import ec

    if isinstance(key, ec.EllipticCurvePublicKey):
        nums = key.public_numbers()
        size = (key.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384"}.get(key.curve.name, key.curve.name)
        return {
            "crv": crv,
            "kty": "EC",
            "x": _b64u(nums.x.to_bytes(size, "big")),
            "y": _b64u(nums.y.to_bytes(size, "big")),
        }
    rnums = key.public_numbers()
    return {
        "e": _b64u(rnums.e.to_bytes((rnums.e.bit_length() + 7) // 8, "big")),
        "kty": "RSA",
        "n": _b64u(rnums.n.to_bytes((rnums.n.bit_length() + 7) // 8, "big")),
    }


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """A public key from a JWK (OKP Ed25519, EC P-256/P-384, RSA ≥ 2048 bits); raises `KeyFormatError`.

    A JWK holding private members (`d`, `p`, `q`, …) is refused: it is not a public key document.
    """
    if not isinstance(jwk, dict):
        raise KeyFormatError("a JWK must be a JSON object")
    if any(k in jwk for k in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise KeyFormatError("JWK holds private or symmetric key material")
    kty = jwk.get("kty")
    try:
        if kty == "OKP":
            if jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
                raise KeyFormatError("only Ed25519 OKP keys are supported")
            return ed25519_from_raw(b64url_decode(jwk["x"]))
        if kty == "EC":
            crv = jwk.get("crv")
            if crv not in _CURVE_SIZES or not isinstance(jwk.get("x"), str) or not isinstance(jwk.get("y"), str):
                raise KeyFormatError("only P-256 and P-384 EC keys are supported")
            size = _CURVE_SIZES[crv]
            x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
            if len(x) != size or len(y) != size:
                raise KeyFormatError(f"{crv} JWK coordinates have the wrong length")
            from cryptography.hazmat.primitives.asymmetric import ec

            try:
                return ec.EllipticCurvePublicNumbers(
                    int.from_bytes(x, "big"), int.from_bytes(y, "big"), _curve(crv)
                ).public_key()
            except ValueError:
                raise KeyFormatError(f"{crv} JWK is not a point of the curve") from None
        if kty == "RSA":
            if not isinstance(jwk.get("n"), str) or not isinstance(jwk.get("e"), str):
                raise KeyFormatError("RSA JWK needs n and e")
            n = int.from_bytes(b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(b64url_decode(jwk["e"]), "big")
            if n.bit_length() < RSA_MIN_BITS:
                raise KeyFormatError(f"RSA key shorter than {RSA_MIN_BITS} bits")
            from cryptography.hazmat.primitives.asymmetric import rsa

            try:
                return rsa.RSAPublicNumbers(e, n).public_key()
            except ValueError:
                raise KeyFormatError("unusable RSA public key") from None
    except MultibaseError as exc:
        raise KeyFormatError(str(exc)) from None
    raise KeyFormatError("unsupported JWK key type")


def key_from_multikey(value: str, max_chars: int = MAX_MULTIBASE_CHARS) -> PublicKey:
    try:
        kind, raw = decode_multikey(value, max_chars)
    except MultibaseError as exc:
        raise KeyFormatError(str(exc)) from None
    if kind == "Ed25519":
        return ed25519_from_raw(raw)
    return _ec_from_compressed(kind, raw)


def key_from_method(method: dict[str, Any], max_multibase_chars: int = MAX_MULTIBASE_CHARS) -> PublicKey:
    """The public key a verification method object carries; raises `KeyFormatError`.

    `max_multibase_chars`: `VerificationPolicy.max_multibase_chars` for `publicKeyMultibase` and `publicKeyBase58`.
    """
    mtype = method.get("type")
    types = mtype if isinstance(mtype, list) else [mtype]
    if not any(isinstance(t, str) and t in METHOD_TYPES for t in types):
        raise KeyFormatError(f"unsupported verification method type {quote(mtype, 80)}")
    present = [k for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58") if k in method]
    if len(present) != 1:
        raise KeyFormatError("a verification method must carry exactly one public key")
    if "publicKeyMultibase" in method:
        value = method["publicKeyMultibase"]
        if not isinstance(value, str):
            raise KeyFormatError("publicKeyMultibase must be a string")
        return key_from_multikey(value, max_multibase_chars)
    if "publicKeyJwk" in method:
        jwk = method["publicKeyJwk"]
        if not isinstance(jwk, dict):
            raise KeyFormatError("publicKeyJwk must be an object")
        return public_key_from_jwk(jwk)
    value = method["publicKeyBase58"]
    if not isinstance(value, str):
        raise KeyFormatError("publicKeyBase58 must be a string")
    try:
        raw = b58decode(value, max_multibase_chars)
    except MultibaseError as exc:
        raise KeyFormatError(str(exc)) from None
    if len(raw) != 32:
        raise KeyFormatError("publicKeyBase58 must be a 32-byte Ed25519 key")
    return ed25519_from_raw(raw)


__all__ = [
    "KeyFormatError",
    "ed25519_from_raw",
    "jwk_of",
    "key_from_method",
    "key_from_multikey",
    "public_key_from_jwk",
]
