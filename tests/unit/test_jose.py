"""`obverify._engines.jose`: the key decides the algorithm, forbidden headers, ECDSA ranges, Ed25519 small order."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from obverify._engines.jose import (
    ALL_ALGS,
    JoseError,
    b64url_decode,
    b64url_encode,
    check_ed25519_public_key,
    decode_unverified,
    verify_compact,
)

RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
P256 = ec.derive_private_key(12345, ec.SECP256R1())
P384 = ec.derive_private_key(67890, ec.SECP384R1())
ED = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PAYLOAD = {"id": "urn:uuid:1", "type": "Assertion"}


def _sign(key: PrivateKeyTypes, alg: str, header: dict[str, Any] | None = None, payload: bytes | None = None) -> str:
    head = b64url_encode(json.dumps(header if header is not None else {"alg": alg}).encode())
    body = b64url_encode(payload if payload is not None else json.dumps(PAYLOAD).encode())
    data = f"{head}.{body}".encode()
    hash_alg: hashes.HashAlgorithm = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}.get(
        alg[-3:], hashes.SHA256()
    )
    if isinstance(key, rsa.RSAPrivateKey):
        pad: padding.AsymmetricPadding = (
            padding.PSS(padding.MGF1(hash_alg), hash_alg.digest_size) if alg.startswith("PS") else padding.PKCS1v15()
        )
        sig = key.sign(data, pad, hash_alg)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hash_alg)))
        size = (key.curve.key_size + 7) // 8
        sig = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        sig = key.sign(data)
    else:
        raise AssertionError
    return f"{head}.{body}.{b64url_encode(sig)}"


@pytest.mark.parametrize(
    ("key", "alg"),
    [(RSA, "RS256"), (RSA, "RS384"), (RSA, "RS512"), (RSA, "PS256"), (P256, "ES256"), (P384, "ES384"), (ED, "EdDSA")],
)
def test_valid_signatures_verify(key: PrivateKeyTypes, alg: str) -> None:
    header, payload = verify_compact(_sign(key, alg), key.public_key(), allowed=ALL_ALGS)
    assert header == {"alg": alg}
    assert json.loads(payload) == PAYLOAD


def test_key_decides_algorithm() -> None:
    token = _sign(P256, "ES256", header={"alg": "RS256"})
    with pytest.raises(JoseError, match="not allowed for this key"):
        verify_compact(token, P256.public_key())
    with pytest.raises(JoseError, match="not allowed for this key"):
        verify_compact(_sign(P384, "ES384", header={"alg": "ES256"}), P384.public_key())


def test_allow_list_is_honoured() -> None:
    with pytest.raises(JoseError):
        verify_compact(_sign(ED, "EdDSA"), ED.public_key())  # EdDSA is not in the OB 2.0 default list


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256"])
def test_none_and_hmac_never_verify(alg: str) -> None:
    pem = RSA.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    head = b64url_encode(json.dumps({"alg": alg}).encode())
    body = b64url_encode(json.dumps(PAYLOAD).encode())
    mac = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    for sig in (b"", mac):
        with pytest.raises(JoseError):
            verify_compact(f"{head}.{body}.{b64url_encode(sig)}", RSA.public_key(), allowed=ALL_ALGS)


@pytest.mark.parametrize("name", ["crit", "b64", "zip", "jku", "x5u", "x5c"])
def test_forbidden_headers(name: str) -> None:
    token = _sign(RSA, "RS256", header={"alg": "RS256", name: ["x"]})
    with pytest.raises(JoseError, match=name):
        verify_compact(token, RSA.public_key(), tolerated=frozenset({name, "kid"}))


def test_extra_headers_need_toleration() -> None:
    token = _sign(RSA, "RS256", header={"alg": "RS256", "jwk": {}})
    with pytest.raises(JoseError):
        verify_compact(token, RSA.public_key())
    verify_compact(token, RSA.public_key(), tolerated=frozenset({"jwk"}))


def test_tampered_payload_fails() -> None:
    head, _body, sig = _sign(RSA, "RS256").split(".")
    other = b64url_encode(json.dumps({**PAYLOAD, "id": "urn:uuid:2"}).encode())
    with pytest.raises(JoseError, match="does not verify"):
        verify_compact(f"{head}.{other}.{sig}", RSA.public_key())


@pytest.mark.parametrize("sig", [bytes(64), b"\x00" * 32 + b"\x01" * 32, b"\xff" * 64, b"\x01" * 63])
def test_ecdsa_out_of_range_or_wrong_length(sig: bytes) -> None:
    head, body, _ = _sign(P256, "ES256").split(".")
    with pytest.raises(JoseError):
        verify_compact(f"{head}.{body}.{b64url_encode(sig)}", P256.public_key())


def test_ecdsa_der_signature_is_refused() -> None:
    head = b64url_encode(b'{"alg":"ES256"}')
    body = b64url_encode(b"{}")
    der = P256.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    with pytest.raises(JoseError, match="raw"):
        verify_compact(f"{head}.{body}.{b64url_encode(der)}", P256.public_key())


def test_small_rsa_keys_are_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the weak key is the test input
    with pytest.raises(JoseError, match="2048"):
        verify_compact(_sign(small, "RS256"), small.public_key())


IDENTITY = bytes([1]) + bytes(31)


def test_ed25519_identity_key_is_refused_though_the_library_accepts_it() -> None:
    # regression record: the library alone accepts the identity point with R = identity, S = 0
    weak = ed25519.Ed25519PublicKey.from_public_bytes(IDENTITY)
    head = b64url_encode(b'{"alg":"EdDSA"}')
    body = b64url_encode(b'{"forged":true}')
    sig = IDENTITY + bytes(32)
    weak.verify(sig, f"{head}.{body}".encode())  # does not raise: that is why our check exists
    with pytest.raises(JoseError, match="small order"):
        verify_compact(f"{head}.{body}.{b64url_encode(sig)}", weak, allowed=ALL_ALGS)


@pytest.mark.parametrize(
    "raw",
    [
        IDENTITY,
        bytes(32),  # order 4 point (0, 0)? y=0 -> x^2 = -1/1 ... a small-order point
        bytes([0xEC]) + b"\xff" * 30 + b"\x7f",  # y = p - 1: order 2
        b"\xff" * 31 + b"\x7f",  # y >= p: non-canonical
    ],
)
def test_ed25519_bad_points(raw: bytes) -> None:
    with pytest.raises(JoseError):
        check_ed25519_public_key(raw)


def test_ed25519_good_key_and_s_plus_l() -> None:
    check_ed25519_public_key(ED.public_key().public_bytes_raw())
    token = _sign(ED, "EdDSA")
    head, body, sig_b64 = token.split(".")
    sig = b64url_decode(sig_b64)
    s = int.from_bytes(sig[32:], "little") + 2**252 + 27742317777372353535851937790883648493
    bad = sig[:32] + s.to_bytes(32, "little")
    with pytest.raises(JoseError, match="S >= L"):
        verify_compact(f"{head}.{body}.{b64url_encode(bad)}", ED.public_key(), allowed=ALL_ALGS)


@pytest.mark.parametrize("token", ["a.b", "a.b.c.d.e", "eyJ=.e30.", "!!.e30.", "e30.e30.x"])
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(JoseError):
        verify_compact(token, RSA.public_key())


def test_decode_unverified() -> None:
    header, claims, _payload = decode_unverified(_sign(RSA, "RS256"))
    assert header == {"alg": "RS256"}
    assert claims == PAYLOAD
    _, claims2, raw = decode_unverified(_sign(RSA, "RS256", payload=b"not json"))
    assert claims2 is None
    assert raw == b"not json"
    with pytest.raises(JoseError):
        decode_unverified(b64url_encode(b'{"a":1,"a":2}') + ".e30.")


TOKEN = _sign(P256, "ES256")


@given(st.integers(min_value=0, max_value=len(TOKEN) - 1), st.sampled_from("ABCxyz019-_."))
def test_any_single_change_is_rejected(pos: int, ch: str) -> None:
    mutated = TOKEN[:pos] + ch + TOKEN[pos + 1:]
    if mutated == TOKEN:
        return
    with pytest.raises(JoseError):
        verify_compact(mutated, P256.public_key())
