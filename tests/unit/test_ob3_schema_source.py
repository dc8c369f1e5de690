"""The committed `schemas/ob3/*.json` are exactly what `scripts/make_ob3_schemas.py` writes from the data model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_schemas_are_regenerated_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ob3_schemas.py"), str(tmp_path)], check=True)
    committed = sorted(p.name for p in (ROOT / "schemas" / "ob3").glob("*.json"))
    assert sorted(p.name for p in tmp_path.glob("*.json")) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (ROOT / "schemas" / "ob3" / name).read_bytes(), name
