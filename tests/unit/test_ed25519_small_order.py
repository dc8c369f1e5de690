"""SECURITY.md §9: small-order and non-canonical Ed25519 public keys, and S ≥ L, are refused before OpenSSL."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from obverify._engines.ed25519check import L, P, _decode, check_public_key, verify_ed25519
from obverify._engines.keys.decoding import KeyFormatError, ed25519_from_raw, public_key_from_jwk
from obverify._engines.multibase import b64url_decode

IDENTITY = bytes([1]) + bytes(31)

# The eight points of order dividing 8 (identity, order 2, two of order 4, four of order 8), canonical encodings.
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # identity (order 1)
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # (0, -1), order 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
    "0000000000000000000000000000000000000000000000000000000000000080",  # order 4, other sign
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8, other sign
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8, other sign
]

# Alternative (non-canonical) encodings of small-order points: y >= p, or x = 0 with the sign bit set.
NON_CANONICAL = [
    "0100000000000000000000000000000000000000000000000000000000000080",  # identity, sign bit (negative zero)
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # (0, -1), sign bit
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p (≡ 0)
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p + 1 (≡ 1, identity)
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # y = p + 1, sign bit
]


@pytest.mark.parametrize("hex_key", SMALL_ORDER)
def test_small_order_points_decode_and_are_refused(hex_key: str) -> None:
    raw = bytes.fromhex(hex_key)
    assert not isinstance(_decode(raw), str)  # a genuine curve point…
    reason = check_public_key(raw)
    assert reason is not None
    assert "small order" in reason  # …refused for its order


@pytest.mark.parametrize("hex_key", NON_CANONICAL)
def test_non_canonical_encodings_are_refused(hex_key: str) -> None:
    reason = check_public_key(bytes.fromhex(hex_key))
    assert reason is not None
    assert "non-canonical" in reason


def test_non_point_is_refused() -> None:
    # y = 2 gives x^2 = 3 / (4d + 1), which has no square root mod p.
    raw = (2).to_bytes(32, "little")
    reason = check_public_key(raw)
    assert reason == "Ed25519 public key is not a point of the curve"
    assert check_public_key(b"\x01" * 31) is not None


def test_ordinary_keys_are_accepted() -> None:
    for seed in range(1, 20):
        pub = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32).public_key()
        assert check_public_key(pub.public_bytes(Encoding.Raw, PublicFormat.Raw)) is None


def test_library_alone_accepts_identity_key_forgery() -> None:
    """Regression record: OpenSSL verifies R = identity, S = 0 under the identity key, for any message.

    If this ever starts failing, the library got stricter — our own check must stay regardless.
    """
    forged = IDENTITY + bytes(32)
    Ed25519PublicKey.from_public_bytes(IDENTITY).verify(forged, b"any message at all")
    assert verify_ed25519(IDENTITY, forged, b"any message at all") is not None


def test_s_plus_l_is_refused() -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    pub = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sig = key.sign(b"msg")
    assert verify_ed25519(pub, sig, b"msg") is None
    s = int.from_bytes(sig[32:], "little")
    malleated = sig[:32] + (s + L).to_bytes(32, "little")
    assert verify_ed25519(pub, malleated, b"msg") == "Ed25519 signature scalar S is not reduced (S >= L)"
    assert verify_ed25519(pub, sig, b"other") == "signature does not verify"
    assert verify_ed25519(pub, sig[:63], b"msg") is not None


@pytest.mark.parametrize("hex_key", SMALL_ORDER + NON_CANONICAL)
def test_key_constructors_refuse_small_order(hex_key: str) -> None:
    raw = bytes.fromhex(hex_key)
    with pytest.raises(KeyFormatError):
        ed25519_from_raw(raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    assert b64url_decode(x) == raw
    with pytest.raises(KeyFormatError):
        public_key_from_jwk({"kty": "OKP", "crv": "Ed25519", "x": x})


def test_field_constants() -> None:
    assert P == 2**255 - 19
    assert L.bit_length() == 253
