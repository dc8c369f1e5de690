"""What a run may do: `NetworkPolicy` (which addresses, schemes and ports the HTTP loader may reach).

A public facade (issue 11): it only re-exports; no private module imports it.
"""

from obverify._engines.net.policy import NetworkPolicy

__all__ = ["NetworkPolicy"]
