"""The command-line contract of the service: `obverify users add`, `obverify tokens create` and
`obverify serve` as separate processes (what the README tells a person to run), and that the library and
the core commands work without the `service` extra installed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from helpers.service_kit import FIXTURES, Issuer, free_socket, hosted_badge
from obverify import unbake

# left out of the fast local tier (CI runs it): real `obverify serve` and uvicorn processes
pytestmark = pytest.mark.slow

OBVERIFY = [sys.executable, "-m", "obverify"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*OBVERIFY, *args], capture_output=True, text=True, timeout=120, env=env, check=False)


def test_users_and_tokens_commands(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    r = run("users", "add", "ann@example.org", "--identity", "url:https://ann.example", "--unverified",
            "email:ann@old.example", "--data", data)
    assert r.returncode == 0, r.stderr
    assert "email:ann@example.org verified" in r.stdout
    assert "email:ann@old.example unverified" in r.stdout
    assert r.stdout.count("url:https://ann.example") == 1
    r = run("tokens", "create", "ann@example.org", "--scope", "r:backpack", "--data", data)
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    assert " " not in token
    db = (tmp_path / "data" / "obverify.sqlite3").read_bytes()
    assert token.encode() not in db  # stored hashed only
    assert run("tokens", "create", "nobody@example.org", "--scope", "rw:backpack", "--data", data).returncode == 2
    assert run("tokens", "create", "ann@example.org", "--scope", "admin", "--data", data).returncode == 2
    assert run("users", "add", "ann@example.org", "--identity", "fax:123", "--data", data).returncode == 2


def test_serve_command_imports_by_url_assertion_and_image(tmp_path: Path, documents: Path, issuer: Issuer) -> None:
    data = str(tmp_path / "data")
    assert run("users", "add", "alice@example.org", "--data", data).returncode == 0
    token = run("tokens", "create", "alice@example.org", "--scope", "rw:backpack", "--data", data).stdout.split()[-1]
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "OBVERIFY_UNSAFE_ALLOW_ADDRESSES": f"127.0.0.1:{issuer.port}"}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([*OBVERIFY, "serve", "--port", str(port), "--data", data, "--documents", str(documents)],
                            env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "obverify serve did not become ready"
            time.sleep(0.1)
        png = (FIXTURES / "ob2-baked-png-text" / "input.png").read_bytes()
        svg_payload = unbake((FIXTURES / "ob2-baked-svg-cdata" / "input.svg").read_bytes()).payload
        assert svg_payload is not None
        hosted = hosted_badge(issuer, "serve-cmd", "alice@example.org")
        headers = {"Authorization": f"Bearer {token}"}
        bodies = [{"url": hosted}, {"assertion": json.loads(svg_payload)},
                  {"image": "data:image/png;base64," + base64.b64encode(png).decode()}]
        ids = []
        with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
            for body in bodies:
                r = c.post("/v2/backpack/import", json=body)
                assert r.status_code == 201, r.text
                assert r.json()["status"] == {"success": True, "description": "ok"}
                ids.append(r.json()["result"][0]["entityId"])
            listed = c.get("/v2/backpack/assertions").json()["result"]
        assert [a["entityId"] for a in listed] == ids
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("blocked", ["fastapi", "sqlalchemy"])
def test_library_and_core_cli_work_without_the_service_extra(tmp_path: Path, blocked: str) -> None:
    """A meta-path hook makes the service's dependencies unimportable, as when the extra is not installed."""
    case = FIXTURES / "ob2-baked-png-itxt"
    code = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ({blocked!r}, 'uvicorn', 'alembic', 'starlette'):
            raise ImportError('blocked: ' + name, name=name)
sys.meta_path.insert(0, Block())
import obverify
from obverify.cli import main
status = main(['verify', {str(case / 'input.png')!r}, '--documents', {str(case / 'documents')!r}, '--offline',
               '--json'])
assert status == 0, status
sys.exit(main(['serve', '--data', {str(tmp_path)!r}]))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 2, r.stderr  # serve: a usage error naming the extra, verify: worked
    assert '"valid": true' in r.stdout
    assert "pip install 'obverify[service]'" in r.stderr


def test_uvicorn_runs_the_app_from_environment_settings(tmp_path: Path) -> None:
    """`uvicorn obverify.service:app` builds the same service from OBVERIFY_* variables (migrations applied)."""
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "OBVERIFY_DATA": str(tmp_path / "env-data"), "OBVERIFY_OFFLINE": "1",
           "OBVERIFY_MAX_BODY": "4096"}
    log = (tmp_path / "uvicorn.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "obverify.service:app", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "uvicorn.log").read_text()
            assert time.monotonic() < deadline, "uvicorn did not become ready"
            time.sleep(0.1)
        assert (tmp_path / "env-data" / "obverify.sqlite3").exists()
        r = httpx.post(f"{base}/v1/verify", json={"assertion": "x" * 5000}, timeout=10)
        assert r.status_code == 413  # OBVERIFY_MAX_BODY read from the environment
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
