"""The layers of the tree (issue 11; README, "Layout"): an import only goes down applications → public facades →
orchestration → per-version stages → engines → core, and no private module imports a public facade.

The contracts live in pyproject.toml (`[tool.importlinter]`); `lint-imports` checks them here and in CI. The
second test proves the check bites: the same contracts over a copy of the package with one upward import
(core → orchestration, the shape of the old `pipeline → ob3 → ob3/status → pipeline` cycle) must fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import obverify

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(obverify.__file__).resolve().parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(cwd / "pyproject.toml")],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_every_import_goes_down_the_layers() -> None:
    done = _lint(ROOT, SRC.parent)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Contracts: 2 kept, 0 broken." in out, out


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "obverify"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.css", "*.js"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    text = copy / "_core" / "text.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nfrom obverify._orchestration import pipeline  # upward\n",
                    encoding="utf-8")
    facade_user = copy / "_engines" / "jose.py"
    facade_user.write_text(facade_user.read_text(encoding="utf-8") + "\nimport obverify.report  # a facade\n",
                           encoding="utf-8")
    done = _lint(tmp_path, tmp_path / "src")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Contracts: 0 kept, 2 broken." in out, out
    assert "obverify._core is not allowed to import obverify._orchestration" in out, out
    assert "obverify._core.text -> obverify._orchestration.pipeline" in out, out
    assert "obverify._engines.jose -> obverify.report" in out, out


PRIVATE = ("obverify._core", "obverify._engines", "obverify._ob2", "obverify._ob3", "obverify._orchestration")


def test_no_private_module_imports_the_public_package() -> None:
    """`from obverify import verify` inside the library would go through the public surface (and its lazy
    table) from below: import-linter's contracts name packages with their descendants, so this one is asked of
    grimp's graph directly, module by module."""
    import grimp

    graph = grimp.build_graph("obverify", cache_dir=None)
    private = [m for m in graph.modules if m.startswith(tuple(p + "." for p in PRIVATE)) or m in PRIVATE]
    assert len(private) > 50
    offenders = sorted(m for m in private if "obverify" in graph.find_modules_directly_imported_by(m))
    assert offenders == []
