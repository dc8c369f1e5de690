"""Open Badges 3.0 verification (OB 3.0 §9 "Verification and Validation"): VCs, proofs, status."""

from __future__ import annotations

from typing import Any

from obverify.context import RunContext
from obverify.errors import Code


def verify_ob3(ctx: RunContext, payload: Any) -> None:
    """Verify an OB 3.0 credential: `payload` is a parsed JSON-LD object or a compact VC-JWT string.

    Placeholder until the OB 3.0 verifier lands.
    """
    ctx.out.error(Code.INPUT_INVALID, "OB 3.0 verification is not implemented yet", stage="sniff")
