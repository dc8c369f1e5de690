"""`NetworkPolicy`: which URLs and addresses obverify may fetch, and with which limits (SECURITY.md §1, §2).

Pure data and pure functions: no I/O, no clock, no DNS. The HTTP loader asks the policy twice per hop:
`check_url` before resolving (scheme, userinfo, spelling, forbidden names, numeric hosts normalised the way
`inet_aton` reads them), and `check_address` for **every** address the resolver returns. A refusal is a
`LoadError(url_blocked)` whose reason is our own text, never the server's.

Public means (SECURITY.md §1): `is_global` and not multicast, with `::ffff:0:0/96` unwrapped to IPv4, and a
few ranges refused outright because Python 3.11 calls them global (`::/96`, `64:ff9b::/96`,
`64:ff9b:1::/48`, `2002::/16`, 192.0.0.0/24 and friends). Options that weaken the policy are `unsafe_*`.

Numeric IPv4 spellings follow the WHATWG URL Standard, "IPv4 parser" (§3.5): a host whose last label is
numeric is an IPv4 address with 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); anything else
ending in a number is refused rather than guessed at.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import idna

from obverify._core.errors import Code, LoadError
from obverify._core.lazy import deferred

if TYPE_CHECKING:
    import urllib3.exceptions as urllib3_exceptions
    import urllib3.util as urllib3_util
else:
    # the URL is parsed by urllib3 itself, as the transport will read it; urllib3 (~35 ms with what it imports)
    # is imported by the first URL checked for a real fetch, not by a run that fetches nothing
    urllib3_exceptions = deferred("urllib3.exceptions")
    urllib3_util = deferred("urllib3.util")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MiB = 1024 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
FETCHABLE_SCHEMES = frozenset(DEFAULT_PORTS)

# Ranges refused whatever `is_global` says (Python 3.11 calls several of them global; see module docstring).
REFUSED_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "::/96",  # IPv4-compatible (deprecated), also :: and ::1
        "64:ff9b::/96",  # NAT64 well-known prefix: reaches any IPv4 address, private ones included
        "64:ff9b:1::/48",  # NAT64 local-use prefix
        "2002::/16",  # 6to4: embeds an IPv4 address
        "2001::/32",  # Teredo: embeds an IPv4 address
        "5f00::/16",  # IPv6 segment routing SIDs
        "3fff::/20",  # documentation (RFC 9637)
        "2001:db8::/32",  # documentation
        "fec0::/10",  # deprecated site-local
        "100.64.0.0/10",  # CGNAT (RFC 6598)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # 6to4 relay anycast
        "198.18.0.0/15",  # benchmarking
        "0.0.0.0/8",  # "this network", 0.0.0.0 reaches localhost on Linux
        "240.0.0.0/4",  # reserved, and 255.255.255.255
    )
)

FORBIDDEN_NAMES = frozenset({"localhost", "metadata.google.internal", "metadata", "instance-data"})
FORBIDDEN_SUFFIXES = (".localhost",)

_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_NUMERIC_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")


def _parse_ipv4_part(part: str) -> int | None:
    """One part of a WHATWG/inet_aton IPv4 spelling: decimal, octal (leading 0) or hex (0x)."""
    if not _NUMERIC_PART.match(part):
        return None
    if part[:2].lower() == "0x":
        return int(part[2:], 16) if len(part) > 2 else 0
    if len(part) > 1 and part[0] == "0":
        return int(part[1:], 8) if all(c in "01234567" for c in part[1:]) else None
    return int(part)


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read `host` the way `inet_aton` would (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`), else None.

    Returns None also for hosts that are not numeric at all; `ends_in_number` tells the two apart.
    """
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    if not 1 <= len(parts) <= 4:
        return None
    values = [_parse_ipv4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [v for v in values if v is not None]
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        return None
    value = nums[-1]
    for i, n in enumerate(nums[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def ends_in_number(host: str) -> bool:
    """WHATWG "ends in a number checker": such a host is an IPv4 address or an error, never a DNS name."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    return bool(parts) and bool(_NUMERIC_PART.match(parts[-1]))


def unwrap(ip: IPAddress) -> IPAddress:
    """`::ffff:a.b.c.d` (IPv4-mapped) is the IPv4 address a.b.c.d for every routing purpose."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_public(ip: IPAddress) -> bool:
    """Whether `ip` is a public unicast address obverify may connect to under the default policy."""
    ip = unwrap(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        return False
    if any(ip in net for net in REFUSED_NETWORKS if net.version == ip.version):
        return False
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_reserved
        and not ip.is_unspecified
    )


@dataclass(frozen=True)
class Target:
    """A URL the policy accepted: its parts in canonical form, ready for the connector."""

    url: str
    """The canonical URL: scheme, ASCII (IDNA) host, explicit port only if not the default, path and query."""
    scheme: str
    host: str
    """ASCII host name, or an IP address in canonical text (no brackets)."""
    port: int
    request_target: str
    """Path and query, as sent on the request line."""
    ip: IPAddress | None
    """Set when the host is an IP literal (then no DNS lookup happens)."""

    @property
    def host_header(self) -> str:
        """The `Host` header: the name (bracketed for IPv6), with the port when it is not the default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"


def _blocked(url: str, reason: str) -> LoadError:
    return LoadError(Code.URL_BLOCKED, url, reason)


@dataclass(frozen=True)
class NetworkPolicy:
    """What the HTTP loader may fetch, and how much and how long (SECURITY.md §1, §2, limits table).

    What a verification may cost beyond one fetch, which JSON-LD contexts it trusts and the verdict-weakening
    opt-ins live on `obverify.VerificationPolicy` (whose `network` field holds this policy).

    The defaults are the safe ones. Every option that weakens the policy is named `unsafe_*`:
    `unsafe_allow_addresses` names exact `(ip, port)` pairs (a test's loopback server), and
    `unsafe_allow_loopback` admits every loopback address on every port (coarser; for local development).
    """

    schemes: frozenset[str] = FETCHABLE_SCHEMES
    """Allowed URL schemes; a subset of http/https (never file, ftp, gopher or data for fetches)."""
    max_bytes: int = 2 * MiB
    """Byte cap per document, counted after Content-Encoding is decoded."""
    max_bytes_by_type: tuple[tuple[str, int], ...] = ()
    """Per response type caps: (media type or prefix ending in '/', cap), first match wins."""
    deadline_s: float = 10.0
    """Total time for one fetch, redirects and DNS included."""
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 5.0
    max_redirects: int = 5
    unsafe_allow_addresses: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    """Exact (ip, port) pairs allowed although not public, e.g. {("127.0.0.1", 8080)} for a test server."""
    unsafe_allow_loopback: bool = False
    """Allow every loopback address (127.0.0.0/8, ::1) on every port. Never in production."""

    def __post_init__(self) -> None:
        if not self.schemes <= FETCHABLE_SCHEMES:
            raise ValueError(f"only http and https can be fetched, not {sorted(self.schemes - FETCHABLE_SCHEMES)}")
        for ip, port in self.unsafe_allow_addresses:
            ipaddress.ip_address(ip)  # ValueError for a name: the entry must name an address
            if not 0 < port < 65536:
                raise ValueError(f"bad port {port} in unsafe_allow_addresses")

    def cap_for(self, content_type: str | None) -> int:
        """The byte cap for a response of `content_type` (its media type, parameters ignored)."""
        media = (content_type or "").split(";")[0].strip().lower()
        for prefix, cap in self.max_bytes_by_type:
            if media == prefix or (prefix.endswith("/") and media.startswith(prefix)):
                return cap
        return self.max_bytes

    def check_url(self, url: str) -> Target:
        """Accept `url` as a fetch target, or raise `LoadError(url_blocked)` saying why."""
        if not isinstance(url, str) or not url:
            raise _blocked(str(url), "empty URL")
        if _BAD_CHARS.search(url):
            raise _blocked(url, "whitespace, control characters or backslashes in the URL")
        try:
            parts = urllib3_util.parse_url(url)
        except urllib3_exceptions.LocationParseError:
            raise _blocked(url, "the URL cannot be parsed") from None
        scheme = (parts.scheme or "").lower()
        if scheme not in self.schemes:
            raise _blocked(url, f"scheme {scheme or '(none)'!r} is not allowed")
        if parts.auth is not None or "@" in (parts.netloc or ""):
            raise _blocked(url, "credentials (userinfo) in the URL are not allowed")
        host, ip = self._canonical_host(url, parts.host or "")
        port = parts.port if parts.port is not None else DEFAULT_PORTS[scheme]
        if not 0 < port < 65536:
            raise _blocked(url, "port out of range")
        request_target = parts.request_uri or "/"
        if not request_target.startswith("/"):
            request_target = "/" + request_target
        shown_host = f"[{host}]" if ":" in host else host
        shown_port = "" if DEFAULT_PORTS[scheme] == port else f":{port}"
        canonical = f"{scheme}://{shown_host}{shown_port}{request_target}"
        return Target(url=canonical, scheme=scheme, host=host, port=port, request_target=request_target, ip=ip)

    def _canonical_host(self, url: str, raw: str) -> tuple[str, IPAddress | None]:
        """The host in ASCII canonical form, plus its address if it is an IP literal."""
        if not raw:
            raise _blocked(url, "no host in the URL")
        if raw.startswith("["):
            if not raw.endswith("]") or "%" in raw:
                raise _blocked(url, "malformed IPv6 literal (zone ids are not allowed)")
            try:
                v6 = ipaddress.IPv6Address(raw[1:-1])
            except ValueError:
                raise _blocked(url, "malformed IPv6 literal") from None
            return str(v6), v6
        if "%" in raw:
            raise _blocked(url, "percent-encoded host")
        try:
            host = idna.encode(raw, uts46=True).decode("ascii") if not raw.isascii() else raw.lower()
        except (idna.IDNAError, UnicodeError):
            raise _blocked(url, "the host is not a valid internationalised domain name") from None
        host = host.lower()
        if ends_in_number(host):
            v4 = parse_ipv4(host)
            if v4 is None:
                raise _blocked(url, "the host ends in a number but is no valid IPv4 address")
            return str(v4), v4
        name = host[:-1] if host.endswith(".") else host
        if not name or not all(_HOST_LABEL.match(label) for label in name.split(".")):
            raise _blocked(url, "the host is not a valid domain name")
        if name in FORBIDDEN_NAMES or name.endswith(FORBIDDEN_SUFFIXES):
            raise _blocked(url, f"host {name!r} is a local or metadata name")
        return name, None

    def address_allowed(self, ip: IPAddress | str, port: int) -> bool:
        """Whether connecting to `ip`:`port` is allowed (public, or named by an `unsafe_*` option)."""
        addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        if (str(addr), port) in self.unsafe_allow_addresses:
            return True
        if self.unsafe_allow_loopback and unwrap(addr).is_loopback:
            return True
        return is_public(addr)

    def check_address(self, url: str, ip: IPAddress | str, port: int) -> None:
        """Raise `LoadError(url_blocked)` unless `ip`:`port` may be contacted for `url`."""
        if not self.address_allowed(ip, port):
            raise _blocked(url, f"address {ip} is not public")
