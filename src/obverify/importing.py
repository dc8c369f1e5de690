"""The backpack import: `import_badge`, `reverify_import` and the records they return (`ImportResult`,
`ImportedAssertion`, `ImportedImage`, `ImportedRecipient`, `ImportFinding`, `Reverification`).

A public facade (the stable import path): it only re-exports; no private module imports it.
"""

from obverify._orchestration.importer import (
    ImportedAssertion,
    ImportedImage,
    ImportedRecipient,
    ImportFinding,
    ImportResult,
    Reverification,
    import_badge,
    reverify_import,
)

__all__ = [
    "ImportFinding",
    "ImportResult",
    "ImportedAssertion",
    "ImportedImage",
    "ImportedRecipient",
    "Reverification",
    "import_badge",
    "reverify_import",
]
