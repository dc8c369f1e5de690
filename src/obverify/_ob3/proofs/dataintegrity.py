"""Verification of the embedded proofs of an OB 3.0 credential (OB 3.0 §8.3 "Linked Data Proof Format").

Implements VC Data Integrity 1.0 §4.4 "Verify Proof" / §4.5 "Verify Proof Sets and Chains" for the suites of
`obverify._ob3.proofs.suites`, with the key resolution and binding of `obverify._engines.keys`.

Policy for several proofs (SECURITY.md §10), documented here because the specifications leave it open:

- EVERY proof in `proof` (an object or a list: a proof set) is checked against the document without its
  `proof` member, and every one must verify. One bad proof makes the whole document unacceptable, so a
  forged extra proof cannot ride along with a genuine one.
- Every proof's verification method must be controlled by the issuer and listed under its
  `assertionMethod` (so, trivially, at least one proof is bound to the issuer). We never fetch the
  documents of a controller other than the issuer: a co-signer's proof is `issuer_mismatch`.
- `previousProof` chains are not supported (`proof_invalid`): no OB 3.0 issuer uses them.
- Per proof (Data Integrity §4.4): `type` and `cryptosuite` name a supported suite; `proofPurpose` is
  `assertionMethod`; `created` (when present) is an XML Schema dateTime not after the run's instant;
  `expires` (when present) is not before it; a proof `@context` must equal the document's (stricter
  than the prefix rule of Data Integrity §4.4, so nothing appended after signing goes unsigned);
  `proofValue` is multibase base58btc (`z…`).
- No proof at all is `proof_invalid`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.text import quote
from obverify._core.timeparse import parse_datetime
from obverify._core.window import after_window, before_window
from obverify._engines.keys.documents import ResolvedKey, resolve_method
from obverify._engines.multibase import MultibaseError, multibase_decode
from obverify._ob3.proofs.detached_jws import parse_detached_jws
from obverify._ob3.proofs.selective import DerivedProof, parse_derived_proof_value, verify_derived
from obverify._ob3.proofs.suites import (
    ECDSA_SD_2023,
    ED25519_2018,
    Suite,
    SuiteError,
    canonical,
    hash_data,
    hash_name,
    proof_config,
    suite_of,
    unsecured,
    verify_signature,
)

if TYPE_CHECKING:
    from obverify._engines.keys.decoding import PublicKey


def _proofs_of(document: dict[str, Any]) -> list[Any]:
    value = document.get("proof")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_options(ctx: RunContext, document: dict[str, Any], proof: dict[str, Any]) -> None:
    """Data Integrity §4.4 steps that do not need the key: purpose, dates, context, chains."""
    if proof.get("proofPurpose") != "assertionMethod":
        raise SuiteError(
            Code.PROOF_INVALID, f"proofPurpose must be assertionMethod, not {quote(proof.get('proofPurpose'), 60)}"
        )
    if "previousProof" in proof:
        raise SuiteError(Code.PROOF_INVALID, "proof chains (previousProof) are not supported")
    for name, future_ok in (("created", False), ("expires", True)):
        if name not in proof:
            continue
        raw = proof[name]
        try:
            when = parse_datetime(raw) if isinstance(raw, str) else None
        except ValueError:
            when = None
        if when is None:
            raise SuiteError(Code.PROOF_INVALID, f"proof {name} {quote(raw, 60)} is not a valid dateTime")
        if not future_ok and before_window(when, ctx.at):
            raise SuiteError(Code.PROOF_INVALID, f"proof created {quote(raw, 60)} lies in the future")
        if future_ok and after_window(when, ctx.at):
            raise SuiteError(Code.PROOF_INVALID, f"proof expired at {quote(raw, 60)}")
    if "@context" in proof and proof["@context"] != document.get("@context"):
        # Data Integrity lets a proof's @context be a prefix of the document's and then hashes the shorter
        # one; we require equality, so contexts appended after signing are never left unsigned.
        raise SuiteError(Code.PROOF_INVALID, "the proof's @context differs from the document's @context")


def _decode_proof_value(proof: dict[str, Any], max_chars: int) -> bytes:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise SuiteError(Code.PROOF_INVALID, "proofValue must be a base58btc multibase string ('z…')")
    try:
        return multibase_decode(value, max_chars)
    except MultibaseError:
        raise SuiteError(Code.PROOF_INVALID, "proofValue is not valid base58btc") from None


def canonical_forms(
    document: dict[str, Any],
    proof: dict[str, Any],
    ctx: RunContext | None = None,
    *,
    stage: str = "proofs",
    key: PublicKey | None = None,
) -> tuple[bytes, bytes]:
    """(canonical proof configuration, canonical unsecured document) exactly as the proof's suite hashes them.

    `key` is the proof's public key when its curve decides the RDFC-1.0 hash (ecdsa-rdfc-2019 with P-384).
    For debugging and tests; raises `SuiteError` when the proof names no supported suite or the document
    cannot be canonicalized (safe mode).
    """
    suite = suite_of(proof)
    config = proof_config(document, proof, suite)
    algorithm = hash_name(suite, key)
    return (
        canonical(config, suite, ctx, stage, algorithm),
        canonical(unsecured(document), suite, ctx, stage, algorithm),
    )


def _verify_one(
    ctx: RunContext,
    document: dict[str, Any],
    proof: Any,
    *,
    issuer_id: str,
    stage: str,
    path: str,
    doc_cache: dict[str, bytes],
) -> tuple[Suite | None, ResolvedKey | None]:
    """Verify one proof; record findings and return (suite, key) on success, (suite?, None) on failure."""
    if not isinstance(proof, dict):
        ctx.out.error(Code.PROOF_INVALID, "a proof must be a JSON object", stage=stage, path=path)
        return None, None
    try:
        suite = suite_of(proof)
    except SuiteError as exc:
        ctx.out.error(exc.code, exc.message, stage=stage, path=path)
        return None, None
    jws_prefix = b""
    derived: DerivedProof | None = None
    try:
        _check_options(ctx, document, proof)
        if suite is ED25519_2018:
            jws_prefix, signature = parse_detached_jws(proof, max_header_bytes=ctx.policy.max_jws_header_bytes)
        elif suite is ECDSA_SD_2023:
            # decoded and bounded before any key is fetched or statement canonicalized
            derived, signature = parse_derived_proof_value(
                proof.get("proofValue"), max_chars=ctx.policy.max_sd_proof_value_chars,
                max_signatures=ctx.policy.max_sd_signatures), b""
        else:
            signature = _decode_proof_value(proof, ctx.policy.max_multibase_chars)
    except SuiteError as exc:
        ctx.out.error(exc.code, f"{suite.name}: {exc.message}", stage=stage, path=path)
        return suite, None
    method = proof.get("verificationMethod")
    if isinstance(method, dict):  # an embedded method object: only its id counts, never its key
        method = method.get("id")
    if not isinstance(method, str):
        ctx.out.error(Code.PROOF_INVALID, f"{suite.name}: verificationMethod is missing", stage=stage, path=path)
        return suite, None
    key = resolve_method(ctx, method, issuer_id=issuer_id, stage=stage, path=f"{path}/verificationMethod")
    if key is None:
        return suite, None
    try:
        if derived is not None:
            verify_derived(ctx, document, proof, derived, key.public_key, stage)
            return suite, key
        # One hash for every step: RDFC-1.0's inside (blank node labels) and both halves of hashData.
        algorithm = hash_name(suite, key.public_key)
        config_c14n = canonical(proof_config(document, proof, suite), suite, ctx, stage, algorithm)
        cache_key = f"{suite.canon}/{algorithm}"
        doc_c14n = doc_cache.get(cache_key)
        if doc_c14n is None:
            doc_c14n = canonical(unsecured(document), suite, ctx, stage, algorithm)
            doc_cache[cache_key] = doc_c14n
        # Ed25519Signature2018 signs the JWS signing input: BASE64URL(header) "." hashData (RFC 7797)
        data = jws_prefix + hash_data(config_c14n, doc_c14n, algorithm)
        verify_signature(suite, key.public_key, signature, data)
    except SuiteError as exc:
        ctx.out.error(exc.code, f"{suite.name}: {exc.message}", stage=stage, path=path)
        return suite, None
    return suite, key


def check_embedded_proofs(
    ctx: RunContext,
    document: dict[str, Any],
    *,
    issuer_id: str,
    stage: str = "proofs",
    path: str = "/proof",
) -> bool:
    """Verify every proof of `document`; True iff all verify and each is bound to `issuer_id`.

    Records findings (`proof_invalid`, `issuer_mismatch`, `context_invalid`, and the fetch codes of key
    documents) through `ctx.out`, plus one check per proof. Never raises on bad input.
    """
    try:
        return _check(ctx, document, issuer_id=issuer_id, stage=stage, path=path)
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A bug or a hostile input we did not foresee: a finding, never an exception (SECURITY.md §15).
        ctx.out.error(
            Code.PROOF_INVALID, f"proof verification failed unexpectedly ({type(exc).__name__})", stage=stage, path=path
        )
        ctx.out.check("proof", "failed", type(exc).__name__)
        return False


def _check(ctx: RunContext, document: dict[str, Any], *, issuer_id: str, stage: str, path: str) -> bool:
    if not isinstance(document, dict):
        ctx.out.error(Code.PROOF_INVALID, "the credential is not a JSON object", stage=stage)
        return False
    proofs = _proofs_of(document)
    if not proofs:
        ctx.out.error(Code.PROOF_INVALID, "the credential has no proof", stage=stage, path=path)
        ctx.out.check("proof", "failed", "no proof")
        return False
    if len(proofs) > ctx.policy.max_proofs:
        ctx.out.error(Code.PROOF_INVALID, f"more than {ctx.policy.max_proofs} proofs", stage=stage, path=path)
        return False
    if not isinstance(issuer_id, str) or not issuer_id:
        ctx.out.error(Code.ISSUER_MISMATCH, "the credential names no issuer id to bind the proof to", stage=stage)
        return False
    is_list = isinstance(document.get("proof"), list)
    doc_cache: dict[str, bytes] = {}
    all_ok = True
    for i, proof in enumerate(proofs):
        where = f"{path}/{i}" if is_list else path
        suite, key = _verify_one(
            ctx, document, proof, issuer_id=issuer_id, stage=stage, path=where, doc_cache=doc_cache
        )
        name = f"proof {where} ({suite.name if suite else 'unsupported'})"
        if key is None:
            all_ok = False
            ctx.out.check(name, "failed")
        else:
            ctx.out.check(name, "passed", f"signed by {key.id}")
    return all_ok
