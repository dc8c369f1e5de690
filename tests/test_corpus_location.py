"""The shared corpus is found as the team keeps it (../shared), and a CI run without it fails instead of
skipping the ~200 tests that read it (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import interop


def test_default_is_shared_beside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OBVERIFY_INTEROP_DIR", raising=False)
    monkeypatch.delenv("OBVERIFY_SPEC_DIR", raising=False)
    monkeypatch.setattr(interop, "SHARED", tmp_path)
    assert interop.corpus_dir("OBVERIFY_INTEROP_DIR") is None
    (tmp_path / "interop").mkdir()
    assert interop.corpus_dir("OBVERIFY_INTEROP_DIR") == tmp_path / "interop"
    assert interop.missing_corpora() == [f"OBVERIFY_SPEC_DIR ({tmp_path / 'spec'})"]


def test_the_variable_wins_over_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interop, "SHARED", tmp_path)
    (tmp_path / "spec").mkdir()
    monkeypatch.setenv("OBVERIFY_SPEC_DIR", str(tmp_path / "elsewhere"))
    assert interop.corpus_dir("OBVERIFY_SPEC_DIR") is None
    (tmp_path / "elsewhere").mkdir()
    assert interop.corpus_dir("OBVERIFY_SPEC_DIR") == tmp_path / "elsewhere"


def _collect(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    env["OBVERIFY_SPEC_DIR"] = str(tmp_path / "no-such-spec")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--no-cov", "-p", "no:randomly", "tests/unit/test_contexts.py"],
        cwd=interop.PROJECT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.slow  # a pytest process of its own: ~3-6 s here
def test_a_missing_corpus_fails_a_ci_run(tmp_path: Path) -> None:
    done = _collect(tmp_path, "true")
    assert done.returncode != 0
    assert "CI=true but the shared corpus is missing: OBVERIFY_SPEC_DIR" in done.stderr + done.stdout


@pytest.mark.slow
def test_a_missing_corpus_skips_outside_ci(tmp_path: Path) -> None:
    done = _collect(tmp_path, None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" in done.stdout
