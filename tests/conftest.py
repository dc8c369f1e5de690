"""Shared test set-up: Hypothesis profiles, and access to ../shared through environment variables."""

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
