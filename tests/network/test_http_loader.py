"""The HTTP loader against real loopback servers (SECURITY.md §2): statuses, redirects, caps, deadlines, encodings.

Each server is allowed by an `unsafe_allow_addresses` entry naming its exact address and port, nothing wider.
"""

from __future__ import annotations

import gzip
import socket
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from loopback import chunked, endless, json_route, redirect, send, serve, streaming, trickle, wait_until

from obverify import Code, HttpLoader, LoadError, NetworkPolicy
from obverify._engines.net.http import DEFAULT_ACCEPT

BODY = b'{"type": "Assertion"}'


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def load_error(loader: HttpLoader, url: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        loader.load(url)
    return info.value


def test_ok_document_and_request_headers() -> None:
    with serve({"/a": json_route(BODY, headers={"Content-Type": "application/ld+json"})}) as srv:
        doc = HttpLoader(srv.policy()).load(srv.url("/a"), accept="application/ld+json")
        seen = srv.requests[0].headers
    assert doc.content == BODY
    assert doc.status == 200
    assert doc.content_type == "application/ld+json"
    assert doc.final_url == srv.url("/a")
    assert seen["accept"] == "application/ld+json"
    assert seen["host"] == f"127.0.0.1:{srv.port}"
    assert seen["user-agent"].startswith("obverify/")
    assert "cookie" not in seen
    assert "authorization" not in seen


def test_default_accept_header() -> None:
    with serve({"/a": json_route(BODY)}) as srv:
        HttpLoader(srv.policy()).load(srv.url("/a"))
        assert srv.requests[0].headers["accept"] == DEFAULT_ACCEPT


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500, 502, 503])
def test_error_statuses_are_fetch_failed(status: int) -> None:
    with serve({"/a": json_route(b'{"looks": "valid"}', status=status)}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert err.status == status
    assert f"HTTP status {status}" in err.reason
    assert "looks" not in str(err)  # the body never reaches the message


def test_410_is_returned_for_hosted_revocation() -> None:
    body = b'{"revoked": true}'
    with serve({"/a": json_route(body, status=410)}) as srv:
        doc = HttpLoader(srv.policy()).load(srv.url("/a"))
    assert doc.status == 410
    assert doc.content == body


def test_redirects_are_followed_and_each_hop_requested() -> None:
    routes = {"/1": redirect("/2", 301), "/2": redirect("/3", 307), "/3": redirect("/4", 308), "/4": json_route(BODY)}
    with serve(routes) as srv:
        doc = HttpLoader(srv.policy()).load(srv.url("/1"))
        paths = [r.path for r in srv.requests]
    assert doc.content == BODY
    assert doc.url == srv.url("/1")
    assert doc.final_url == srv.url("/4")
    assert paths == ["/1", "/2", "/3", "/4"]


def test_redirect_limit() -> None:
    routes = {f"/{i}": redirect(f"/{i + 1}") for i in range(10)}
    routes["/10"] = json_route(BODY)
    with serve(routes) as srv:
        assert HttpLoader(srv.policy()).load(srv.url("/5")).content == BODY  # exactly 5 redirects
        err = load_error(HttpLoader(srv.policy()), srv.url("/4"))  # 6 redirects
        assert err.code == Code.FETCH_FAILED
        assert "more than 5 redirects" in err.reason
        err = load_error(HttpLoader(srv.policy(max_redirects=0)), srv.url("/9"))
        assert err.code == Code.FETCH_FAILED


def test_redirect_loop_ends() -> None:
    with serve({"/a": redirect("/b"), "/b": redirect("/a")}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
        assert err.code == Code.FETCH_FAILED
        assert len(srv.requests) == 6


def test_redirect_without_location() -> None:
    with serve({"/a": json_route(b"", status=302)}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "Location" in err.reason


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/x", "data:application/json,{}",
     "http://user:pw@example.com/", "http://localhost/", "http://169.254.169.254/latest/meta-data/"],
)
def test_redirect_to_forbidden_target_is_blocked(location: str) -> None:
    with serve({"/a": redirect(location)}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.URL_BLOCKED
    assert "redirected to" in err.reason


def test_redirect_to_another_loopback_server_is_blocked_with_no_connection() -> None:
    with serve({"/": json_route(BODY)}) as other, serve({"/a": redirect(other.url("/"))}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
        assert err.code == Code.URL_BLOCKED
        assert other.connections == 0
        assert srv.connections == 1


def test_cookies_set_by_a_server_are_never_sent() -> None:
    routes = {"/a": redirect("/b", headers={"Set-Cookie": "session=secret; Path=/"}), "/b": json_route(BODY)}
    with serve(routes) as srv:
        HttpLoader(srv.policy()).load(srv.url("/a"))
        HttpLoader(srv.policy()).load(srv.url("/b"))
        assert all("cookie" not in r.headers for r in srv.requests)
        assert len(srv.requests) == 3


def test_byte_cap_exact_and_over() -> None:
    cap = 1000
    routes = {"/ok": json_route(b"x" * cap), "/big": json_route(b"x" * (cap + 1))}
    with serve(routes) as srv:
        loader = HttpLoader(srv.policy(max_bytes=cap))
        assert len(loader.load(srv.url("/ok")).content) == cap
        err = load_error(loader, srv.url("/big"))
    assert err.code == Code.FETCH_FAILED
    assert "larger than 1000 bytes" in err.reason


def test_endless_body_is_cut_at_the_cap(stop: threading.Event) -> None:
    with serve({"/a": streaming(lambda: endless(stop))}) as srv:
        err = load_error(HttpLoader(srv.policy(max_bytes=256 * 1024)), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "larger than" in err.reason


def test_cap_per_response_type() -> None:
    routes = {"/img": json_route(b"p" * 100, headers={"Content-Type": "image/png"}), "/json": json_route(b"j" * 100)}
    with serve(routes) as srv:
        loader = HttpLoader(srv.policy(max_bytes_by_type=(("image/", 50),)))
        assert loader.load(srv.url("/json")).content == b"j" * 100
        assert load_error(loader, srv.url("/img")).code == Code.FETCH_FAILED


def test_trickling_server_is_cut_off_at_the_deadline(stop: threading.Event) -> None:
    # 80 bytes at 0.05 s each would complete after 4 s; the 0.5 s deadline must end the fetch first.
    with serve({"/a": streaming(lambda: trickle(stop, count=80, every_s=0.05))}) as srv:
        err = load_error(HttpLoader(srv.policy(deadline_s=0.5, read_timeout_s=5.0)), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "deadline" in err.reason


def test_trickle_completes_without_a_short_deadline(stop: threading.Event) -> None:
    # the control for the test above: the same server, a generous deadline, a complete document
    with serve({"/a": streaming(lambda: trickle(stop, count=5, every_s=0.02))}) as srv:
        assert HttpLoader(srv.policy()).load(srv.url("/a")).content == b"     "


def test_silent_server_times_out(stop: threading.Event) -> None:
    def silent(h: BaseHTTPRequestHandler) -> None:
        stop.wait(10)

    with serve({"/a": silent}) as srv:
        err = load_error(HttpLoader(srv.policy(read_timeout_s=0.2)), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "timed out" in err.reason or "deadline" in err.reason


def test_trickled_headers_are_cut_off_at_the_deadline(stop: threading.Event) -> None:
    # Socket timeouts are per read: a server sending one header line every 0.1 s never trips a 5 s read
    # timeout, so without a deadline on the whole exchange the loader waited for all 40 lines (4 s, and
    # unbounded for a patient server) before the 0.5 s deadline was even looked at.
    outcome: dict[str, bool] = {}

    def slow_headers(h: BaseHTTPRequestHandler) -> None:
        try:
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            h.wfile.flush()
            for i in range(40):
                if stop.wait(0.1):
                    return
                h.wfile.write(b"X-Pad-%d: a\r\n" % i)
                h.wfile.flush()
            h.wfile.write(b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")
            h.wfile.flush()
            outcome["all_sent"] = True
        except OSError:
            outcome["all_sent"] = False
        h.close_connection = True

    with serve({"/a": slow_headers}) as srv:
        err = load_error(HttpLoader(srv.policy(deadline_s=0.5, read_timeout_s=5.0)), srv.url("/a"))
        assert wait_until(lambda: "all_sent" in outcome, timeout_s=10.0)
    assert err.code == Code.FETCH_FAILED
    assert "deadline" in err.reason
    assert outcome["all_sent"] is False  # the loader hung up while the headers were still trickling


def test_gzip_and_deflate_are_decoded() -> None:
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = raw_deflate.compress(BODY) + raw_deflate.flush()
    routes = {
        "/gz": json_route(gzip.compress(BODY), headers={"Content-Encoding": "gzip"}),
        "/zlib": json_route(zlib.compress(BODY), headers={"Content-Encoding": "deflate"}),
        "/raw": json_route(raw, headers={"Content-Encoding": "deflate"}),
        "/id": json_route(BODY, headers={"Content-Encoding": "identity"}),
    }
    with serve(routes) as srv:
        loader = HttpLoader(srv.policy())
        for path in routes:
            assert loader.load(srv.url(path)).content == BODY, path
        assert srv.requests[0].headers["accept-encoding"] == "gzip, deflate"


def _gzip_bomb(decoded_size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [comp.compress(block) for _ in range(decoded_size // len(block))]
    return b"".join(parts) + comp.flush()


def test_gzip_bomb_is_capped_on_the_decoded_size() -> None:
    bomb = _gzip_bomb(64 * 1024 * 1024)  # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < 100 * 1024
    with serve({"/a": json_route(bomb, headers={"Content-Encoding": "gzip"})}) as srv:
        tracemalloc.start()
        try:
            err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert err.code == Code.FETCH_FAILED
    assert "larger than 2097152 bytes" in err.reason
    assert peak < 12 * 1024 * 1024  # never inflated past the cap (one 64 KiB chunk alone would give ~64 MiB)


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("gzip", b"not gzip at all"), ("gzip", gzip.compress(BODY, mtime=0)[:-12]), ("br", b"\x0b\x02\x80"),
     ("gzip, gzip", gzip.compress(gzip.compress(BODY, mtime=0), mtime=0))],
    # mtime=0: the bytes (and so the test ids) are the same in every pytest-xdist worker, which must collect alike
    ids=["not-gzip", "truncated-gzip", "brotli", "gzip-twice"],
)
def test_bad_or_unsupported_encodings_fail(encoding: str, body: bytes) -> None:
    with serve({"/a": json_route(body, headers={"Content-Encoding": encoding})}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED


def test_lying_content_length_shorter_than_the_body(stop: threading.Event) -> None:
    # Content-Length says 10: exactly 10 bytes are read, whatever follows (here megabytes) is never read
    def lying(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"0123456789", length=10)
        for chunk in endless(stop, limit=8 * 1024 * 1024):
            h.wfile.write(chunk)

    with serve({"/a": lying}) as srv:
        assert HttpLoader(srv.policy()).load(srv.url("/a")).content == b"0123456789"


def test_lying_content_length_longer_than_the_body() -> None:
    def short(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, b"0123456789", {"Connection": "close"}, length=1000)
        h.close_connection = True

    with serve({"/a": short}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED


def test_huge_content_length_is_not_trusted_for_sizing() -> None:
    with serve({"/a": lambda h: send(h, 200, b"x" * 100, {"Connection": "close"}, length=2**40)}) as srv:
        err = load_error(HttpLoader(srv.policy()), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED  # truncated, not a terabyte allocation


def test_content_type_is_passed_on_not_trusted() -> None:
    png = b"\x89PNG\r\n\x1a\nrest"
    with serve({"/a": json_route(png, headers={"Content-Type": "text/html"})}) as srv:
        doc = HttpLoader(srv.policy()).load(srv.url("/a"))
    assert doc.content == png
    assert doc.content_type == "text/html"


def test_server_without_allowance_sees_no_connection() -> None:
    with serve({"/a": json_route(BODY)}) as srv:
        err = load_error(HttpLoader(), srv.url("/a"))
        other_port = NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", srv.port + 1)}))
        err2 = load_error(HttpLoader(other_port), srv.url("/a"))
        assert srv.connections == 0
    assert err.code == err2.code == Code.URL_BLOCKED
    assert srv.url("/a") in str(err)
    assert "127.0.0.1" in err.reason


def test_unsafe_allow_loopback_admits_any_loopback_port() -> None:
    with serve({"/a": json_route(BODY)}) as srv:
        assert HttpLoader(NetworkPolicy(unsafe_allow_loopback=True)).load(srv.url("/a")).content == BODY


def test_pinned_connection_carries_the_name_in_host() -> None:
    calls: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return ["127.0.0.1"]

    with serve({"/a": json_route(BODY)}) as srv:
        doc = HttpLoader(srv.policy(), resolver=resolver).load(srv.url("/a", host="badge.test"))
        assert srv.requests[0].headers["host"] == f"badge.test:{srv.port}"
    assert doc.content == BODY
    assert calls == [("badge.test", srv.port)]


def test_chunked_body_is_read_whole() -> None:
    with serve({"/a": chunked(lambda: iter([b'{"a": ', b"1", b"}"]))}) as srv:
        assert HttpLoader(srv.policy()).load(srv.url("/a")).content == b'{"a": 1}'


def test_endless_chunked_body_is_cut_at_the_cap(stop: threading.Event) -> None:
    with serve({"/a": chunked(lambda: endless(stop, chunk=b"x" * 4096))}) as srv:
        err = load_error(HttpLoader(srv.policy(max_bytes=100_000)), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "larger than 100000 bytes" in err.reason


def test_trickling_chunked_body_is_cut_off_at_the_deadline(stop: threading.Event) -> None:
    with serve({"/a": chunked(lambda: trickle(stop, count=80, every_s=0.05))}) as srv:
        err = load_error(HttpLoader(srv.policy(deadline_s=0.5)), srv.url("/a"))
    assert err.code == Code.FETCH_FAILED
    assert "deadline" in err.reason


def test_ipv6_loopback_server_allowed_by_exact_entry() -> None:
    try:
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with serve({"/a": json_route(BODY)}, host="::1") as srv:
        assert HttpLoader(srv.policy()).load(srv.url("/a")).content == BODY
        assert srv.requests[0].headers["host"] == f"[::1]:{srv.port}"
        assert load_error(HttpLoader(), srv.url("/a")).code == Code.URL_BLOCKED
        assert len(srv.requests) == 1
