"""Hosted OB 2.0 over real HTTP on 127.0.0.1 (SECURITY.md §11 "Test"): `verify(url)` through the HTTP loader
with a policy naming exactly the loopback server's address and port; 410 Gone is revoked; without that
`unsafe_*` entry the URL is blocked and the server sees no connection at all."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from obverify import URL, verify
from obverify._core.timeparse import parse_datetime
from obverify._engines.net.policy import NetworkPolicy

AT = parse_datetime("2024-06-01T00:00:00Z")


class _Server:
    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.connections = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, body = owner.routes.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                owner.connections += 1
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def add(self, path: str, doc: Any, status: int = 200) -> None:
        self.routes[path] = (status, json.dumps(doc).encode())

    def policy(self) -> NetworkPolicy:
        return NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", self.port)}))


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    base = srv.base
    srv.add("/issuer", {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": f"{base}/issuer",
                        "name": "Loopback Guild", "url": base, "email": "badges@issuer.example"})
    srv.add("/badge", {"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": f"{base}/badge",
                       "name": "Loop", "description": "d", "image": f"{base}/badge.png",
                       "criteria": {"narrative": "n"}, "issuer": f"{base}/issuer"})
    for path in ("/assertion", "/gone"):
        srv.add(path, {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": f"{base}{path}",
                       "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
                       "badge": f"{base}/badge", "issuedOn": "2024-01-01T00:00:00Z",
                       "verification": {"type": "HostedBadge"}},
                status=410 if path == "/gone" else 200)
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def test_hosted_url_verifies_over_loopback(server: _Server) -> None:
    report = verify(URL(f"{server.base}/assertion"), recipients=["alice@example.org"], at=AT, policy=server.policy())
    assert report.valid, report.to_json()
    assert report.recipient.matched == "alice@example.org"
    assert report.documents[:3] == [f"{server.base}/assertion", f"{server.base}/badge", f"{server.base}/issuer"]


def test_410_gone_over_loopback_is_revoked(server: _Server) -> None:
    report = verify(URL(f"{server.base}/gone"), at=AT, policy=server.policy())
    assert report.revoked is True
    assert report.codes() == ["revoked"]


def test_presented_json_is_refetched_over_loopback(server: _Server) -> None:
    presented = json.loads(server.routes["/gone"][1])
    report = verify(presented, at=AT, policy=server.policy())
    assert report.revoked is True


def test_without_the_unsafe_entry_loopback_is_blocked(server: _Server) -> None:
    report = verify(URL(f"{server.base}/assertion"), at=AT)
    assert "url_blocked" in report.codes()
    assert server.connections == 0
