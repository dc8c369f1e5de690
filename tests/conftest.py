"""Shared test set-up: Hypothesis profiles, and access to ../shared through environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def _env_dir(name: str) -> Path | None:
    value = os.environ.get(name)
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def interop_dir() -> Path:
    """`OBVERIFY_INTEROP_DIR` (../shared/interop); tests that need it skip without it."""
    path = _env_dir("OBVERIFY_INTEROP_DIR")
    if path is None:
        pytest.skip("OBVERIFY_INTEROP_DIR is not set")
    return path


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """`OBVERIFY_SPEC_DIR` (../shared/spec); tests that need it skip without it."""
    path = _env_dir("OBVERIFY_SPEC_DIR")
    if path is None:
        pytest.skip("OBVERIFY_SPEC_DIR is not set")
    return path
