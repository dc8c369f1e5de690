"""Key resolution: did:key, did:jwk, did:web, https documents, key encodings, and the issuer binding."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.keys.decoding import KeyFormatError, jwk_of, key_from_method, public_key_from_jwk
from obverify._engines.keys.documents import did_web_url, keys_of_issuer, resolve_method
from obverify._engines.multibase import MultibaseError, b58decode, b58encode, decode_multikey, encode_multikey
from obverify._engines.net.store import DocumentStore


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ed_pub(name: str) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ec_pub(curve: ec.EllipticCurve, name: str) -> ec.EllipticCurvePublicKey:
    return ec.derive_private_key(int.from_bytes(hashlib.sha256(name.encode()).digest(), "big"), curve).public_key()


def make_ctx(store: DocumentStore | None = None) -> RunContext:
    return RunContext(
        loader=store or DocumentStore(), at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(), out=Collector(Report())
    )


def test_base58_round_trip_and_errors() -> None:
    for data in (b"", b"\x00\x00abc", bytes(range(40))):
        assert b58decode(b58encode(data)) == data
    with pytest.raises(MultibaseError):
        b58decode("0OIl")
    with pytest.raises(MultibaseError):
        decode_multikey("z" + b58encode(b"\x12\x34" + bytes(32)))
    with pytest.raises(MultibaseError):
        decode_multikey("z" + b58encode(b"\xed\x01" + bytes(31)))


@pytest.mark.parametrize(
    ("curve", "kind", "prefix"), [(ec.SECP256R1(), "P-256", "zDn"), (ec.SECP384R1(), "P-384", "z82")]
)
def test_did_key_ecdsa(curve: ec.EllipticCurve, kind: str, prefix: str) -> None:
    pub = ec_pub(curve, kind)
    mb = encode_multikey(kind, pub.public_bytes(Encoding.X962, PublicFormat.CompressedPoint))
    assert mb.startswith(prefix)
    did = f"did:key:{mb}"
    ctx = make_ctx()
    key = resolve_method(ctx, f"{did}#{mb}", issuer_id=did)
    assert key is not None
    assert isinstance(key.public_key, ec.EllipticCurvePublicKey)
    assert key.public_key.public_numbers() == pub.public_numbers()
    assert key.jwk is not None
    assert key.jwk["crv"] == kind
    assert ctx.out.report.errors == []


def test_did_key_ed25519_and_wrong_fragment() -> None:
    mb = encode_multikey("Ed25519", ed_pub("a"))
    assert mb.startswith("z6Mk")
    did = f"did:key:{mb}"
    ctx = make_ctx()
    assert resolve_method(ctx, f"{did}#{mb}", issuer_id=did) is not None
    assert resolve_method(ctx, f"{did}#other", issuer_id=did) is None
    assert ctx.out.report.codes() == ["proof_invalid"]


def test_did_jwk() -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(ed_pub("jwk"))}
    did = "did:jwk:" + b64u(json.dumps(jwk).encode())
    ctx = make_ctx()
    key = resolve_method(ctx, f"{did}#0", issuer_id=did)
    assert key is not None
    assert key.jwk == jwk_of(key.public_key)
    enc = dict(jwk, use="enc")
    did_enc = "did:jwk:" + b64u(json.dumps(enc).encode())
    assert resolve_method(ctx, f"{did_enc}#0", issuer_id=did_enc) is None
    assert ctx.out.report.codes() == ["issuer_mismatch"]  # not listed under assertionMethod


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:example.com%3A8443:a", "https://example.com:8443/a/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:example.com::a",
        "did:web:example.com:.",
        "did:web:example.com:..",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:a%2fb",
        "did:web:example.com:%2E%2E",
        "did:web:example.com:a%5Cb",
        "did:web:user@example.com",
        "did:web:",
        "did:web:example.com%2F..",
        "did:web:..",
    ],
)
def test_did_web_refused_and_never_fetched(did: str) -> None:
    with pytest.raises(ValueError, match="did:web"):
        did_web_url(did)
    store = DocumentStore()
    ctx = make_ctx(store)
    assert resolve_method(ctx, f"{did}#key-1", issuer_id=did) is None
    assert ctx.out.report.codes() == ["proof_invalid"]
    assert store.requested == []


def did_web_doc(did: str, pub: bytes, **extra: Any) -> dict[str, Any]:
    vm = f"{did}#key-1"
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [
            {"id": "#key-1", "type": "Ed25519VerificationKey2020", "controller": did,
             "publicKeyMultibase": encode_multikey("Ed25519", pub)}
        ],
        "assertionMethod": ["#key-1"],
    }
    doc.update(extra)
    assert vm.endswith("#key-1")
    return doc


def test_did_web_resolution_relative_ids() -> None:
    did = "did:web:issuer.example:org"
    store = DocumentStore({"https://issuer.example/org/did.json": json.dumps(did_web_doc(did, ed_pub("w")))})
    ctx = make_ctx(store)
    key = resolve_method(ctx, f"{did}#key-1", issuer_id=did)
    assert key is not None
    assert key.controller == did
    assert [k.id for k in keys_of_issuer(ctx, did)] == [f"{did}#key-1"]


def test_did_web_document_id_must_equal_did() -> None:
    did = "did:web:issuer.example"
    doc = did_web_doc("did:web:other.example", ed_pub("w"))
    store = DocumentStore({"https://issuer.example/.well-known/did.json": json.dumps(doc)})
    ctx = make_ctx(store)
    assert resolve_method(ctx, f"{did}#key-1", issuer_id=did) is None
    assert ctx.out.report.codes() == ["issuer_mismatch"]


def test_did_web_unavailable_is_fetch_failed_and_proof_invalid() -> None:
    ctx = make_ctx()
    assert resolve_method(ctx, "did:web:issuer.example#key-1", issuer_id="did:web:issuer.example") is None
    assert ctx.out.report.codes() == ["fetch_failed", "proof_invalid"]


def test_unsupported_did_method() -> None:
    ctx = make_ctx()
    assert resolve_method(ctx, "did:ion:abc#k", issuer_id="did:ion:abc") is None
    assert ctx.out.report.codes() == ["proof_invalid"]
    assert "not supported" in ctx.out.report.errors[0].message


def test_http_method_is_refused_without_fetch() -> None:
    store = DocumentStore()
    ctx = make_ctx(store)
    assert resolve_method(ctx, "http://issuer.example/key", issuer_id="http://issuer.example/") is None
    assert ctx.out.report.codes() == ["proof_invalid"]
    assert store.requested == []


def test_separate_key_document_and_controller_document() -> None:
    issuer = "https://issuer.example/profile"
    vm = "https://issuer.example/keys/1"
    pub = ed_pub("sep")
    key_doc = {"id": vm, "type": "Ed25519VerificationKey2018", "controller": issuer, "publicKeyBase58": b58encode(pub)}
    controller = {"id": issuer, "assertionMethod": [vm]}
    store = DocumentStore({vm: json.dumps(key_doc), issuer: json.dumps(controller)})
    ctx = make_ctx(store)
    key = resolve_method(ctx, vm, issuer_id=issuer)
    assert key is not None
    assert store.requested == [vm, issuer]
    # the controller document does not list it: a key document merely claiming the issuer
    store2 = DocumentStore({vm: json.dumps(key_doc), issuer: json.dumps({"id": issuer, "assertionMethod": []})})
    ctx2 = make_ctx(store2)
    assert resolve_method(ctx2, vm, issuer_id=issuer) is None
    assert ctx2.out.report.codes() == ["issuer_mismatch"]


def test_fetched_document_with_other_id_is_issuer_mismatch() -> None:
    issuer = "https://issuer.example/profile"
    store = DocumentStore({issuer: json.dumps({"id": "https://elsewhere.example/", "verificationMethod": []})})
    ctx = make_ctx(store)
    assert resolve_method(ctx, f"{issuer}#k", issuer_id=issuer) is None
    assert ctx.out.report.codes() == ["issuer_mismatch"]


def test_method_encodings() -> None:
    pub = ed_pub("enc")
    for method in (
        {"type": "Multikey", "publicKeyMultibase": encode_multikey("Ed25519", pub)},
        {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": encode_multikey("Ed25519", pub)},
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": b58encode(pub)},
        {"type": "JsonWebKey2020", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64u(pub)}},
        {"type": "JsonWebKey", "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": b64u(pub)}},
    ):
        key = key_from_method(method)
        assert isinstance(key, Ed25519PublicKey)
        assert key.public_bytes(Encoding.Raw, PublicFormat.Raw) == pub
    for bad in (
        {"type": "RsaVerificationKey2018", "publicKeyBase58": b58encode(pub)},
        {"type": "Multikey"},
        {"type": "Multikey", "publicKeyMultibase": encode_multikey("Ed25519", pub), "publicKeyBase58": "x"},
        {"type": "Multikey", "publicKeyMultibase": 5},
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": b58encode(pub[:31])},
    ):
        with pytest.raises(KeyFormatError):
            key_from_method(bad)


def test_jwk_parsing() -> None:
    p256 = ec_pub(ec.SECP256R1(), "jwk")
    assert public_key_from_jwk(jwk_of(p256)) is not None
    rsa_pub = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    assert isinstance(public_key_from_jwk(jwk_of(rsa_pub)), rsa.RSAPublicKey)
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505 - must be refused
    bad_point = dict(jwk_of(p256), y=b64u(bytes(32)))
    for bad in (
        jwk_of(short),
        bad_point,
        {"kty": "oct", "k": "c2VjcmV0"},
        dict(jwk_of(p256), d="AAAA"),
        {"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "X25519", "x": b64u(bytes(32))},
        {"kty": "EC", "crv": "P-256", "x": b64u(bytes(31)), "y": b64u(bytes(32))},
        {"kty": "OKP", "crv": "Ed25519", "x": "!!!"},
    ):
        with pytest.raises(KeyFormatError):
            public_key_from_jwk(bad)


def test_keys_of_issuer_did_key_and_unknown() -> None:
    mb = encode_multikey("Ed25519", ed_pub("k"))
    did = f"did:key:{mb}"
    ctx = make_ctx()
    keys = keys_of_issuer(ctx, did)
    assert [k.id for k in keys] == [f"{did}#{mb}"]
    assert keys_of_issuer(ctx, "did:example:x") == []
    assert keys_of_issuer(ctx, "https://missing.example/") == []


@given(method=st.text(max_size=60), issuer=st.text(max_size=30))
def test_resolve_method_never_raises(method: str, issuer: str) -> None:
    ctx = make_ctx()
    prefixes = ("", "did:key:", "did:web:", "did:jwk:", "https://k.example/")
    for candidate in (p + method for p in prefixes):
        assert resolve_method(ctx, candidate, issuer_id=issuer) is None or issuer.startswith("did:")
    allowed = ("proof_invalid", "issuer_mismatch", "fetch_failed", "url_blocked")
    assert all(f.code in allowed for f in ctx.out.report.errors)


@given(value=st.dictionaries(st.sampled_from(["kty", "crv", "x", "y", "n", "e", "d", "use"]),
                             st.text(max_size=12) | st.integers(), max_size=6))
def test_public_key_from_jwk_only_raises_key_format_error(value: dict[str, Any]) -> None:
    try:
        key = public_key_from_jwk(value)
    except KeyFormatError:  # the only exception allowed out
        return
    assert jwk_of(key)["kty"] == value["kty"]
