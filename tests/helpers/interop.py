"""The shared interop corpus's manifest (`$OBVERIFY_INTEROP_DIR/manifest.json`), read at collection time."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def manifest_entries(role: str) -> list[dict[str, Any]]:
    """The manifest's entries of `role` ("case" or "support"); none when the corpus is not available."""
    root = os.environ.get("OBVERIFY_INTEROP_DIR")
    if not root or not (Path(root) / "manifest.json").is_file():
        return []
    manifest = json.loads((Path(root) / "manifest.json").read_text())
    return [e for e in manifest["cases"] if e["role"] == role]
