"""`NetworkPolicy` on its own, with no I/O (SECURITY.md §1): URL spellings, addresses, limits, `unsafe_*` options."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify import Code, LoadError, NetworkPolicy
from obverify._engines.net.policy import Target, is_public, parse_ipv4

UNSPECIFIED = "0.0.0.0"  # noqa: S104 - an address as data; nothing binds to it
POLICY = NetworkPolicy()

# Every spelling here must be refused by check_url alone, before any DNS lookup or connection.
BLOCKED_SPELLINGS = [
    # loopback, dotted and odd IPv4 spellings (inet_aton / WHATWG semantics)
    "http://127.0.0.1/", "http://127.0.0.1./", "http://127.1/", "http://127.0.1/", "http://2130706433/",
    "http://0x7f000001/", "http://0x7F.0x0.0x0.0x1/", "http://0177.0.0.1/", "http://0177.1/", "http://0x7f.1/",
    "http://017700000001/", "http://127.000.000.001/", "http://0/", "http://0.0.0.0/", "http://0x0/",
    # private, link-local, metadata, CGNAT, broadcast
    "http://10.0.0.1/", "http://012.0.0.1/", "http://167772161/", "http://172.16.0.1/", "http://192.168.0.1/",
    "http://169.254.169.254/latest/meta-data/", "http://2852039166/", "http://0xa9.0xfe.0xa9.0xfe/",
    "http://100.64.0.1/", "http://255.255.255.255/", "http://224.0.0.1/",
    # IPv6: loopback, unspecified, mapped, compatible, NAT64, 6to4, ULA (AWS metadata), link-local, multicast
    "http://[::1]/", "http://[::]/", "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/", "http://[::ffff:a9fe:a9fe]/", "http://[::127.0.0.1]/", "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b:1::a9fe:a9fe]/", "http://[2002:7f00:1::]/", "http://[fd00:ec2::254]/", "http://[fe80::1]/",
    "http://[fe80::1%25eth0]/", "http://[ff02::1]/",
    # names
    "http://localhost/", "http://localhost./", "http://LocalHost/", "http://foo.localhost/", "http://a.b.localhost./",
    "http://metadata.google.internal/", "http://metadata.google.internal./computeMetadata/v1/",
    # IDNA spellings that map onto the above
    "http://ｌｏｃａｌｈｏｓｔ/", "http://①②⑦.0.0.1/", "http://127。0。0。1/", "http://xn--localhost-/",
    # schemes
    "file:///etc/passwd", "ftp://example.com/", "gopher://example.com:70/_", "data:application/json,{}",
    "javascript:alert(1)", "ws://example.com/", "//example.com/", "example.com/badge",
    # userinfo, whitespace, controls, backslashes, malformed hosts
    "http://user@example.com/", "http://user:pw@example.com/", "http://a.example@127.0.0.1/",
    "http://example.com@169.254.169.254/", " http://example.com/", "http://example.com/\n", "http://exa mple.com/",
    "http://example.com\\@127.0.0.1/", "http://example.com/\x00", "http://\tlocalhost/", "http:///path",
    "http://1.2.3.4.5/", "http://256.0.0.1/", "http://0x100.0.0.1/", "http://09.0.0.1/", "http://example.0x7f/",
    "http://%31%32%37.0.0.1/", "http://local%68ost/", "http://-bad-.example/", "http://example..com/", "http://[::1/", "http://example.com:0/",
    "http://example.com:99999/", "",
]


@pytest.mark.parametrize("url", BLOCKED_SPELLINGS)
def test_blocked_spelling(url: str) -> None:
    def check() -> None:
        target = POLICY.check_url(url)
        # an IP literal passes check_url; then its address must be refused
        assert target.ip is not None, url
        POLICY.check_address(url, target.ip, target.port)

    with pytest.raises(LoadError) as info:
        check()
    assert info.value.code == Code.URL_BLOCKED
    assert info.value.reason


def test_the_blocked_table_is_large_enough() -> None:
    assert len(BLOCKED_SPELLINGS) >= 30


@pytest.mark.parametrize(
    ("url", "canonical", "host", "port", "ip"),
    [
        ("https://example.com/badge.json", "https://example.com/badge.json", "example.com", 443, None),
        ("HTTPS://Example.COM:443/a?b=c", "https://example.com/a?b=c", "example.com", 443, None),
        ("http://example.com:8080", "http://example.com:8080/", "example.com", 8080, None),
        ("https://example.com./x", "https://example.com/x", "example.com", 443, None),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x", "xn--bcher-kva.example", 443, None),
        ("https://93.184.216.34/x", "https://93.184.216.34/x", "93.184.216.34", 443, "93.184.216.34"),
        ("http://1572395042/", "http://93.184.216.34/", "93.184.216.34", 80, "93.184.216.34"),
        ("http://0x5d.0xb8.0xd8.0x22/", "http://93.184.216.34/", "93.184.216.34", 80, "93.184.216.34"),
        ("https://[2606:4700::1111]/", "https://[2606:4700::1111]/", "2606:4700::1111", 443, "2606:4700::1111"),
        ("https://under_score.example/", "https://under_score.example/", "under_score.example", 443, None),
        ("http://exa%6dple.com/", "http://example.com/", "example.com", 80, None),
        ("https://example.com/a#frag", "https://example.com/a", "example.com", 443, None),
    ],
)
def test_allowed_urls_are_canonical(url: str, canonical: str, host: str, port: int, ip: str | None) -> None:
    target = POLICY.check_url(url)
    assert (target.url, target.host, target.port) == (canonical, host, port)
    assert target.ip == (ipaddress.ip_address(ip) if ip else None)
    if target.ip is not None:
        POLICY.check_address(url, target.ip, target.port)  # public: no exception
    assert POLICY.check_url(target.url) == target  # canonical form is stable


def test_host_header() -> None:
    assert POLICY.check_url("https://example.com/").host_header == "example.com"
    assert POLICY.check_url("https://example.com:8443/").host_header == "example.com:8443"
    assert POLICY.check_url("http://[2606:4700::1111]:81/").host_header == "[2606:4700::1111]:81"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("0", UNSPECIFIED), ("0x", UNSPECIFIED), ("1.2.3.4.", "1.2.3.4"),
        ("0xffffffff", "255.255.255.255"), ("1.2.3.4.5", None), ("1.2.3.256", None), ("4294967296", None),
        ("08", None), ("1..2", None), ("example.com", None), ("0xg", None), ("256.1", None),
    ],
)
def test_parse_ipv4_follows_inet_aton(text: str, address: str | None) -> None:
    parsed = parse_ipv4(text)
    assert (str(parsed) if parsed else None) == address


def test_https_only_policy() -> None:
    strict = NetworkPolicy(schemes=frozenset({"https"}))
    with pytest.raises(LoadError):
        strict.check_url("http://example.com/")
    assert strict.check_url("https://example.com/").scheme == "https"


@pytest.mark.parametrize(
    "kwargs",
    [{"schemes": frozenset({"file"})}, {"unsafe_allow_addresses": frozenset({("localhost", 80)})},
     {"unsafe_allow_addresses": frozenset({("127.0.0.1", 0)})}],
)
def test_policy_refuses_nonsense_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        NetworkPolicy(**kwargs)  # type: ignore[arg-type]


def test_defaults_match_the_limits_table() -> None:
    assert POLICY.max_bytes == 2 * 1024 * 1024
    assert POLICY.deadline_s == 10.0
    assert POLICY.connect_timeout_s == POLICY.read_timeout_s == 5.0
    assert POLICY.max_redirects == 5
    assert not POLICY.unsafe_allow_loopback
    assert not POLICY.unsafe_allow_addresses
    assert not hasattr(POLICY, "allow_remote_contexts")  # moved to VerificationPolicy (issue 11)
    assert POLICY.schemes == frozenset({"http", "https"})


def test_cap_for_response_types() -> None:
    policy = NetworkPolicy(max_bytes=100, max_bytes_by_type=(("image/svg+xml", 10), ("image/", 50)))
    assert policy.cap_for("image/svg+xml; charset=utf-8") == 10
    assert policy.cap_for("IMAGE/PNG") == 50
    assert policy.cap_for("application/json") == 100
    assert policy.cap_for(None) == 100


def test_policy_is_hashable_and_frozen() -> None:
    assert hash(NetworkPolicy()) == hash(NetworkPolicy())
    with pytest.raises(AttributeError):
        POLICY.max_bytes = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("2606:4700::1111", True), ("::ffff:8.8.8.8", True), ("::ffff:10.0.0.1", False),
     ("224.0.0.1", False), ("64:ff9b::808:808", False), ("2002:808:808::", False), ("192.0.0.9", False)],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


SPECIAL = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "::/96", "::ffff:0:0/96", "64:ff9b::/96",
    "64:ff9b:1::/48", "2002::/16", "fc00::/7", "fe80::/10", "ff00::/8",
]


IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@st.composite
def addresses(draw: st.DrawFn) -> IP:
    """Random addresses, with special ranges heavily represented."""
    if draw(st.booleans()):
        addr: IP = draw(st.ip_addresses())
        return addr
    net = ipaddress.ip_network(draw(st.sampled_from(SPECIAL)))
    offset = draw(st.integers(min_value=0, max_value=net.num_addresses - 1))
    return net[offset]


@given(addresses(), st.integers(min_value=1, max_value=65535))
def test_any_allowed_address_is_global_and_unicast(ip: IP, port: int) -> None:
    if POLICY.address_allowed(ip, port):
        plain = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped else ip
        assert plain.is_global
        assert not plain.is_multicast
        assert not plain.is_private
        assert not plain.is_loopback
        assert not plain.is_link_local
        nets = [ipaddress.ip_network(n) for n in SPECIAL]
        assert not any(plain in net for net in nets if net.version == plain.version)


@given(st.text(max_size=80))
def test_check_url_never_raises_anything_but_url_blocked(text: str) -> None:
    for url in (text, "http://" + text, "https://" + text + "/x"):
        outcome: object
        try:
            outcome = POLICY.check_url(url)
        except LoadError as exc:
            outcome = exc.code
        if isinstance(outcome, Target):
            assert outcome.scheme in ("http", "https")
            assert POLICY.check_url(outcome.url) == outcome
        else:
            assert outcome == Code.URL_BLOCKED
