"""Verification-method and key resolution for OB 3.0 proofs, with the key-to-issuer binding.

Implements OB 3.0 §8 "Proofs (Signatures)" key dereferencing for the DID methods and documents OB 3.0
issuers use, following DID Core §5.2 "Verification Methods" / §5.3 "Verification Relationships", did:key
(§3.1 "Read"), did:jwk ("Read"), did:web (§3.2 "Read (Resolve)") and the Controlled Identifiers document
model (Multikey §2.2.2, JsonWebKey §2.2.3):

- `did:key` (Ed25519 `z6Mk…`, P-256 `zDn…`, P-384 `z82…`) and `did:jwk` are resolved locally; `did:web`
  becomes `https://host[:port]/path/did.json` (or `/.well-known/did.json`) fetched through the run's loader,
  refusing empty, `.`, `..` and encoded-`/` segments; the DID document's `id` must equal the DID.
- An https verification method is fetched (without its fragment) through the loader: either a controller
  document listing it, or the method document itself with a `controller`, or a bare key
  (a JWK, a JWK Set chosen by `kid`, a Multikey without `controller`) on the issuer's own https origin.
- Key material (`publicKeyMultibase`, `publicKeyJwk`, `publicKeyBase58`) is decoded and checked by
  `obverify._engines.keys.decoding`.
- Binding (SECURITY.md §8): the method's `controller` must be the issuer id, **and** the controller's document
  must list the method under the purpose (`assertionMethod`). Otherwise `issuer_mismatch`. Other DID methods
  are `proof_invalid` (no remote resolver). No usable key at all is `proof_invalid`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.text import quote, quote_url
from obverify._engines.keys.decoding import (
    KeyFormatError,
    jwk_of,
    key_from_method,
    key_from_multikey,
    public_key_from_jwk,
)
from obverify._engines.multibase import MAX_MULTIBASE_CHARS, MultibaseError, b64url_decode

if TYPE_CHECKING:
    from obverify._engines.keys.decoding import PublicKey

SUPPORTED_DID_METHODS = ("key", "jwk", "web")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


class ResolvedKey:
    """A public key bound to its verification method `id` and the `controller` that owns it.

    `jwk` is the key as a public JWK (for comparing with a VC-JWT header `jwk`). Equality and hashing use
    `id` and `controller` only. A plain class rather than a frozen dataclass: importing `dataclasses` pulls
    in `inspect`, `ast` and `dis` at start-up (see `obverify._core.baked`).
    """

    __slots__ = ("controller", "id", "jwk", "public_key")

    def __init__(self, id: str, controller: str, public_key: PublicKey,
                 jwk: dict[str, Any] | None = None) -> None:
        self.id = id
        self.controller = controller
        self.public_key = public_key
        self.jwk = jwk

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResolvedKey):
            return NotImplemented
        return (self.id, self.controller) == (other.id, other.controller)

    def __hash__(self) -> int:
        return hash((self.id, self.controller))

    def __repr__(self) -> str:
        return (f"ResolvedKey(id={self.id!r}, controller={self.controller!r}, public_key={self.public_key!r}, "
                f"jwk={self.jwk!r})")


class _ResolveError(Exception):
    """Internal: resolution failed with `code` and our own message."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- controller documents ---------------------------------------------------------------------------


def _did_key_document(did: str, max_multibase_chars: int = MAX_MULTIBASE_CHARS) -> dict[str, Any]:
    """did:key Read: the DID document of a did:key (one method, listed under every relationship)."""
    mb = did[len("did:key:"):]
    if not mb.startswith("z") or ":" in mb or "/" in mb:
        raise _ResolveError(Code.PROOF_INVALID, f"malformed did:key {quote(did, 120)}")
    try:
        key_from_multikey(mb, max_multibase_chars)
    except KeyFormatError as exc:
        raise _ResolveError(Code.PROOF_INVALID, f"did:key carries an unusable key: {exc}") from None
    vm_id = f"{did}#{mb}"
    method = {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
    return {
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def _did_jwk_document(did: str) -> dict[str, Any]:
    """did:jwk Read: `#0` is the JWK; listed for assertion unless the key is marked for encryption."""
    try:
        jwk = json.loads(b64url_decode(did[len("did:jwk:"):]))
    except (MultibaseError, ValueError, UnicodeDecodeError):
        raise _ResolveError(Code.PROOF_INVALID, f"malformed did:jwk {quote(did, 120)}") from None
    if not isinstance(jwk, dict):
        raise _ResolveError(Code.PROOF_INVALID, "did:jwk does not hold a JWK object")
    vm_id = f"{did}#0"
    method = {"id": vm_id, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    doc: dict[str, Any] = {"id": did, "verificationMethod": [method]}
    if jwk.get("use") != "enc":
        doc["assertionMethod"] = [vm_id]
        doc["authentication"] = [vm_id]
    return doc


def did_web_url(did: str) -> str:
    """did:web Read step 1–5: the https URL of the DID document; raises `ValueError` for a refused DID."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web":
        raise ValueError("not a did:web")
    host = unquote(parts[2])
    if not host or not _HOST.match(host) or host.startswith(".") or ".." in host:
        raise ValueError("did:web host is not acceptable")
    segments = parts[3:]
    path_parts: list[str] = []
    for seg in segments:
        if "%2f" in seg.lower() or "%5c" in seg.lower():
            raise ValueError("did:web path segment holds an encoded slash")
        decoded = unquote(seg)
        if decoded in ("", ".", "..") or any(c in decoded for c in "/\\?#%") or any(ord(c) < 0x21 for c in decoded):
            raise ValueError("did:web path segment is empty, '.', '..' or holds reserved characters")
        path_parts.append(decoded)
    path = "/" + "/".join(path_parts) + "/did.json" if path_parts else "/.well-known/did.json"
    return f"https://{host.lower()}{path}"


def _strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _absolute(ref: Any, base: str) -> str | None:
    if not isinstance(ref, str):
        return None
    if ref.startswith("#"):
        return base + ref
    return ref


def _methods_in(doc: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    """Every verification method object of a controller document, by absolute id."""
    found: dict[str, dict[str, Any]] = {}
    for prop in ("verificationMethod", "assertionMethod", "authentication", "publicKey"):
        values = doc.get(prop)
        for item in values if isinstance(values, list) else [values]:
            if isinstance(item, dict):
                mid = _absolute(item.get("id"), base)
                if mid is not None:
                    found.setdefault(mid, item)
    return found


def _listed_under(doc: dict[str, Any], purpose: str, method_id: str, base: str) -> bool:
    values = doc.get(purpose)
    for item in values if isinstance(values, list) else [values]:
        ref = item.get("id") if isinstance(item, dict) else item
        if _absolute(ref, base) == method_id:
            return True
    return False


def _fetch_document(ctx: RunContext, url: str, *, stage: str, path: str | None, what: str) -> dict[str, Any]:
    parsed = urlsplit(url)
    if parsed.scheme != "https":
        raise _ResolveError(Code.PROOF_INVALID, f"{what} {quote_url(url)} is not an https URL")
    value = ctx.fetch_json(url, stage=stage, path=path, what=what, consequence=None)
    if value is None:
        raise _ResolveError(Code.PROOF_INVALID, f"{what} {quote_url(url)} is unavailable, so the key cannot be checked")
    if not isinstance(value, dict):
        raise _ResolveError(Code.PROOF_INVALID, f"{what} {quote_url(url)} is not a JSON object")
    return value


def _controller_document(
    ctx: RunContext, controller: str, *, stage: str, path: str | None
) -> tuple[dict[str, Any], str]:
    """(document, base id) of a DID or https controller; the document's `id` must be the controller."""
    if controller.startswith("did:"):
        method = controller.split(":", 2)[1] if controller.count(":") >= 2 else ""
        if method == "key":
            return _did_key_document(controller, ctx.policy.max_multibase_chars), controller
        if method == "jwk":
            return _did_jwk_document(controller), controller
        if method == "web":
            try:
                url = did_web_url(controller)
            except ValueError as exc:
                raise _ResolveError(Code.PROOF_INVALID, f"did:web {quote(controller, 120)} refused: {exc}") from None
            doc = _fetch_document(ctx, url, stage=stage, path=path, what="DID document")
            if doc.get("id") != controller:
                raise _ResolveError(
                    Code.ISSUER_MISMATCH,
                    f"DID document at {quote_url(url)} declares id {quote(doc.get('id'), 120)},"
                    f" not {quote(controller, 120)}",
                )
            return doc, controller
        raise _ResolveError(
            Code.PROOF_INVALID,
            f"DID method {quote(method, 40)} is not supported (only did:key, did:jwk and did:web)",
        )
    doc = _fetch_document(ctx, controller, stage=stage, path=path, what="controller document")
    if doc.get("id") != controller:
        raise _ResolveError(
            Code.ISSUER_MISMATCH,
            f"controller document at {quote_url(controller)} declares id {quote(doc.get('id'), 120)}",
        )
    return doc, controller


def _resolve(
    ctx: RunContext, method_id: str, *, issuer_id: str, purpose: str, stage: str, path: str | None
) -> ResolvedKey:
    if not method_id or any(ord(c) < 0x21 for c in method_id):
        raise _ResolveError(Code.PROOF_INVALID, "verificationMethod is not a usable identifier")
    base = _strip_fragment(method_id)
    if base.startswith("did:"):
        # A DID URL: resolve its DID document (never fetch anything else).
        doc, doc_base = _controller_document(ctx, base, stage=stage, path=path)
        method = _methods_in(doc, doc_base).get(method_id)
        if method is None:
            raise _ResolveError(
                Code.PROOF_INVALID, f"DID document of {quote(base, 120)} has no method {quote(method_id)}"
            )
    else:
        parsed = urlsplit(base)
        if parsed.scheme != "https":
            raise _ResolveError(
                Code.PROOF_INVALID, f"verificationMethod {quote(method_id)} is neither a DID URL nor https"
            )
        doc = _fetch_document(ctx, base, stage=stage, path=path, what="verification method document")
        bare = _bare_key(doc, method_id, ctx.policy.max_multibase_chars)
        if bare is not None:
            return _bound_by_origin(ctx, bare, method_id, base, issuer_id=issuer_id, stage=stage, path=path)
        if doc.get("id") == method_id:
            method = doc
        else:
            if doc.get("id") != base:
                raise _ResolveError(
                    Code.ISSUER_MISMATCH,
                    f"document at {quote_url(base)} declares id {quote(doc.get('id'), 120)}",
                )
            found = _methods_in(doc, base).get(method_id)
            if found is None:
                raise _ResolveError(
                    Code.PROOF_INVALID, f"document at {quote_url(base)} has no method {quote(method_id)}"
                )
            method = found
    controller = method.get("controller")
    if not isinstance(controller, str):
        raise _ResolveError(Code.PROOF_INVALID, f"verification method {quote(method_id)} names no controller")
    try:
        key = key_from_method(method, ctx.policy.max_multibase_chars)
    except KeyFormatError as exc:
        raise _ResolveError(Code.PROOF_INVALID, f"verification method {quote(method_id)}: {exc}") from None
    # Binding 1: the controller is the issuer (never fetch a stranger's controller document).
    if controller != issuer_id and _self_certifying(base) and not _can_list_keys(issuer_id):
        return _unbound(ctx, method_id, controller, key, issuer_id=issuer_id, stage=stage, path=path)
    if controller != issuer_id:
        raise _ResolveError(
            Code.ISSUER_MISMATCH,
            f"verification method {quote(method_id)} is controlled by {quote(controller, 120)},"
            f" not the issuer {quote(issuer_id, 120)}",
        )
    # Binding 2: the controller's own document lists the method under the purpose.
    if doc.get("id") == controller:
        cdoc, cbase = doc, controller
    else:
        cdoc, cbase = _controller_document(ctx, controller, stage=stage, path=path)
    if not _listed_under(cdoc, purpose, method_id, cbase):
        raise _ResolveError(
            Code.ISSUER_MISMATCH,
            f"the issuer's document does not list {quote(method_id)} under {quote(purpose, 40)}",
        )
    return ResolvedKey(id=method_id, controller=controller, public_key=key, jwk=jwk_of(key))


def _bare_key(
    doc: dict[str, Any], method_id: str, max_multibase_chars: int = MAX_MULTIBASE_CHARS
) -> PublicKey | None:
    """The key of a document that is only a key, with nothing naming its owner, else None.

    OB 3.0 §8.2.4.1 "dereference the `kid` value to retrieve the public key JWK": what a `kid` URL answers may
    be a bare JWK (RFC 7517 §4, no `id`), a JWK Set (RFC 7517 §5: the key whose `kid` is the URL or its
    fragment; a set of one key when the URL has no fragment), or a bare Multikey (`type` and key, no
    `controller`). Raises `_ResolveError` when it is one of these but unusable.
    """
    if "controller" in doc or doc.get("id") not in (None, method_id, _strip_fragment(method_id)):
        return None
    try:
        if isinstance(doc.get("kty"), str):
            return public_key_from_jwk(doc)
        keys = doc.get("keys")
        if isinstance(keys, list) and "type" not in doc:
            fragment = method_id.partition("#")[2]
            wanted = {method_id} | ({fragment} if fragment else set())
            chosen = [k for k in keys if isinstance(k, dict) and k.get("kid") in wanted]
            if not chosen and not fragment and len(keys) == 1 and isinstance(keys[0], dict):
                chosen = keys
            if len(chosen) != 1:
                raise _ResolveError(Code.PROOF_INVALID, f"the JWK Set at {quote_url(method_id)} has no single key "
                                    f"with kid {quote(method_id)}")
            return public_key_from_jwk(chosen[0])
        if doc.get("type") == "Multikey" and "publicKeyMultibase" in doc:
            return key_from_method(doc, max_multibase_chars)
    except KeyFormatError as exc:
        raise _ResolveError(Code.PROOF_INVALID, f"key document {quote_url(method_id)}: {exc}") from None
    return None


def _origin_of(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None


def _bound_by_origin(
    ctx: RunContext, key: PublicKey, method_id: str, base: str, *, issuer_id: str, stage: str, path: str | None
) -> ResolvedKey:
    """A bare key is the issuer's only when it is published on the issuer's own https origin (scheme, host and
    port); nothing else in it names an owner. Elsewhere it is `issuer_mismatch`."""
    origin = _origin_of(base)
    if origin is None or origin[0] != "https" or origin != _origin_of(issuer_id):
        raise _ResolveError(
            Code.ISSUER_MISMATCH,
            f"the bare key at {quote_url(base)} names no controller and is not on the issuer's origin"
            f" ({quote(issuer_id, 120)})",
        )
    ctx.out.warn(WarningCode.KEY_BARE,
                 f"the key at {quote_url(method_id)} is a bare key, bound to the issuer by its origin",
                 stage=stage, path=path)
    return ResolvedKey(id=method_id, controller=issuer_id, public_key=key, jwk=jwk_of(key))


def _self_certifying(did: str) -> bool:
    """A DID whose document is derived from the key itself (did:key, did:jwk): it names no one else."""
    return did.startswith(("did:key:", "did:jwk:"))


def _can_list_keys(issuer_id: str) -> bool:
    """Whether the issuer id could bind keys at all: a DID, or an https URL with a document that lists them. A
    `urn:uuid` (or any other id) dereferences to nothing, so no key can ever be shown to be the issuer's."""
    return issuer_id.startswith(("did:", "https://", "http://"))


def accepts_unbound_keys(ctx: RunContext) -> bool:
    """Whether the run's `VerificationPolicy` opted in to `unsafe_accept_unbound_keys`."""
    return ctx.policy.unsafe_accept_unbound_keys is True


def accept_unbound(ctx: RunContext, what: str, *, issuer_id: str, stage: str, path: str | None) -> None:
    """Record that a key nothing ties to the issuer was accepted under the opt-in: the warning `key_unbound`
    in the report and a warning on the `obverify` logger (a service should see it in its logs too)."""
    from obverify._core.log import LOGGER  # only on this path: the verify path does not import logging otherwise

    message = (f"{what} is signed by a key that nothing ties to the issuer {quote(issuer_id, 120)}; accepted only "
               "because unsafe_accept_unbound_keys is set (anyone could have made this signature)")
    ctx.out.warn(WarningCode.KEY_UNBOUND, message, stage=stage, path=path)
    LOGGER.warning("%s", message)


def unbound_message(what: str, issuer_id: str) -> str:
    """The `issuer_mismatch` message for a key nothing ties to the issuer, in words a person understands."""
    return (f"{what} is signed by a key that nothing ties to the issuer {quote(issuer_id, 120)}: anyone can make "
            "such a signature, so it does not show the issuer made this credential")


def _unbound(
    ctx: RunContext, method_id: str, controller: str, key: PublicKey, *, issuer_id: str, stage: str, path: str | None
) -> ResolvedKey:
    """A proof by a self-certifying DID when the issuer id cannot list keys: `issuer_mismatch` by default."""
    what = f"the proof by {quote(method_id)}"
    if not accepts_unbound_keys(ctx):
        raise _ResolveError(Code.ISSUER_MISMATCH, unbound_message(what, issuer_id))
    accept_unbound(ctx, what, issuer_id=issuer_id, stage=stage, path=path)
    return ResolvedKey(id=method_id, controller=controller, public_key=key, jwk=jwk_of(key))


def resolve_method(
    ctx: RunContext,
    method_id: str,
    *,
    issuer_id: str,
    purpose: str = "assertionMethod",
    stage: str = "proofs",
    path: str | None = None,
) -> ResolvedKey | None:
    """Resolve `method_id` to a key bound to `issuer_id` under `purpose`; record findings, None on failure."""
    if not isinstance(method_id, str):
        ctx.out.error(Code.PROOF_INVALID, "verificationMethod must be a string", stage=stage, path=path)
        return None
    try:
        return _resolve(ctx, method_id, issuer_id=issuer_id, purpose=purpose, stage=stage, path=path)
    except _ResolveError as exc:
        ctx.out.error(exc.code, exc.message, stage=stage, path=path)
        return None


def keys_of_issuer(ctx: RunContext, issuer_id: str, *, stage: str = "proofs") -> list[ResolvedKey]:
    """Every usable key the issuer's own document lists under `assertionMethod` (no findings recorded).

    For the VC-JWT rule that a header `jwk` counts only if it equals one of the issuer's keys. A did:key or
    did:jwk issuer has exactly its own key; a did:web or https issuer's document is fetched.
    """
    if not isinstance(issuer_id, str) or not issuer_id:
        return []
    try:
        doc, base = _controller_document(ctx, issuer_id, stage=stage, path=None)
    except _ResolveError:
        return []
    methods = _methods_in(doc, base)
    keys: list[ResolvedKey] = []
    values = doc.get("assertionMethod")
    for item in values if isinstance(values, list) else [values]:
        ref = _absolute(item.get("id") if isinstance(item, dict) else item, base)
        method = methods.get(ref) if ref is not None else None
        if method is None or method.get("controller") != issuer_id or ref is None:
            continue
        try:
            key = key_from_method(method, ctx.policy.max_multibase_chars)
        except KeyFormatError:
            continue
        keys.append(ResolvedKey(id=ref, controller=issuer_id, public_key=key, jwk=jwk_of(key)))
    return keys


__all__ = [
    "ResolvedKey",
    "accept_unbound",
    "accepts_unbound_keys",
    "did_web_url",
    "keys_of_issuer",
    "resolve_method",
    "unbound_message",
]
