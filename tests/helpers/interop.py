"""Where the shared reference corpus is, and its interop manifest (`interop/manifest.json`), read at collection time.

The team keeps the corpus beside the project, at `../shared` (interop/ and spec/); `OBVERIFY_INTEROP_DIR` and
`OBVERIFY_SPEC_DIR` point elsewhere when set. Tests read it in place, never copy it (TEAM.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared"
CORPORA = {"OBVERIFY_INTEROP_DIR": "interop", "OBVERIFY_SPEC_DIR": "spec"}


def corpus_dir(variable: str) -> Path | None:
    """The directory `variable` names, else `../shared/<interop|spec>`; None when that is not a directory."""
    value = os.environ.get(variable)
    path = Path(value) if value else SHARED / CORPORA[variable]
    return path if path.is_dir() else None


def missing_corpora() -> list[str]:
    """The corpus variables whose directory is not found, each with where it was looked for."""
    return [f"{v} ({os.environ.get(v) or SHARED / name})" for v, name in CORPORA.items() if corpus_dir(v) is None]


def under_ci() -> bool:
    """Whether this is a CI run (`CI=true`, as CI services and `.ci/run` set it): a missing corpus fails there."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def manifest_entries(role: str) -> list[dict[str, Any]]:
    """The manifest's entries of `role` ("case" or "support"); none when the corpus is not available."""
    root = corpus_dir("OBVERIFY_INTEROP_DIR")
    if root is None or not (root / "manifest.json").is_file():
        return []
    manifest = json.loads((root / "manifest.json").read_text())
    return [e for e in manifest["cases"] if e["role"] == role]
