"""Shared test set-up: Hypothesis profiles, the shared corpus (../shared or the variables), the network guard."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from helpers.interop import corpus_dir, missing_corpora, under_ci

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_configure(config: pytest.Config) -> None:
    """Under CI a missing shared corpus fails the run at once: otherwise ~200 conformance tests skip silently."""
    missing = missing_corpora()
    if missing and under_ci():
        raise pytest.UsageError(
            "CI=true but the shared corpus is missing: " + ", ".join(missing)
            + " (put it at ../shared beside the project, or set the variables)"
        )


def _corpus(variable: str) -> Path:
    path = corpus_dir(variable)
    if path is None:
        message = f"{variable} is not set and ../shared is not beside the project"
        if under_ci():
            pytest.fail(message)  # pytest_configure already refuses the run; kept for runs that bypass it
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def interop_dir() -> Path:
    """`OBVERIFY_INTEROP_DIR`, by default ../shared/interop; tests that need it skip without it (fail under CI)."""
    return _corpus("OBVERIFY_INTEROP_DIR")


@pytest.fixture(scope="session")
def spec_dir() -> Path:
    """`OBVERIFY_SPEC_DIR`, by default ../shared/spec; tests that need it skip without it (fail under CI)."""
    return _corpus("OBVERIFY_SPEC_DIR")


def _loopback(host: object) -> bool:
    text = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(text.split("%")[0]).is_loopback
    except ValueError:
        return text == "localhost"


@pytest.fixture(autouse=True)
def _no_traffic_off_the_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that tries to connect to, or look up, anything but loopback (SECURITY.md, tests).

    pytest-socket already refuses such connections, but code under test may catch that error and carry
    on (a loader turns it into `fetch_failed`), so the attempt is also recorded here and fails the test
    at teardown whatever the code did with the exception.
    """
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(address: Any) -> None:
        if isinstance(address, tuple) and address and not _loopback(address[0]):
            attempts.append(f"connect {address!r}")
            raise OSError(f"test guard: connection to non-loopback {address!r} refused")

    def connect(self: socket.socket, address: Any) -> None:
        refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host):
            attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, "test guard: name lookups are not allowed")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert not attempts, f"the test tried to reach beyond loopback: {attempts}"


@pytest.fixture
def listener() -> Iterator[tuple[int, list[int]]]:
    """A loopback TCP listener counting the connections it accepts: a refused fetch must leave it at 0."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    count = [0]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            count[0] += 1
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], count
    stop.set()
    thread.join(2)
    server.close()
