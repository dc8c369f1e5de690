"""Blocked destinations through a fake resolver and a recording connector: no traffic at all (SECURITY.md §1, §2).

The fake resolver maps `.test` names to any address; the connector records the pinned requests it was
given and answers canned responses, or fails the test if a refused URL ever reaches it. A real loopback
listener then shows that blocked spellings of its own address cause 0 connections.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st
from loopback import json_route, serve

from obverify import Code, HttpLoader, LoadError, NetworkPolicy
from obverify._engines.net.http import PinnedRequest, Wire

UNSPECIFIED = "0.0.0.0"  # noqa: S104 - an address as data; nothing binds to it
PUBLIC = "93.184.216.34"
PUBLIC6 = "2606:2800:220:1:248:1893:25c8:1946"


@dataclass
class FakeWire:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    closed: bool = False

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get(name.lower())

    def read1(self, size: int, timeout_s: float) -> bytes:
        out, self.body = self.body[:size], self.body[size:]
        return out

    def close(self) -> None:
        self.closed = True


@dataclass
class RecordingConnector:
    """Answers from `responses` by URL; records every request; never touches a socket."""

    responses: Mapping[str, FakeWire] = field(default_factory=dict)
    seen: list[PinnedRequest] = field(default_factory=list)

    def open(self, request: PinnedRequest) -> Wire:
        self.seen.append(request)
        return self.responses.get(request.target.url, FakeWire())


class FailingConnector:
    def open(self, request: PinnedRequest) -> Wire:
        pytest.fail(f"the connector was called for a refused URL: {request.target.url} -> {request.address}")


class FakeResolver:
    def __init__(self, table: Mapping[str, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise OSError("no such name")
        return list(self.table[host])


BLOCKED_ADDRESSES = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", UNSPECIFIED, "0.1.2.3", "255.255.255.255",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7",
    "203.0.113.9", "192.88.99.1",
    "::1", "::", "::7f00:1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
    "fd00:ec2::254", "fc00::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1", "ff0e::1",
    "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "2002:7f00:1::", "2001:0:4136:e378::1", "2001:db8::1", "3fff::1",
    "5f00::1", "100::1",
]


@pytest.mark.parametrize("address", BLOCKED_ADDRESSES)
def test_name_resolving_to_a_blocked_address_is_refused(address: str) -> None:
    resolver = FakeResolver({"evil.test": [address]})
    loader = HttpLoader(resolver=resolver, connector=FailingConnector())
    with pytest.raises(LoadError) as info:
        loader.load("https://evil.test/badge.json")
    assert info.value.code == Code.URL_BLOCKED
    assert "evil.test" in info.value.reason
    assert resolver.calls == ["evil.test"]


@pytest.mark.parametrize(
    "addresses",
    [[PUBLIC, "127.0.0.1"], ["10.0.0.1", PUBLIC], [PUBLIC6, "::1"], [PUBLIC, PUBLIC6, "fd00:ec2::254"]],
)
def test_one_private_address_among_public_ones_refuses_the_name(addresses: list[str]) -> None:
    loader = HttpLoader(resolver=FakeResolver({"mixed.test": addresses}), connector=FailingConnector())
    with pytest.raises(LoadError) as info:
        loader.load("https://mixed.test/")
    assert info.value.code == Code.URL_BLOCKED


def test_public_name_connects_to_the_checked_address_with_the_name_kept() -> None:
    connector = RecordingConnector()
    loader = HttpLoader(resolver=FakeResolver({"issuer.test": [PUBLIC, "93.184.216.35"]}), connector=connector)
    loader.load("https://issuer.test/profile", accept="application/ld+json")
    (req,) = connector.seen
    assert req.address == PUBLIC
    assert req.target.host == "issuer.test"
    assert dict(req.headers)["Host"] == "issuer.test"
    assert dict(req.headers)["Accept"] == "application/ld+json"
    assert req.connect_timeout_s <= 5.0
    assert req.read_timeout_s <= 5.0


def test_rebinding_name_is_resolved_once_and_the_connector_sees_only_the_first_answer() -> None:
    answers = iter([[PUBLIC], ["127.0.0.1"], ["127.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    connector = RecordingConnector()
    HttpLoader(resolver=rebinding, connector=connector).load("https://rebind.test/a")
    assert calls == ["rebind.test"]
    assert [r.address for r in connector.seen] == [PUBLIC]


def test_redirect_from_a_public_name_to_a_private_name_is_refused() -> None:
    resolver = FakeResolver({"public.test": [PUBLIC], "internal.test": ["10.1.2.3"]})
    connector = RecordingConnector(
        responses={"https://public.test/a": FakeWire(302, {"Location": "https://internal.test/admin"})}
    )
    with pytest.raises(LoadError) as info:
        HttpLoader(resolver=resolver, connector=connector).load("https://public.test/a")
    assert info.value.code == Code.URL_BLOCKED
    assert "internal.test" in info.value.reason
    assert [r.address for r in connector.seen] == [PUBLIC]


@pytest.mark.parametrize(
    "location",
    ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://2130706433/",
     "http://0x7f.1/", "//localhost/", "http://metadata.google.internal./computeMetadata/v1/"],
)
def test_redirect_to_an_internal_address_is_refused(location: str) -> None:
    connector = RecordingConnector(responses={"http://public.test/a": FakeWire(301, {"Location": location})})
    loader = HttpLoader(resolver=FakeResolver({"public.test": [PUBLIC]}), connector=connector)
    with pytest.raises(LoadError) as info:
        loader.load("http://public.test/a")
    assert info.value.code == Code.URL_BLOCKED
    assert len(connector.seen) == 1


def test_https_to_http_redirect_is_refused() -> None:
    connector = RecordingConnector(
        responses={"https://public.test/a": FakeWire(302, {"Location": "http://public.test/b"})}
    )
    loader = HttpLoader(resolver=FakeResolver({"public.test": [PUBLIC]}), connector=connector)
    with pytest.raises(LoadError) as info:
        loader.load("https://public.test/a")
    assert info.value.code == Code.URL_BLOCKED
    assert "https" in info.value.reason
    assert len(connector.seen) == 1


def test_http_to_https_redirect_is_followed() -> None:
    connector = RecordingConnector(
        responses={"http://public.test/a": FakeWire(302, {"Location": "https://public.test/b"})}
    )
    doc = HttpLoader(resolver=FakeResolver({"public.test": [PUBLIC]}), connector=connector).load("http://public.test/a")
    assert doc.final_url == "https://public.test/b"
    assert [r.target.url for r in connector.seen] == ["http://public.test/a", "https://public.test/b"]


@pytest.mark.parametrize("table", [{}, {"nothing.test": []}])
def test_unresolvable_name_is_fetch_failed(table: dict[str, list[str]]) -> None:
    loader = HttpLoader(resolver=FakeResolver(table), connector=FailingConnector())
    with pytest.raises(LoadError) as info:
        loader.load("https://nothing.test/")
    assert info.value.code == Code.FETCH_FAILED


def test_malformed_resolver_answer_is_blocked() -> None:
    loader = HttpLoader(resolver=FakeResolver({"odd.test": ["not-an-ip"]}), connector=FailingConnector())
    with pytest.raises(LoadError) as info:
        loader.load("https://odd.test/")
    assert info.value.code == Code.URL_BLOCKED


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_hanging_resolver_is_cut_off_by_the_deadline(release: threading.Event) -> None:
    def hanging(host: str, port: int) -> list[str]:
        release.wait(10)
        return [PUBLIC]

    loader = HttpLoader(NetworkPolicy(deadline_s=0.2), resolver=hanging, connector=FailingConnector())
    with pytest.raises(LoadError) as info:
        loader.load("https://slow.test/")
    assert info.value.code == Code.FETCH_FAILED
    assert "timed out" in info.value.reason


def test_transport_exception_becomes_fetch_failed_without_its_text() -> None:
    class Exploding:
        def open(self, request: PinnedRequest) -> Wire:
            raise ConnectionResetError("SECRET server banner")

    loader = HttpLoader(resolver=FakeResolver({"public.test": [PUBLIC]}), connector=Exploding())
    with pytest.raises(LoadError) as info:
        loader.load("https://public.test/")
    assert info.value.code == Code.FETCH_FAILED
    assert "SECRET" not in str(info.value)


@pytest.mark.parametrize(
    ("policy", "address", "allowed"),
    [
        (NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", 8080)})), "127.0.0.1", True),
        (NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", 8081)})), "127.0.0.1", False),
        (NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.2", 8080)})), "127.0.0.1", False),
        (NetworkPolicy(unsafe_allow_loopback=True), "127.0.0.1", True),
        (NetworkPolicy(unsafe_allow_loopback=True), "::1", True),
        (NetworkPolicy(unsafe_allow_loopback=True), "10.0.0.1", False),
        (NetworkPolicy(unsafe_allow_loopback=True), "169.254.169.254", False),
    ],
)
def test_unsafe_options_are_exact(policy: NetworkPolicy, address: str, allowed: bool) -> None:
    connector = RecordingConnector()
    loader = HttpLoader(policy, resolver=FakeResolver({"dev.test": [address]}), connector=connector)
    if allowed:
        loader.load("http://dev.test:8080/")
        assert [r.address for r in connector.seen] == [address]
    else:
        with pytest.raises(LoadError) as info:
            loader.load("http://dev.test:8080/")
        assert info.value.code == Code.URL_BLOCKED
        assert connector.seen == []


LISTENER_SPELLINGS = [
    "http://127.0.0.1:{port}/", "http://localhost:{port}/", "http://localhost.:{port}/", "http://LOCALHOST:{port}/",
    "http://a.localhost:{port}/", "http://127.1:{port}/", "http://2130706433:{port}/", "http://0x7f000001:{port}/",
    "http://0177.0.0.1:{port}/", "http://0x7f.1:{port}/", "http://127.0.0.1.:{port}/", "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/", "http://[::ffff:7f00:1]:{port}/", "http://[::127.0.0.1]:{port}/",
    "http://0.0.0.0:{port}/", "http://0:{port}/", "http://[::]:{port}/", "http://user@127.0.0.1:{port}/",
    "http://127.0.0.1:{port}@example.com/", "https://127.0.0.1:{port}/",
]


def test_blocked_spellings_of_a_listener_cause_no_connection() -> None:
    with serve({"/": json_route(b"{}")}) as listener:
        for spelling in LISTENER_SPELLINGS:
            url = spelling.format(port=listener.port)
            with pytest.raises(LoadError) as info:
                HttpLoader().load(url)  # the real resolver and connector
            assert info.value.code == Code.URL_BLOCKED, url
        assert listener.connections == 0


@given(st.text(max_size=60), st.sampled_from(["", "http://", "https://", "https://public.test/"]))
def test_any_url_gives_a_document_or_a_load_error(text: str, prefix: str) -> None:
    connector = RecordingConnector()
    loader = HttpLoader(resolver=FakeResolver({"public.test": [PUBLIC]}), connector=connector)
    code: str | None = None
    try:
        loader.load(prefix + text)
    except LoadError as exc:
        code = exc.code
    if code is None:
        assert [r.address for r in connector.seen] == [PUBLIC]
    else:
        assert code in (Code.URL_BLOCKED, Code.FETCH_FAILED)
        if code == Code.URL_BLOCKED:
            assert connector.seen == []  # refused before any connection
