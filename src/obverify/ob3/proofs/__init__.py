"""Embedded Data Integrity proofs of OB 3.0 credentials (OB 3.0 §8.4 "Linked Data Proof Format").

Stub with the final signatures; filled in shortly.
"""

from __future__ import annotations

from typing import Any

from obverify.context import RunContext
from obverify.errors import Code


def check_embedded_proofs(
    ctx: RunContext,
    document: dict[str, Any],
    *,
    issuer_id: str,
    stage: str = "proofs",
    path: str = "/proof",
) -> bool:
    """Verify every proof of `document`; True iff all verify and at least one is bound to `issuer_id`."""
    ctx.out.error(Code.PROOF_INVALID, "Data Integrity proofs are not implemented yet", stage=stage, path=path)
    return False


def canonical_forms(
    document: dict[str, Any], proof: dict[str, Any], ctx: RunContext | None = None
) -> tuple[bytes, bytes]:
    """(canonical proof options, canonical document) exactly as the proof's suite hashes them."""
    raise NotImplementedError


__all__ = ["canonical_forms", "check_embedded_proofs"]
