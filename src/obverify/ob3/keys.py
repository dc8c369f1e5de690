"""Verification-method and key resolution for OB 3.0 proofs (OB 3.0 §8.3 "Dereferencing the Public Key").

Resolves did:key, did:jwk, did:web and HTTPS verification-method/controller documents to public keys, and
enforces the key-to-issuer binding of SECURITY.md §8. Stub: the final signatures, filled in shortly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from obverify.context import RunContext
from obverify.errors import Code

PublicKey = Ed25519PublicKey | EllipticCurvePublicKey | RSAPublicKey


@dataclass(frozen=True)
class ResolvedKey:
    """A public key bound to its verification method `id` and the `controller` that owns it."""

    id: str
    controller: str
    public_key: PublicKey
    jwk: dict[str, Any] | None = None


class KeyFormatError(ValueError):
    """A key's encoding is not acceptable (our own message, quoting nothing of the input)."""


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """A public key from a JWK (OKP Ed25519, EC P-256/P-384, RSA); raises `KeyFormatError` if unusable."""
    raise KeyFormatError("not implemented yet")


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
    ctx.out.error(Code.PROOF_INVALID, "key resolution is not implemented yet", stage=stage, path=path)
    return None


def keys_of_issuer(ctx: RunContext, issuer_id: str, *, stage: str = "proofs") -> list[ResolvedKey]:
    """Every key the issuer lists under `assertionMethod` (for the VC-JWT header-`jwk` rule)."""
    return []
