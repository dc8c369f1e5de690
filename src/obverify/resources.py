"""Where the bundled data lives: the project's `schemas/` (JSON Schemas and pinned contexts).

A wheel carries it as `obverify/_data/schemas`; an editable install reads the repository's top-level
`schemas/` directly, so there is exactly one copy in the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The bundled `schemas/` directory (holding `ob2/`, `ob3/`, `contexts/`)."""
    packaged = Path(__file__).parent / "_data" / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "schemas"
