"""Where the bundled data lives: the project's `schemas/` (JSON Schemas and pinned contexts).

A wheel carries it as `obverify/_data/schemas`; an editable install reads the repository's top-level
`schemas/` directly, so there is exactly one copy in the repository.
"""

# ruff: noqa: PTH100, PTH112, PTH118, PTH120, PTH123 - os.path on purpose: the verify path never imports pathlib

from __future__ import annotations

import os.path
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@cache
def data_root() -> str:
    """The bundled `schemas/` directory as a string path: what the verify path reads through (it never
    imports `pathlib`, ~3 ms of start-up)."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # obverify/ (this is obverify/_core/)
    packaged = os.path.join(here, "_data", "schemas")
    if os.path.isdir(packaged):
        return packaged
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))  # the repository's src/
    return os.path.join(os.path.dirname(src), "schemas")


def data_dir() -> Path:
    """The bundled `schemas/` directory (holding `ob2/`, `ob3/`, `contexts/`)."""
    from pathlib import Path

    return Path(data_root())


def read_data(relative: str) -> bytes | None:
    """The bytes of a bundled file (`relative` uses `/`), or None when there is no such file.

    Only a plain relative path inside the bundle is read: `..`, `.`, empty and backslash-holding segments
    give None, whoever built `relative`.
    """
    parts = relative.split("/")
    if any(part in ("", ".", "..") or "\\" in part for part in parts):
        return None
    try:
        with open(os.path.join(data_root(), *parts), "rb") as fh:
            return fh.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
