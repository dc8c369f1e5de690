"""The autouse guard in tests/conftest.py fails a test that reaches beyond loopback, even if the code swallows it.

Run in a child pytest (the guard loaded as a plugin) so that the inner tests' failures are observed, not suffered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

INNER = textwrap.dedent(
    """
    import socket

    def test_swallowed_connection():
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=0.1)
        except OSError:
            pass

    def test_swallowed_lookup():
        try:
            socket.getaddrinfo("example.com", 443)
        except OSError:
            pass

    def test_loopback_is_fine():
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = socket.create_connection(server.getsockname())
        client.close()
        server.close()
    """
)


def test_guard_fails_swallowed_attempts_and_allows_loopback(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    tests_dir = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests_dir), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--rootdir", str(tmp_path), "-o", "addopts=", "--allow-hosts=127.0.0.1,::1", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )
    out = result.stdout
    assert "3 passed, 2 errors" in out  # the call phase passes; teardown errors, out + result.stderr
    assert "ERROR at teardown of test_swallowed_connection" in out
    assert "ERROR at teardown of test_swallowed_lookup" in out
    assert "the test tried to reach beyond loopback" in out
