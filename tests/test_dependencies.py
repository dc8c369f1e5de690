"""pyproject.toml declares exactly what src/ imports (issue 11): deptry reads both and must find nothing.

Before this check, `cachetools`, `idna`, `urllib3` and `referencing` (and the service's `starlette` and
`pydantic`) were imported but came in only as other packages' dependencies: an upgrade of those could drop
them. The second test shows the check is live: the same pyproject without `idna` fails, naming it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPTRY = Path(sys.executable).with_name("deptry")


def _deptry(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEPTRY), "--no-ansi", "--config", str(config), "src"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )


def test_imports_and_declared_dependencies_agree() -> None:
    done = _deptry(ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_undeclared_import_is_found(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '    "idna>=' in text
    lines = [line for line in text.splitlines() if not line.startswith('    "idna>=')]
    config = tmp_path / "pyproject.toml"
    config.write_text("\n".join(lines) + "\n", "utf-8")
    done = _deptry(config)
    assert done.returncode == 1
    assert "DEP003 'idna' imported but it is a transitive dependency" in done.stdout + done.stderr
