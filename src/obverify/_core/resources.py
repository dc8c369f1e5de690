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
    package = Path(__file__).absolute().parent.parent  # obverify/ (this is obverify/_core/resources.py)
    packaged = package / "_data" / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "schemas"  # the repository's schemas/, beside src/


def data_root() -> str:
    """`data_dir()` as a string."""
    return str(data_dir())


def read_data(relative: str) -> bytes | None:
    """The bytes of a bundled file (`relative` uses `/`), or None when there is no such file.

    Only a plain relative path inside the bundle is read: `..`, `.`, empty and backslash-holding segments
    give None, whoever built `relative`.
    """
    parts = relative.split("/")
    if any(part in ("", ".", "..") or "\\" in part for part in parts):
        return None
    try:
        return data_dir().joinpath(*parts).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
