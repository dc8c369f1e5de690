"""Multibase (base58btc `z`, base64url `u`) and multicodec key prefixes (did:key, Multikey).

Implements the parts of the Controlled Identifiers / Multikey specification (§2.2.2 "Multikey") and the
did:key method (§3.1.2 "Decode Public Key") that OB 3.0 keys use: Ed25519 (0xed), P-256 (0x1200) and
P-384 (0x1201) public keys.
"""

from __future__ import annotations

import base64

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
MAX_MULTIBASE_CHARS = 4096  # VerificationPolicy.max_multibase_chars; base64url gets 4x as many characters

# multicodec varint prefixes of public keys, and the key length after the prefix
ED25519_PUB = b"\xed\x01"
P256_PUB = b"\x80\x24"
P384_PUB = b"\x81\x24"
KEY_PREFIXES: dict[bytes, tuple[str, int]] = {
    ED25519_PUB: ("Ed25519", 32),
    P256_PUB: ("P-256", 33),
    P384_PUB: ("P-384", 49),
}


class MultibaseError(ValueError):
    """Not a value we can decode (the message is ours and quotes nothing)."""


def b58decode(text: str, max_chars: int = MAX_MULTIBASE_CHARS) -> bytes:
    """Decode base58btc (Bitcoin alphabet) of at most `max_chars` characters (decoding is quadratic)."""
    if len(text) > max_chars:
        raise MultibaseError("base58 value too long")
    n = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            raise MultibaseError("invalid base58btc character")
        n = n * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\x00" * zeros + body


def b58encode(data: bytes) -> str:
    """Encode base58btc (used by tests and fixtures)."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def b64url_decode(text: str, max_chars: int = MAX_MULTIBASE_CHARS) -> bytes:
    """Decode unpadded base64url strictly (no padding, no other alphabet), at most `4 * max_chars` characters.

    base64url decodes in linear time, so it is allowed four times the base58 length of the same cap.
    """
    if len(text) > max_chars * 4 or "=" in text:
        raise MultibaseError("invalid base64url value")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        raise MultibaseError("invalid base64url value") from None


def multibase_decode(value: str, max_chars: int = MAX_MULTIBASE_CHARS) -> bytes:
    """Decode a multibase string: `z` base58btc or `u` base64url (`max_chars`: `b58decode`, `b64url_decode`)."""
    if not value:
        raise MultibaseError("empty multibase value")
    if value[0] == "z":
        return b58decode(value[1:], max_chars)
    if value[0] == "u":
        return b64url_decode(value[1:], max_chars)
    raise MultibaseError("unsupported multibase prefix")


def decode_multikey(value: str, max_chars: int = MAX_MULTIBASE_CHARS) -> tuple[str, bytes]:
    """(`Ed25519` | `P-256` | `P-384`, raw public key bytes) from a multibase multicodec key."""
    data = multibase_decode(value, max_chars)
    for prefix, (kind, length) in KEY_PREFIXES.items():
        if data.startswith(prefix):
            raw = data[len(prefix):]
            if len(raw) != length:
                raise MultibaseError(f"{kind} multikey has the wrong length")
            return kind, raw
    raise MultibaseError("unsupported multicodec key type")


def encode_multikey(kind: str, raw: bytes) -> str:
    """The `z…` multibase form of a public key (used by tests and fixtures)."""
    prefix = {v[0]: k for k, v in KEY_PREFIXES.items()}[kind]
    return "z" + b58encode(prefix + raw)
