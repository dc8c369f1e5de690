"""Embedded Data Integrity proofs of OB 3.0 credentials (OB 3.0 §8.3 "Linked Data Proof Format").

`check_embedded_proofs` verifies every proof of a credential (policy in `dataintegrity`'s docstring);
`canonical_forms` shows exactly what a proof's suite hashes; `verify_ed25519` is the strict Ed25519 check
(small-order keys, S < L) that every Ed25519 signature in the project should go through.
"""

from __future__ import annotations

from obverify._engines.ed25519check import check_public_key, verify_ed25519
from obverify._ob3.proofs.dataintegrity import canonical_forms, check_embedded_proofs
from obverify._ob3.proofs.suites import SUITES, SuiteError

__all__ = [
    "SUITES",
    "SuiteError",
    "canonical_forms",
    "check_embedded_proofs",
    "check_public_key",
    "verify_ed25519",
]
