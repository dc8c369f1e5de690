"""The `obverify` logger: a `NullHandler` (a library prints nothing unless its host configures logging), and
every fetch of the HTTP loader logged at debug with its URL quoted (issue 11)."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from loopback import json_route, serve

from obverify import HttpLoader, LoadError
from obverify._core.log import LOGGER


def test_the_logger_has_a_null_handler() -> None:
    assert LOGGER is logging.getLogger("obverify")
    assert any(isinstance(h, logging.NullHandler) for h in LOGGER.handlers)


def test_a_warning_prints_nothing_without_a_host_handler() -> None:
    """Without the NullHandler, logging's last-resort handler would write the warning to stderr."""
    code = "from obverify._core.log import LOGGER; LOGGER.warning('unsafe option in use')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stderr == ""


def test_fetches_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    with serve({"/doc": json_route(b'{"a": 1}')}) as server:
        loader = HttpLoader(policy=server.policy())
        with caplog.at_level(logging.DEBUG, logger="obverify"):
            loader.load(server.url("/doc"))
            with pytest.raises(LoadError):
                loader.load(server.url("/missing"))
    lines = [r.getMessage() for r in caplog.records if r.name == "obverify" and r.levelno == logging.DEBUG]
    assert any(server.url("/doc") in line and "HTTP 200, 8 bytes" in line for line in lines), lines
    assert any(server.url("/missing") in line and "failed: fetch_failed" in line for line in lines), lines


def test_a_logged_url_is_quoted(caplog: pytest.LogCaptureFixture) -> None:
    """A badge's URL may carry terminal escapes or newlines aimed at a log file; the record never does."""
    loader = HttpLoader()
    with caplog.at_level(logging.DEBUG, logger="obverify"), pytest.raises(LoadError):
        loader.load("https://issuer.example/a\x1b[2J\nFAKE LOG LINE")
    messages = [r.getMessage() for r in caplog.records if r.name == "obverify"]
    assert messages
    assert not any("\x1b" in m or "\n" in m for m in messages), messages
