"""Open Badges 0.5 / 1.0 / 1.1 / 2.0 verification (OB 2.0 spec, "Verification" and "Data Validation")."""

from __future__ import annotations

from typing import Any

from obverify.context import RunContext
from obverify.errors import Code
from obverify.loaders.base import Document


def verify_ob2(ctx: RunContext, payload: Any, *, fetched: Document | None = None) -> None:
    """Verify an OB 0.5-2.0 badge: `payload` is a parsed JSON object, a compact JWS, or a hosted URL.

    `fetched` is set when `payload` came from fetching `fetched.url` (so it is already the hosted copy).
    Placeholder until the OB 2.0 verifier lands.
    """
    ctx.out.error(Code.INPUT_INVALID, "OB 2.0 verification is not implemented yet", stage="sniff")
