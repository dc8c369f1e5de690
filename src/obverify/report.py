"""The report a verification returns, and its stable codes: `Report`, `Finding`, `Check`, `RecipientResult`,
`Code` (errors) and `WarningCode` (warnings).

A public facade (the stable import path): it only re-exports. The records live in `obverify._core`, which
every layer of the library imports; no private module imports this facade.
"""

from obverify._core.errors import Code, WarningCode
from obverify._core.report import Check, Finding, RecipientResult, Report

__all__ = ["Check", "Code", "Finding", "RecipientResult", "Report", "WarningCode"]
