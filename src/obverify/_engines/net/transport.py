"""The requests/urllib3 fence: everything of obverify that touches requests or urllib3 to send one GET.

`HttpLoader` (`obverify._engines.net.http`) decides what may be fetched, resolves and checks the address, follows
redirects and reads the body under its caps; this module only connects to the one checked address and hands the
response back as a `Wire`. It subclasses requests' `HTTPAdapter` and wraps urllib3's private pool connection
factory (the hooks tests/unit/test_fences.py names, pinned in pyproject.toml), so an upgrade that moves them
breaks here and nowhere else. It is imported on a run's first real fetch (`obverify._core.lazy`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import TYPE_CHECKING, Any

import requests
import requests.adapters
import urllib3.exceptions

if TYPE_CHECKING:
    from obverify._engines.net.http import PinnedRequest, Wire
    from obverify._engines.net.policy import Target


class _PinnedAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter whose connection pool connects to one checked address, keeping the name for TLS."""

    def __init__(self, target: Target, address: str) -> None:
        super().__init__(max_retries=0, pool_connections=1, pool_maxsize=1)
        self._target = target
        self._address = address
        self._conns: list[Any] = []

    def get_connection_with_tls_context(
        self, request: requests.PreparedRequest, verify: bool | str | None, proxies: Any = None, cert: Any = None
    ) -> Any:
        pool: Any = super().get_connection_with_tls_context(request, verify, proxies, cert)
        new_conn = pool._new_conn

        def capture() -> Any:
            conn = new_conn()
            self._conns.append(conn)
            return conn

        pool._new_conn = capture
        return pool

    def abort(self) -> None:
        """Shut down every socket this adapter opened, waking a read blocked on a trickling server."""
        for conn in self._conns:
            sock = getattr(conn, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> Any:
        base_params, base_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host_params: dict[str, Any] = dict(base_params)
        pool_kwargs: dict[str, Any] = dict(base_kwargs)
        if str(host_params.get("host", "")).strip("[]").lower() != self._target.host:
            raise requests.exceptions.InvalidURL("request host differs from the checked target")
        host_params["host"] = self._address
        if self._target.scheme == "https":
            pool_kwargs["server_hostname"] = self._target.host
            pool_kwargs["assert_hostname"] = self._target.host
        return host_params, pool_kwargs


class _RequestsWire:
    def __init__(
        self, adapter: requests.adapters.HTTPAdapter, response: requests.Response, timer: threading.Timer | None = None
    ) -> None:
        self._adapter = adapter
        self._response = response
        self._timer = timer
        self.status = response.status_code

    def header(self, name: str) -> str | None:
        value = self._response.headers.get(name)
        return value if isinstance(value, str) else None

    def read1(self, size: int, timeout_s: float) -> bytes:
        raw = self._response.raw
        sock = getattr(raw.connection, "sock", None)
        if sock is not None:
            sock.settimeout(max(timeout_s, 0.001))
        data = raw.read1(size, decode_content=False)
        return bytes(data or b"")

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        try:
            self._response.close()
        finally:
            self._adapter.close()


class RequestsConnector:
    """The real connector: `requests` with an adapter pinned to the checked address.

    `ca_bundle` replaces the system trust store (tests use a throwaway CA); verification is always on.
    """

    def __init__(self, *, ca_bundle: str | None = None) -> None:
        self.ca_bundle = ca_bundle

    def open(self, request: PinnedRequest) -> Wire:
        adapter = _PinnedAdapter(request.target, request.address)
        prepared = requests.Request("GET", request.target.url, headers=dict(request.headers)).prepare()
        timer = None
        if request.deadline_s is not None:
            timer = threading.Timer(max(request.deadline_s, 0.0), adapter.abort)
            timer.daemon = True
            timer.start()
        try:
            # The adapter, not Session.send: with allow_redirects=False, Session.send still walks
            # resolve_redirects once, which reads a redirect's whole body (decoded, uncapped).
            response = adapter.send(
                prepared,
                stream=True,
                timeout=(request.connect_timeout_s, request.read_timeout_s),
                verify=self.ca_bundle if self.ca_bundle is not None else True,
                proxies={},
            )
        except BaseException:
            if timer is not None:
                timer.cancel()
            adapter.close()
            raise
        return _RequestsWire(adapter, response, timer)


def describe(exc: BaseException) -> str:
    """Our own words for a transport failure (never the exception text, which may carry server data)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake or certificate verification failed"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout | urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return "read timed out"
    if isinstance(exc, urllib3.exceptions.ProtocolError | requests.exceptions.ChunkedEncodingError):
        return "the response was cut short or malformed"
    if isinstance(exc, requests.exceptions.ConnectionError | ConnectionError):
        return "connection failed"
    return f"request failed ({type(exc).__name__})"


__all__ = ["RequestsConnector", "describe"]
