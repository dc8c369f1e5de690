"""Ed25519 public-key and signature checks done before `cryptography` is called (SECURITY.md §9).

`cryptography` (OpenSSL) accepts the identity point as a public key, and with R = identity, S = 0 such a key
"verifies" every message. So before verifying we decode the key ourselves (RFC 8032 §5.1.3 "Decoding") and
refuse: a non-canonical y (y ≥ p), an encoding that is not a curve point (no square root), the negative-zero
x encoding, and any point of small order ([8]A is the identity: all eight small-order points and every
alternative encoding of them). The signature's S must be < L (RFC 8032 §5.1.7 step 1).

Pure Python integers: this runs once per key and costs well under a millisecond.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z


def _decode(raw: bytes) -> Point | str:
    """RFC 8032 §5.1.3: the point encoded by `raw`, or the reason it is not one."""
    if len(raw) != 32:
        return "an Ed25519 public key has 32 bytes"
    n = int.from_bytes(raw, "little")
    sign = n >> 255
    y = n & ((1 << 255) - 1)
    if y >= P:
        return "non-canonical Ed25519 public key (y >= p)"
    # x^2 = (y^2 - 1) / (d y^2 + 1)
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    vx2 = (v * x * x) % P
    if vx2 == u:
        pass
    elif vx2 == (-u) % P:
        x = (x * SQRT_M1) % P
    else:
        return "Ed25519 public key is not a point of the curve"
    if x == 0 and sign == 1:
        return "non-canonical Ed25519 public key (negative zero x)"
    if (x & 1) != sign:
        x = P - x
    return (x, y, 1, (x * y) % P)


def _double(pt: Point) -> Point:
    """Point doubling in extended coordinates (RFC 8032 §5.1.4, "dbl-2008-hwcd")."""
    x1, y1, z1, _ = pt
    a = x1 * x1 % P
    b = y1 * y1 % P
    c = 2 * z1 * z1 % P
    h = (a + b) % P
    e = (h - (x1 + y1) * (x1 + y1)) % P
    g = (a - b) % P
    f = (c + g) % P
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _is_identity(pt: Point) -> bool:
    x, y, z, _ = pt
    return x % P == 0 and (y - z) % P == 0


@lru_cache(maxsize=1024)
def check_public_key(raw: bytes) -> str | None:
    """None if `raw` is an acceptable Ed25519 public key; else the reason (our own text)."""
    point = _decode(raw)
    if isinstance(point, str):
        return point
    for _ in range(3):
        point = _double(point)
    if _is_identity(point):
        return "Ed25519 public key of small order (refused: it would verify forged signatures)"
    return None


def check_signature_encoding(signature: bytes) -> str | None:
    """None if `signature` is 64 bytes with S < L; else the reason."""
    if len(signature) != 64:
        return f"an Ed25519 signature has 64 bytes, not {len(signature)}"
    if int.from_bytes(signature[32:], "little") >= L:
        return "Ed25519 signature scalar S is not reduced (S >= L)"
    return None


def verify_ed25519(public_key: bytes, signature: bytes, message: bytes) -> str | None:
    """Verify strictly: None on success, else the reason. Never raises on bad input."""
    reason = check_public_key(public_key) or check_signature_encoding(signature)
    if reason is not None:
        return reason
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return "signature does not verify"
    except ValueError:
        return "unusable Ed25519 public key"
    return None


__all__ = ["check_public_key", "check_signature_encoding", "verify_ed25519"]
