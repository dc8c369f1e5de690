"""Real HTTP servers on 127.0.0.1, port 0, for the network tests (SECURITY.md "How our tests touch the network").

Each server counts the TCP connections it accepted and records every request (path and headers), so a test
can assert both what the loader sent and that a blocked URL caused no connection at all. Routes are
functions writing the response themselves, so hostile servers (trickle, endless, lying length, bombs) are a
few lines each. Bodies are streamed, never built in memory beyond what a test needs.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from obverify import NetworkPolicy

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    """One request a server received."""

    path: str
    headers: dict[str, str]


@dataclass
class LoopbackServer:
    """A threaded `http.server` on 127.0.0.1 with routes by path; `connections` counts accepted sockets."""

    routes: Mapping[str, Route]
    tls: ssl.SSLContext | None = None
    host: str = "127.0.0.1"
    requests: list[Seen] = field(default_factory=list)
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def url(self, path: str = "/", host: str | None = None) -> str:
        scheme = "https" if self.tls is not None else "http"
        host = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{host}:{self.port}{path}"

    def policy(self, **kwargs: Any) -> NetworkPolicy:
        """A policy allowing exactly this server's address and port (and nothing else non-public)."""
        return NetworkPolicy(unsafe_allow_addresses=frozenset({(self.host, self.port)}), **kwargs)

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                owner.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = owner.routes.get(path)
                if route is None:
                    send(self, 404, b"not found")
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            address_family = socket.AF_INET6 if ":" in owner.host else socket.AF_INET

            def verify_request(self, request: Any, client_address: Any) -> bool:
                owner.connections += 1
                return True

        server = Server((self.host, 0), Handler)
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def serve(
    routes: Mapping[str, Route], *, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"
) -> Iterator[LoopbackServer]:
    """Run a loopback server (on `host`: 127.0.0.1 or ::1) for the duration of a `with` block."""
    server = LoopbackServer(routes=routes, tls=tls, host=host)
    server.start()
    try:
        yield server
    finally:
        server.close()


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    length: int | None = None,
) -> None:
    """Write a whole response; `length` overrides Content-Length (a lying server)."""
    h.send_response(status)
    hdrs = {"Content-Type": "application/json"}
    hdrs.update(headers or {})
    for name, value in hdrs.items():
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()


def json_route(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Route:
    """A route answering `body` with `status`."""
    return lambda h: send(h, status, body, headers)


def redirect(location: str, status: int = 302, headers: Mapping[str, str] | None = None) -> Route:
    """A route redirecting to `location`."""
    return lambda h: send(h, status, b"", {"Location": location, **(headers or {})})


def streaming(chunks: Callable[[], Iterator[bytes]], headers: Mapping[str, str] | None = None) -> Route:
    """A route with no Content-Length that writes `chunks()` and closes the connection at the end."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Connection", "close")
        h.end_headers()
        for chunk in chunks():
            h.wfile.write(chunk)
            h.wfile.flush()
        h.close_connection = True

    return route


def chunked(chunks: Callable[[], Iterator[bytes]]) -> Route:
    """A route with `Transfer-Encoding: chunked`, one HTTP chunk per item of `chunks()`."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for chunk in chunks():
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()
        h.wfile.write(b"0\r\n\r\n")

    return route


def trickle(stop: threading.Event, *, count: int, every_s: float) -> Iterator[bytes]:
    """One byte every `every_s` seconds, `count` times (then the body ends normally)."""
    for _ in range(count):
        if stop.wait(every_s):
            return
        yield b" "


def endless(stop: threading.Event, chunk: bytes = b" " * 65536, limit: int = 64 * 1024 * 1024) -> Iterator[bytes]:
    """`chunk` over and over until the client goes away, the server stops, or `limit` bytes were sent."""
    sent = 0
    while not stop.is_set() and sent < limit:
        yield chunk
        sent += len(chunk)


def wait_until(predicate: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    """Poll `predicate` (server threads record asynchronously); never used for timing assertions."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
