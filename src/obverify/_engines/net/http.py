"""The safe HTTP loader (SECURITY.md §1, §2; DESIGN.md §5), built on `requests`.

One fetch, hop by hop (at most `policy.max_redirects` redirects, followed here rather than by requests):

1. `NetworkPolicy.check_url`: scheme, userinfo, spelling, forbidden names, numeric hosts normalised.
2. Resolve the name once with the injectable resolver (`getaddrinfo` by default, under the deadline), and
   check **every** address; one non-public address refuses the URL.
3. Connect to the first checked address and no other: the requests adapter is told the address, so urllib3
   never resolves the name again (a rebinding name cannot switch to 127.0.0.1 between check and connect).
   TLS still verifies the certificate against the name: SNI (`server_hostname`), `assert_hostname`, and
   the `Host` header all carry the name.
4. A redirect (301, 302, 303, 307, 308) goes back to 1 with the `Location` resolved against the hop;
   https → http is refused.
5. The body is streamed with `read1` under the remaining deadline and the byte cap, decoded here (gzip,
   deflate) with the cap applied to the decoded size; `Content-Length` is never trusted for sizing.
6. 2xx and 410 give a `Document` (410: hosted OB 2.0 revocation); any other status is `fetch_failed`.

Requests go straight through a one-use `HTTPAdapter`, never a `Session`: so no cookie jar exists (no cookies
sent or kept), nothing comes from the environment (the effect of `trust_env=False`: no proxies, no netrc),
retries are off, and requests' own redirect machinery never runs (`Session.send(allow_redirects=False)` still
reads a redirect's whole body, decoded and uncapped, while preparing the next hop).
Why not `requests-hardened`: it pins the connection the same way (and this module borrows that idea), but it
checks only the first `getaddrinfo` answer, uses `is_private` (so `::7f00:1`, `224.0.0.1`-style and several
embedded-IPv4 ranges pass on Python 3.11), allows all of loopback or none, follows redirects with requests
(https → http allowed), has no byte cap or total deadline, and cannot take a fake resolver for tests.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin

from obverify._core.errors import Code, LoadError
from obverify._core.lazy import deferred
from obverify._core.loader import Document
from obverify._core.log import LOGGER
from obverify._core.text import quote, quote_url
from obverify._engines.net.cache import DocumentCache
from obverify._engines.net.policy import IPAddress, NetworkPolicy, Target

if TYPE_CHECKING:
    from obverify._engines.net import transport
else:
    # requests and urllib3 (~40 ms of a process) are imported on the first real fetch: a run whose documents
    # all come from a store or the cache never needs them
    transport = deferred("obverify._engines.net.transport")

Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) → IP addresses as text, in preference order. Raises OSError when the name does not resolve."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"
USER_AGENT = "obverify/0.1 (+https://github.com/obverify)"
CHUNK = 64 * 1024


def system_resolver(host: str, port: int) -> list[str]:
    """`getaddrinfo` for TCP, every address in the order the system prefers, without duplicates."""
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        addr = str(sockaddr[0])
        if addr not in seen:
            seen.append(addr)
    return seen


@dataclass(frozen=True)
class PinnedRequest:
    """One GET to send: the checked target, the checked address to connect to, headers and timeouts."""

    target: Target
    address: str
    headers: tuple[tuple[str, str], ...]
    connect_timeout_s: float
    read_timeout_s: float
    deadline_s: float | None = None
    """Time left for the whole exchange: socket timeouts are per read, so a server trickling its status line
    and headers one byte per read timeout would otherwise hold the connection far beyond the deadline."""


class Wire(Protocol):
    """An open response: status and headers known, body not yet read."""

    status: int

    def header(self, name: str) -> str | None:
        """A response header (case-insensitive), or None."""
        ...

    def read1(self, size: int, timeout_s: float) -> bytes:
        """At most `size` body bytes (raw, not decoded), waiting at most `timeout_s`; b"" at the end."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class Connector(Protocol):
    """Opens a `PinnedRequest`. Tests substitute one that records what it was asked to connect to."""

    def open(self, request: PinnedRequest) -> Wire:
        """Connect to `request.address` (never anything else) and send the request."""
        ...


class _Decoder:
    """Content-Encoding decoding under a cap on the decoded size (bombs stop at cap + 1 bytes)."""

    def __init__(self, encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise ValueError("more than one Content-Encoding")
        self.coding = codings[0] if codings else None
        if self.coding in ("gzip", "x-gzip"):
            self._z: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
        elif self.coding is None:
            self._z = None
        else:
            raise ValueError(f"unsupported Content-Encoding {quote(self.coding, 40)}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode `data`, returning at most `room + 1` bytes (more than `room` means over the cap)."""
        if self.coding is None:
            return data
        if self._z is None:  # deflate: RFC 9110 says zlib format, but raw deflate is common
            wrapped = len(data) >= 2 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return bytes(self._z.decompress(data, room + 1))

    def finish(self) -> None:
        """Raise ValueError if the compressed stream was cut short."""
        if self.coding is not None and (self._z is None or not self._z.eof):
            raise ValueError("truncated compressed body")


class HttpLoader:
    """The loader the pipeline uses by default: every fetch under a `NetworkPolicy`.

    `resolver` and `connector` are injectable so tests can map names to any address with no traffic and
    record what would have been contacted. `cache` (optional, may be shared) keeps responses the server
    declared cacheable; its key includes the policy, so a relaxed policy never serves a strict one.
    Safe to call from several threads.
    """

    def __init__(
        self,
        policy: NetworkPolicy | None = None,
        *,
        resolver: Resolver | None = None,
        connector: Connector | None = None,
        cache: DocumentCache | None = None,
        ca_bundle: str | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.policy = policy if policy is not None else NetworkPolicy()
        unsafe = [name for name, on in (("unsafe_allow_addresses", self.policy.unsafe_allow_addresses),
                                        ("unsafe_allow_loopback", self.policy.unsafe_allow_loopback)) if on]
        if unsafe:  # a relaxed fetch is never silent (the default loader is made once per run)
            LOGGER.warning("HTTP loader made with unsafe network options: %s", ", ".join(unsafe))
        self.resolver: Resolver = resolver if resolver is not None else system_resolver
        self._connector = connector
        self.ca_bundle = ca_bundle
        self.cache = cache
        self.user_agent = user_agent

    @property
    def connector(self) -> Connector:
        """The connector given, else (made on the first fetch) requests with an adapter pinned to the checked
        address."""
        if self._connector is None:
            self._connector = transport.RequestsConnector(ca_bundle=self.ca_bundle)
        return self._connector

    def load(self, url: str, *, accept: str | None = None) -> Document:
        """Fetch `url` under the policy; raise `LoadError(url_blocked | fetch_failed)`."""
        accept = accept or DEFAULT_ACCEPT
        key = (self.policy, url, accept)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                LOGGER.debug("fetch %s: from the cache", quote_url(url))
                return hit
        # debug records for a host's logs: the URL quoted (a badge's URL may hold control characters meant for
        # a log file), never a response body
        LOGGER.debug("fetch %s (accept %s)", quote_url(url), accept)
        try:
            doc, ttl = self._fetch(url, accept)
        except LoadError as exc:
            LOGGER.debug("fetch %s failed: %s %s", quote_url(url), exc.code.value, exc.reason)
            raise
        LOGGER.debug("fetch %s: HTTP %d, %d bytes", quote_url(url), doc.status, len(doc.content))
        if self.cache is not None:
            self.cache.put(key, doc, ttl)
        return doc

    def _fetch(self, url: str, accept: str) -> tuple[Document, float]:
        policy = self.policy
        deadline = time.monotonic() + policy.deadline_s
        current = url
        for _hop in range(policy.max_redirects + 1):
            target = self._check_url(url, current)
            address = self._resolve_and_check(url, current, target, deadline)
            wire = self._open(url, target, address, accept, deadline)
            try:
                status = wire.status
                if status in REDIRECT_STATUSES:
                    current = self._next_hop(url, target, wire.header("Location"))
                    continue
                if not (200 <= status < 300 or status == 410):
                    raise LoadError(Code.FETCH_FAILED, url, f"HTTP status {status}", status=status)
                content_type = wire.header("Content-Type")
                body = self._read_body(url, wire, content_type, deadline)
                ttl = 0.0
                # Kept under the URL asked for, so only the answer of that URL itself: a redirect (whose own
                # response gave no lifetime) must be asked again, or a hosted assertion turned 410 stays
                # valid for the target's max-age. `Vary: *` never matches a later request (RFC 9111 §4.1).
                if self.cache is not None and _hop == 0 and "*" not in (wire.header("Vary") or ""):
                    ttl = self.cache.ttl_for(wire.header("Cache-Control"), wire.header("Age"))
                doc = Document(url=url, content=body, content_type=content_type, status=status, final_url=target.url)
                return doc, ttl
            finally:
                wire.close()
        raise LoadError(Code.FETCH_FAILED, url, f"more than {policy.max_redirects} redirects")

    def _check_url(self, url: str, current: str) -> Target:
        try:
            return self.policy.check_url(current)
        except LoadError as exc:
            raise _at_hop(exc, url, current) from None

    def _next_hop(self, url: str, target: Target, location: str | None) -> str:
        if not location:
            raise LoadError(Code.FETCH_FAILED, url, "redirect without a Location header")
        try:
            nxt = urljoin(target.url, location.strip(" "))
        except ValueError:
            raise LoadError(Code.URL_BLOCKED, url, "redirect to an unparseable Location") from None
        if target.scheme == "https" and not nxt.lower().startswith("https:"):
            raise LoadError(Code.URL_BLOCKED, url, f"redirect from https to {quote_url(nxt)} is not allowed")
        return nxt

    def _resolve_and_check(self, url: str, current: str, target: Target, deadline: float) -> str:
        """Every address the name has must be allowed; return the first, the only one we connect to."""
        if target.ip is not None:
            addresses: list[IPAddress] = [target.ip]
        else:
            addresses = []
            for text in self._resolve(url, target, deadline):
                try:
                    addresses.append(ipaddress.ip_address(text))
                except ValueError:
                    raise _at_hop(LoadError(Code.URL_BLOCKED, current, "the resolver gave a malformed address"),
                                  url, current) from None
            if not addresses:
                raise LoadError(Code.FETCH_FAILED, url, f"host {quote(target.host, 100)} has no address")
        for ip in addresses:
            try:
                self.policy.check_address(current, ip, target.port)
            except LoadError as exc:
                detail = exc.reason if target.ip is not None else f"{quote(target.host, 100)} resolves to {ip}, " \
                    "which is not public"
                raise _at_hop(LoadError(Code.URL_BLOCKED, current, detail), url, current) from None
        return str(addresses[0])

    def _resolve(self, url: str, target: Target, deadline: float) -> Sequence[str]:
        """Run the resolver under the remaining deadline (getaddrinfo itself has no timeout)."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["ok"] = list(self.resolver(target.host, target.port))
            except Exception as exc:  # noqa: BLE001 - reported below as fetch_failed
                box["err"] = exc

        thread = threading.Thread(target=run, name="obverify-resolve", daemon=True)
        thread.start()
        thread.join(max(deadline - time.monotonic(), 0.0))
        if thread.is_alive():
            raise LoadError(Code.FETCH_FAILED, url, f"resolving {quote(target.host, 100)} timed out")
        if "err" in box:
            raise LoadError(Code.FETCH_FAILED, url, f"host {quote(target.host, 100)} does not resolve")
        result: list[str] = box["ok"]
        return result

    def _open(self, url: str, target: Target, address: str, accept: str, deadline: float) -> Wire:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LoadError(Code.FETCH_FAILED, url, f"deadline of {self.policy.deadline_s:g} s exceeded")
        request = PinnedRequest(
            target=target,
            address=address,
            headers=(
                ("Host", target.host_header),
                ("Accept", accept),
                ("Accept-Encoding", "gzip, deflate"),
                ("User-Agent", self.user_agent),
                ("Connection", "close"),
            ),
            connect_timeout_s=min(self.policy.connect_timeout_s, remaining),
            read_timeout_s=min(self.policy.read_timeout_s, remaining),
            deadline_s=remaining,
        )
        try:
            return self.connector.open(request)
        except LoadError:
            raise
        except Exception as exc:  # noqa: BLE001 - every transport failure is fetch_failed
            raise LoadError(Code.FETCH_FAILED, url, _timeout_or(exc, deadline)) from None

    def _read_body(self, url: str, wire: Wire, content_type: str | None, deadline: float) -> bytes:
        cap = self.policy.cap_for(content_type)
        try:
            decoder = _Decoder(wire.header("Content-Encoding"))
        except ValueError as exc:
            raise LoadError(Code.FETCH_FAILED, url, str(exc)) from None
        parts: list[bytes] = []
        raw_total = 0
        total = 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LoadError(Code.FETCH_FAILED, url, f"deadline of {self.policy.deadline_s:g} s exceeded")
                chunk = wire.read1(CHUNK, min(self.policy.read_timeout_s, remaining))
                if not chunk:
                    break
                raw_total += len(chunk)
                decoded = decoder.feed(chunk, cap - total)
                total += len(decoded)
                if raw_total > cap or total > cap:
                    raise LoadError(Code.FETCH_FAILED, url, f"document larger than {cap} bytes")
                parts.append(decoded)
            decoder.finish()
        except LoadError:
            raise
        except (ValueError, zlib.error):
            raise LoadError(Code.FETCH_FAILED, url, "the compressed body is corrupt or truncated") from None
        except Exception as exc:  # noqa: BLE001 - every transport failure is fetch_failed
            raise LoadError(Code.FETCH_FAILED, url, _timeout_or(exc, deadline)) from None
        return b"".join(parts)


def _timeout_or(exc: BaseException, deadline: float) -> str:
    if time.monotonic() >= deadline - 0.01:
        return "deadline exceeded"
    return transport.describe(exc)


def _at_hop(exc: LoadError, url: str, hop: str) -> LoadError:
    """Report a refusal on a redirect hop against the URL asked for, naming the hop."""
    if hop == url:
        return LoadError(exc.code, url, exc.reason, status=exc.status)
    return LoadError(exc.code, url, f"redirected to {quote_url(hop)}: {exc.reason}", status=exc.status)

