"""TLS with a pinned address (SECURITY.md §2): the connection goes to the checked address, yet the certificate
is verified against the URL's name (SNI, hostname check), and https never falls back to http.

A throwaway CA (trustme) signs a certificate for `good.test`; a fake resolver maps `.test` names to 127.0.0.1.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from loopback import LoopbackServer, json_route, redirect, serve

from obverify import Code, HttpLoader, LoadError

BODY = b'{"type": "Profile"}'


@dataclass
class TLSSetup:
    ca_path: str
    server: LoopbackServer
    sni: list[str | None]

    def loader(self, *, ca: bool = True) -> HttpLoader:
        return HttpLoader(
            self.server.policy(),
            resolver=lambda host, port: ["127.0.0.1"],
            ca_bundle=self.ca_path if ca else None,
        )


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, *names: str) -> tuple[ssl.SSLContext, list[str | None]]:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(ctx)
    sni: list[str | None] = []

    def remember(sock: ssl.SSLObject, name: str | None, context: ssl.SSLContext) -> None:
        sni.append(name)

    ctx.sni_callback = remember
    return ctx, sni


@pytest.fixture
def tls(ca: trustme.CA, tmp_path: Path) -> Iterator[TLSSetup]:
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    ctx, sni = server_context(ca, "good.test")
    with serve({"/a": json_route(BODY)}, tls=ctx) as srv:
        yield TLSSetup(str(ca_path), srv, sni)


def test_pinned_connection_verifies_the_certificate_against_the_name(tls: TLSSetup) -> None:
    doc = tls.loader().load(tls.server.url("/a", host="good.test"))
    assert doc.content == BODY
    assert tls.sni == ["good.test"]
    assert tls.server.requests[0].headers["host"] == f"good.test:{tls.server.port}"


@pytest.mark.parametrize("host", ["evil.test", "127.0.0.1"])
def test_a_certificate_for_another_name_is_refused(tls: TLSSetup, host: str) -> None:
    with pytest.raises(LoadError) as info:
        tls.loader().load(tls.server.url("/a", host=host))
    assert info.value.code == Code.FETCH_FAILED
    assert "TLS" in info.value.reason
    assert tls.server.requests == []


def test_an_untrusted_ca_is_refused(tls: TLSSetup) -> None:
    with pytest.raises(LoadError) as info:
        tls.loader(ca=False).load(tls.server.url("/a", host="good.test"))
    assert info.value.code == Code.FETCH_FAILED
    assert tls.server.requests == []


def test_https_to_http_redirect_is_refused_before_connecting(ca: trustme.CA, tls: TLSSetup) -> None:
    ctx, _ = server_context(ca, "good.test")
    with serve({"/a": json_route(BODY)}) as plain, \
            serve({"/down": redirect(plain.url("/a", host="good.test"))}, tls=ctx) as secure:
        loader = HttpLoader(
            secure.policy(unsafe_allow_loopback=True),  # even with all of loopback allowed
            resolver=lambda host, port: ["127.0.0.1"],
            ca_bundle=tls.ca_path,
        )
        with pytest.raises(LoadError) as info:
            loader.load(secure.url("/down", host="good.test"))
        assert info.value.code == Code.URL_BLOCKED
        assert "https" in info.value.reason
        assert [r.path for r in secure.requests] == ["/down"]
        assert plain.connections == 0
