"""What a run may do: `VerificationPolicy` (every limit of a verification, which JSON-LD contexts it trusts, the
recipient requirement and the `unsafe_*` opt-ins) and `NetworkPolicy` (which addresses, schemes and ports the
HTTP loader may reach, and how much and how long one fetch may take; `VerificationPolicy.network` holds one).

A public facade (the stable import path): it only re-exports; no private module imports it.
"""

from obverify._core.policy import VerificationPolicy
from obverify._engines.net.policy import NetworkPolicy

__all__ = ["NetworkPolicy", "VerificationPolicy"]
