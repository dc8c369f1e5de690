"""ecdsa-sd-2023 selective disclosure: verification of DERIVED proofs (VC DI ECDSA §3.5, §3.6).

An issuer signs a *base proof* and gives it to the holder only; the holder derives a credential that
discloses some statements and a *derived proof* for it; a verifier checks the derived proof ("Verify Derived
Proof (ecdsa-sd-2023)"). A base proof presented to a verifier is refused: it is for the holder.

The derived proof value is `u` + base64url-no-pad(0xd9 0x5d 0x01 ‖ CBOR([baseSignature, publicKey,
signatures, compressedLabelMap, mandatoryIndexes])) ("parseDerivedProofValue"). Verification
("createVerifyData", then "Verify Derived Proof"):

1. proofHash = SHA-256(RDFC-1.0(proof options without proofValue, with the document's @context)).
2. The disclosed document is canonicalized with RDFC-1.0 (SHA-256) and each canonical blank node label
   `_:c14nN` replaced by the label map's HMAC label `_:u…` (the issuer's HMAC-relabelled blank nodes, so
   blank node labels do not reveal how many statements were left out); the N-Quads are sorted again.
3. The quads at `mandatoryIndexes` are the mandatory ones: mandatoryHash = SHA-256 of them joined.
4. The base signature (the issuer's P-256 key, ES256) is over proofHash ‖ publicKey ‖ mandatoryHash, where
   publicKey is the proof-scoped Multikey (0x80 0x24 + compressed P-256 point).
5. Every other quad, in order, has its own ES256 signature by that proof-scoped key; the counts must match.

Bounds (SECURITY.md: work is refused before it is done), `VerificationPolicy` fields: the proof value is at
most `max_sd_proof_value_chars` characters (400,000: 2,000 signatures of 64 bytes and as many 32-byte labels and
indexes fit in about 270,000), a derived proof carries at most `max_sd_signatures` statement signatures (2,000:
each costs one ECDSA verification, ~0.1 ms here; the OB 3.0 spec's complete example has about 200 statements)
and as many label map entries and mandatory indexes; canonicalization spends the run's JSON-LD budgets like
every other suite.

CBOR is decoded with `cbor2` and must re-encode to exactly the bytes given (no tags, which the spec forbids,
no indefinite or over-long lengths, no trailing bytes), so one proof value has one reading.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.policy import DEFAULT_POLICY
from obverify._engines.jose import JoseError, b64url_decode, b64url_encode
from obverify._ob3.proofs.suites import ECDSA_SD_2023, SuiteError, canonical, proof_config, unsecured

if TYPE_CHECKING:
    from obverify._engines.keys.decoding import PublicKey

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
P256_MULTIKEY = b"\x80\x24"

_BLANK = re.compile(r'<[^>]*>|"(?:[^"\\]|\\.)*"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?|_:([A-Za-z0-9_.-]+)')
"""An N-Quads term: an IRI, a literal (whole, so `_:` inside a string is never touched), or a blank node."""


class DerivedProof(NamedTuple):
    """The five components of a derived proof value ("parseDerivedProofValue")."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # canonical label ("c14n3") -> HMAC label ("u…")
    mandatory_indexes: list[int]


def _fail(message: str) -> SuiteError:
    return SuiteError(Code.PROOF_INVALID, message)


class _TagError(Exception):
    """A CBOR tag where serializeDerivedProofValue says "CBOR tagging MUST NOT be used"."""


def _no_tags(decoder: Any, tag: Any) -> Any:
    raise _TagError


def parse_derived_proof_value(
    value: Any, *, max_chars: int = DEFAULT_POLICY.max_sd_proof_value_chars,
    max_signatures: int = DEFAULT_POLICY.max_sd_signatures,
) -> DerivedProof:
    """Decode and check a derived proof value; `SuiteError(proof_invalid)` for anything else, a base proof too.

    `max_chars` and `max_signatures` are the run's `VerificationPolicy` bounds, checked before any decoding."""
    import cbor2  # on first use: only ecdsa-sd-2023 proofs need CBOR

    if not isinstance(value, str) or not value.startswith("u"):
        raise _fail("proofValue must be a base64url multibase string ('u…')")
    if len(value) > max_chars:
        raise _fail(f"proofValue is longer than {max_chars:,} characters (obverify's limit)")
    try:
        raw = b64url_decode(value[1:])
    except JoseError:
        raise _fail("proofValue is not valid base64url (no padding)") from None
    header, body = raw[:3], raw[3:]
    if header == BASE_HEADER:
        raise _fail(
            "this is a base proof: a base proof is for the holder, not a verifier (the holder derives a proof "
            "that discloses chosen statements, and a verifier checks that derived proof)"
        )
    if header != DERIVED_HEADER:
        raise _fail("proofValue does not start with the ecdsa-sd-2023 derived proof header 0xd9 0x5d 0x01")
    try:
        components = cbor2.loads(body, tag_hook=_no_tags)
        exact = cbor2.dumps(components) == body
    except (cbor2.CBORError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        if isinstance(exc.__cause__, _TagError):
            raise _fail("the derived proof value uses a CBOR tag, which ecdsa-sd-2023 forbids") from None
        raise _fail("the derived proof value is not valid CBOR") from None
    if not exact:  # cbor2 reads its known tags (bignums, self-description) itself: they do not re-encode
        raise _fail("the derived proof value is not plain CBOR (tags, indefinite lengths or extra bytes)")
    if not isinstance(components, list) or len(components) != 5:
        raise _fail("the derived proof value must be a CBOR array of five components")
    base_signature, public_key, signatures, compressed, indexes = components
    if not isinstance(base_signature, bytes) or len(base_signature) != 64:
        raise _fail("baseSignature must be 64 bytes (P-256)")
    if not isinstance(public_key, bytes) or len(public_key) != 35 or not public_key.startswith(P256_MULTIKEY):
        # parseDerivedProofValue says "length 36", but its own publicKey (Base Proof Serialization) is the
        # 2-byte p256-pub header and a 33-byte compressed point: 35 bytes, as every implementation writes it.
        raise _fail("publicKey must be a P-256 Multikey (0x80 0x24 and a 33-byte compressed point)")
    for name, items in (("signatures", signatures), ("mandatoryIndexes", indexes)):
        if not isinstance(items, list):
            raise _fail(f"{name} must be an array")
        if len(items) > max_signatures:
            raise _fail(f"the derived proof has {len(items):,} {name}; obverify checks at most {max_signatures:,}"
                        " per proof, so it is refused before the work")
    if not isinstance(compressed, dict) or len(compressed) > max_signatures:
        raise _fail(f"the label map must be a map of at most {max_signatures:,} entries")
    if not all(isinstance(s, bytes) and len(s) == 64 for s in signatures):
        raise _fail("every statement signature must be 64 bytes (P-256)")
    label_map: dict[str, str] = {}
    for k, v in compressed.items():
        if not isinstance(k, int) or isinstance(k, bool) or k < 0 or not isinstance(v, bytes) or len(v) != 32:
            raise _fail("the label map must map canonical blank node numbers to 32-byte HMAC digests")
        label_map[f"c14n{k}"] = "u" + b64url_encode(v)
    if len(set(label_map.values())) != len(label_map):
        # HMAC labels of distinct blank nodes are distinct; one label for two nodes would make the signed
        # graph join nodes that the disclosed JSON keeps apart
        raise _fail("the label map gives two blank nodes the same label")
    previous = -1
    for i in indexes:
        if not isinstance(i, int) or isinstance(i, bool) or i <= previous:
            raise _fail("mandatoryIndexes must be increasing non-negative integers")
        previous = i
    return DerivedProof(base_signature, public_key, list(signatures), label_map, list(indexes))


def relabel(nquads: str, label_map: dict[str, str]) -> list[str]:
    """Canonical N-Quads with each blank node label replaced through `label_map`, sorted again.

    Only blank node terms are replaced (literals are matched whole); a canonical label the map lacks is an
    error, since the issuer's signatures cover HMAC labels only.
    """
    missing: list[str] = []

    def swap(match: re.Match[str]) -> str:
        label = match.group(1)
        if label is None:
            return match.group(0)
        new = label_map.get(label)
        if new is None:
            missing.append(label)
            return match.group(0)
        return "_:" + new

    lines = [_BLANK.sub(swap, line) + "\n" for line in nquads.splitlines() if line]
    if missing:
        raise _fail(f"the derived proof's label map has no label for blank node _:{missing[0]}")
    return sorted(lines)


def _p256(key: PublicKey) -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise _fail("the issuer's key must be a P-256 key (the base signature is ES256)")
    return key


def _es256_ok(key: Any, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < _P256_ORDER and 0 < s < _P256_ORDER):
        return False
    try:
        key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def verify_derived(
    ctx: RunContext | None, document: dict[str, Any], proof: dict[str, Any], derived: DerivedProof,
    issuer_key: PublicKey, stage: str,
) -> None:
    """"Verify Derived Proof (ecdsa-sd-2023)": return if it verifies, raise `SuiteError` otherwise."""
    from cryptography.hazmat.primitives.asymmetric import ec

    base_key = _p256(issuer_key)
    try:
        scoped_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), derived.public_key[2:])
    except ValueError:
        raise _fail("the proof-scoped public key is not a point on P-256") from None
    # createVerifyData: proofHash, then the disclosed document's HMAC-relabelled canonical N-Quads
    proof_hash = hashlib.sha256(
        canonical(proof_config(document, proof, ECDSA_SD_2023), ECDSA_SD_2023, ctx, stage)).digest()
    nquads = relabel(canonical(unsecured(document), ECDSA_SD_2023, ctx, stage).decode("utf-8"), derived.label_map)
    if derived.mandatory_indexes and derived.mandatory_indexes[-1] >= len(nquads):
        raise _fail(f"a mandatory index points past the {len(nquads)} disclosed statements")
    wanted = set(derived.mandatory_indexes)
    mandatory = [nq for i, nq in enumerate(nquads) if i in wanted]
    non_mandatory = [nq for i, nq in enumerate(nquads) if i not in wanted]
    if len(derived.signatures) != len(non_mandatory):
        raise _fail(f"{len(derived.signatures)} statement signatures for {len(non_mandatory)} non-mandatory "
                    "statements: the signature count does not match the non-mandatory statement count")
    mandatory_hash = hashlib.sha256("".join(mandatory).encode("utf-8")).digest()
    if not _es256_ok(base_key, derived.base_signature, proof_hash + derived.public_key + mandatory_hash):
        raise _fail("the base signature does not verify (proof options, proof-scoped key or mandatory "
                    "statements differ from what the issuer signed)")
    for i, (signature, statement) in enumerate(zip(derived.signatures, non_mandatory, strict=True)):
        if not _es256_ok(scoped_key, signature, statement.encode("utf-8")):
            raise _fail(f"the signature of disclosed statement {i + 1} of {len(non_mandatory)} does not verify")


__all__ = [
    "ECDSA_SD_2023",
    "DerivedProof",
    "parse_derived_proof_value",
    "relabel",
    "verify_derived",
]
