"""OB 2.0 "SignedBadge Verification" (steps 1-6) with the key bound to the issuer (SECURITY.md §7, §8).

1-2. The JWS payload is decoded and parsed strictly; a payload that is not a JSON object is invalid.
3.   (Data validation of the Assertion, BadgeClass and issuer is the caller's.)
4.   Trusted key ids: `verification.creator` when given — and then it must be listed in the issuer Profile's
     `publicKey` (one or several) — else every key the issuer lists. A key that is not linked from the issuer
     is never trusted ("Do not trust a key that is not properly linked from the issuer Profile"), and not fetched.
5.   Each trusted key is fetched: a CryptographicKey whose `id` is where it came from and whose `owner` is the
     issuer (the two-way link of OB 2.0 "CryptographicKey"), carrying a usable `publicKeyPem`. OB 1.x signed
     badges name a bare PEM at `verify.url`; with no `publicKey` list to consult, such a key must be on the
     issuer id's origin.
6.   The JWS is verified with each trusted key under `obverify._engines.jose` (the key type decides the algorithm;
     allow-list RS256/384/512, PS256, ES256/384). One success is enough.

Codes: a key not bound to the issuer is `issuer_mismatch`; no usable key, or no key that verifies, is
`proof_invalid` (SECURITY.md ground rules: with no usable key at all, the code is `proof_invalid`).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.strictjson import JSONError, parse_json
from obverify._core.text import quote_url
from obverify._engines.jose import OB2_ALGS, JoseError, verify_compact
from obverify._ob2.common import STAGE_PROOFS, as_list, is_http_url, node_id, origin, types_of
from obverify._ob2.resolve import in_parent_context
from obverify._ob2.validate import check_document

ACCEPT_KEY = "application/ld+json, application/json;q=0.9, application/x-pem-file;q=0.8, text/plain;q=0.5"


def load_pem(text: Any) -> PublicKeyTypes | None:
    """A public key from PEM text (SubjectPublicKeyInfo), or None when it is not one."""
    if not isinstance(text, str) or len(text) > 20000:
        return None
    try:
        return load_pem_public_key(text.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        return None


def _key_from_document(
    ctx: RunContext, key_id: str, embedded: dict[str, Any] | None, issuer_id: Any, *, legacy: bool
) -> PublicKeyTypes | None:
    """The public key at `key_id` if it is usable and bound to the issuer; findings otherwise."""
    if embedded is not None and "publicKeyPem" in embedded:
        doc: Any = embedded
        url: str | None = None
    else:
        if not is_http_url(key_id):
            ctx.out.error(Code.PROOF_INVALID, "signing key id is not an http(s) URL", stage=STAGE_PROOFS)
            return None
        fetched = ctx.fetch(key_id, stage=STAGE_PROOFS, accept=ACCEPT_KEY, consequence=Code.PROOF_INVALID,
                            what="signing key")
        if fetched is None:
            return None
        if fetched.status == 410:  # a key that is Gone is withdrawn, whatever its body still says
            ctx.out.error(Code.PROOF_INVALID, f"signing key {quote_url(key_id)} answers 410 Gone", stage=STAGE_PROOFS,
                          url=key_id)
            return None
        url = key_id
        content = fetched.content
        if content.lstrip().startswith(b"-----BEGIN"):
            if not legacy:
                ctx.out.error(
                    Code.PROOF_INVALID, "an OB 2.0 signing key must be a CryptographicKey document, not a bare PEM",
                    stage=STAGE_PROOFS, url=url,
                )
                return None
            key = load_pem(content.decode("ascii", "replace"))
            if key is None:
                ctx.out.error(Code.PROOF_INVALID, "signing key PEM is unusable", stage=STAGE_PROOFS, url=url)
            return key
        try:
            doc = parse_json(content)
        except JSONError:
            ctx.out.error(Code.PROOF_INVALID, "signing key document is not JSON or PEM", stage=STAGE_PROOFS, url=url)
            return None
    if not isinstance(doc, dict):
        ctx.out.error(Code.PROOF_INVALID, "signing key document is not an object", stage=STAGE_PROOFS, url=url)
        return None
    if url is not None and not legacy:
        in_parent_context(ctx, doc, url=url, label="signing key")  # a key is read by its raw terms either way
    if url is not None and doc.get("id") != url:
        ctx.out.error(
            Code.ISSUER_MISMATCH, f"signing key fetched from {quote_url(url)} declares another id",
            stage=STAGE_PROOFS, url=url,
        )
        return None
    types = types_of(doc)
    if types and not types & {"CryptographicKey", "sec:Key", "https://w3id.org/security#Key"}:
        ctx.out.error(Code.PROOF_INVALID, "signing key document is not a CryptographicKey", stage=STAGE_PROOFS,
                      url=url)
        return None
    embedded_without_owner = url is None and "owner" not in doc  # a key inside the issuer's own Profile
    if doc.get("owner") != issuer_id and not embedded_without_owner:
        ctx.out.error(
            Code.ISSUER_MISMATCH, "signing key's owner is not the badge's issuer", stage=STAGE_PROOFS,
            path="/owner", url=url,
        )
        return None
    if not check_document(ctx, doc, "cryptographic-key", url=url, label="signing key"):
        ctx.out.error(Code.PROOF_INVALID, "signing key document is invalid", stage=STAGE_PROOFS, url=url)
        return None
    key = load_pem(doc.get("publicKeyPem"))
    if key is None:
        ctx.out.error(Code.PROOF_INVALID, "signing key has no usable publicKeyPem", stage=STAGE_PROOFS, url=url)
    return key


def verify_signature(
    ctx: RunContext, token: str, assertion: dict[str, Any], issuer: dict[str, Any], *, legacy: bool
) -> bool:
    """Steps 4-6: choose the trusted keys from the issuer, fetch them, verify the JWS. Records findings."""
    issuer_id = issuer.get("id")
    if not is_http_url(issuer_id):
        # a profile without an http(s) id was never loaded from its issuer: it came embedded in the signed
        # payload, so its key list is the signer's own claim and binds nothing (anyone could sign as it)
        ctx.out.error(Code.ISSUER_MISMATCH, "the issuer id is not an http(s) URL, so none of its keys can be trusted",
                      stage=STAGE_PROOFS, path="/badge/issuer")
        ctx.out.error(Code.PROOF_INVALID, "no key bound to the issuer signed this badge", stage=STAGE_PROOFS)
        ctx.out.check("key_binding", "failed", "issuer profile not loaded from an http(s) id")
        ctx.out.check("signature", "failed", "no trusted key")
        return False
    verification = assertion.get("verification")
    creator = verification.get("creator") if isinstance(verification, dict) else None
    listed: dict[str, dict[str, Any] | None] = {}
    for entry in as_list(issuer.get("publicKey")):
        ident = node_id(entry)
        if ident is not None:
            listed[ident] = entry if isinstance(entry, dict) else None
    if creator is not None and not isinstance(creator, str):
        ctx.out.error(Code.PROOF_INVALID, "verification creator is not an IRI", stage=STAGE_PROOFS)
        ctx.out.check("signature", "failed", "no trusted key")
        return False
    if isinstance(creator, str):
        # OB 1.x issuers list no keys: the bare-PEM key must then sit on the issuer id's origin
        legacy_bound = legacy and not listed and isinstance(issuer_id, str) and origin(creator) is not None \
            and origin(creator) == origin(issuer_id)
        if creator in listed or legacy_bound:
            trusted = [creator]
        else:
            ctx.out.error(
                Code.ISSUER_MISMATCH, f"signing key {quote_url(creator)} is not listed in the issuer's publicKey",
                stage=STAGE_PROOFS, path="/verification/creator", url=creator,
            )
            ctx.out.error(Code.PROOF_INVALID, "no key bound to the issuer signed this badge", stage=STAGE_PROOFS)
            ctx.out.check("key_binding", "failed", "creator not listed by the issuer")
            ctx.out.check("signature", "failed", "no trusted key")
            return False
    else:
        trusted = list(listed)
    if not trusted:
        ctx.out.error(Code.PROOF_INVALID, "the issuer lists no public key to verify with", stage=STAGE_PROOFS)
        ctx.out.check("signature", "failed", "no trusted key")
        return False
    ctx.out.check("key_binding", "passed", "key listed by the issuer")
    usable = 0
    tried: list[str] = []  # one outcome for the signature check: keys that did not verify are its detail
    for key_id in trusted[:8]:
        key = _key_from_document(ctx, key_id, listed.get(key_id), issuer_id, legacy=legacy)
        if key is None:
            continue
        usable += 1
        try:
            verify_compact(token, key, allowed=OB2_ALGS, min_rsa_bits=ctx.policy.min_rsa_bits,
                           max_chars=ctx.policy.max_jws_chars)
        except JoseError as exc:
            tried.append(f"{quote_url(key_id)}: {exc}")
            continue
        before = f" (after {'; '.join(tried)})" if tried else ""
        ctx.out.check("signature", "passed", f"verified with {quote_url(key_id)}{before}")
        return True
    if usable:
        ctx.out.error(Code.PROOF_INVALID, "the JWS signature does not verify with the issuer's key",
                      stage=STAGE_PROOFS)
        ctx.out.check("signature", "failed", "; ".join(tried))
    else:
        ctx.out.error(Code.PROOF_INVALID, "no usable issuer key to verify the signature", stage=STAGE_PROOFS)
        ctx.out.check("signature", "failed", "no usable key")
    return False
