"""The document cache: Cache-Control honoured, bounded, thread-safe, keyed by policy (loaders/cache.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from loopback import json_route, redirect, serve

from obverify import URL, Document, HttpLoader, verify
from obverify._engines.net.cache import DocumentCache, freshness_lifetime
from obverify._engines.net.factory import SHARED_CACHE

BODY = b'{"type": "Issuer"}'


@pytest.mark.parametrize(
    ("header", "age", "lifetime"),
    [
        (None, None, None), ("public", None, None), ("max-age=60", None, 60.0), ("public, max-age=60", "20", 40.0),
        ("max-age=60", "100", 0.0), ("s-maxage=10, max-age=60", None, 10.0), ("max-age=60, no-store", None, 0.0),
        ("no-cache", None, 0.0), ("private, max-age=60", None, 0.0), ("max-age=abc", None, 0.0),
        ('max-age="30"', None, 30.0), ("MAX-AGE=5", None, 5.0),
    ],
)
def test_freshness_lifetime(header: str | None, age: str | None, lifetime: float | None) -> None:
    assert freshness_lifetime(header, age) == lifetime


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def doc(n: int, size: int = 1) -> Document:
    return Document(url=f"https://a.example/{n}", content=b"x" * size)


def test_entries_expire() -> None:
    clock = Clock()
    cache = DocumentCache(clock=clock)
    cache.put("k", doc(1), 10)
    clock.now = 9.9
    assert cache.get("k") == doc(1)
    clock.now = 10.0
    assert cache.get("k") is None
    assert len(cache) == 0


def test_ttl_is_capped_and_defaulted() -> None:
    cache = DocumentCache(max_ttl_s=100, default_ttl_s=5)
    assert cache.ttl_for("max-age=100000") == 100
    assert cache.ttl_for(None) == 5
    assert cache.ttl_for("no-store") == 0


def test_bounded_by_entries_least_recently_used_first() -> None:
    cache = DocumentCache(max_entries=2)
    cache.put(1, doc(1), 60)
    cache.put(2, doc(2), 60)
    assert cache.get(1) is not None  # 1 is now the most recently used
    cache.put(3, doc(3), 60)
    assert cache.get(2) is None
    assert cache.get(1) is not None
    assert cache.get(3) is not None


def test_bounded_by_bytes() -> None:
    cache = DocumentCache(max_bytes=100)
    cache.put(1, doc(1, 60), 60)
    cache.put(2, doc(2, 60), 60)
    assert cache.get(1) is None
    assert cache.size_bytes == 60
    cache.put(3, doc(3, 101), 60)  # larger than the whole cache: not stored
    assert cache.get(3) is None
    assert cache.size_bytes == 60


def test_concurrent_use_keeps_the_bounds() -> None:
    cache = DocumentCache(max_entries=50, max_bytes=500)

    def work(offset: int) -> None:
        for i in range(300):
            cache.put((offset, i % 70), doc(i, 7), 60)
            cache.get((offset, (i * 7) % 70))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) <= 50
    assert cache.size_bytes <= 500
    assert cache.size_bytes == 7 * len(cache)


@pytest.mark.parametrize(
    ("cache_control", "requests"),
    [("max-age=60", 1), ("public, max-age=60", 1), ("no-store, max-age=60", 2), ("no-cache", 2), (None, 2),
     ("max-age=0", 2)],
)
def test_loader_fetches_once_while_fresh(cache_control: str | None, requests: int) -> None:
    headers = {"Cache-Control": cache_control} if cache_control else {}
    with serve({"/issuer": json_route(BODY, headers=headers)}) as srv:
        loader = HttpLoader(srv.policy(), cache=DocumentCache())
        assert loader.load(srv.url("/issuer")).content == BODY
        assert loader.load(srv.url("/issuer")).content == BODY
        assert len(srv.requests) == requests


def test_failures_are_not_cached_and_policies_do_not_share_entries() -> None:
    with serve({"/a": json_route(BODY, headers={"Cache-Control": "max-age=60"}),
                "/bad": json_route(b"", status=500, headers={"Cache-Control": "max-age=60"})}) as srv:
        cache = DocumentCache()
        for _ in range(2):
            with pytest.raises(Exception):  # noqa: B017, PT011 - LoadError, checked elsewhere
                HttpLoader(srv.policy(), cache=cache).load(srv.url("/bad"))
        HttpLoader(srv.policy(), cache=cache).load(srv.url("/a"))
        HttpLoader(srv.policy(max_bytes=10_000), cache=cache).load(srv.url("/a"))
        assert [r.path for r in srv.requests] == ["/bad", "/bad", "/a", "/a"]


def test_redirected_answers_and_vary_star_are_not_cached() -> None:
    # /old redirects (302, no lifetime) to /new (max-age=60). The cache used to keep /new's answer under
    # /old for 60 s, so /old answering 410 (a hosted assertion revoked) went unseen; `Vary: *` was ignored.
    with serve({"/old": redirect("/new"), "/new": json_route(BODY, headers={"Cache-Control": "max-age=60"}),
                "/vary": json_route(BODY, headers={"Cache-Control": "max-age=60", "Vary": "*"})}) as srv:
        loader = HttpLoader(srv.policy(), cache=DocumentCache())
        for _ in range(2):
            assert loader.load(srv.url("/old")).content == BODY
            assert loader.load(srv.url("/vary")).content == BODY
        assert [r.path for r in srv.requests] == ["/old", "/new", "/vary", "/old", "/new", "/vary"]
        assert loader.load(srv.url("/new")).content == BODY
        assert loader.load(srv.url("/new")).content == BODY  # the target itself is still cached
        assert [r.path for r in srv.requests][6:] == ["/new"]


@pytest.fixture
def shared_cache() -> Iterator[None]:
    SHARED_CACHE.clear()
    yield
    SHARED_CACHE.clear()


def test_default_loader_shares_its_cache_between_verifications(shared_cache: None) -> None:
    routes = {"/badge": json_route(b'{"not": "a badge"}', headers={"Cache-Control": "max-age=300"})}
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with serve(routes) as srv:
        first = verify(URL(srv.url("/badge")), policy=srv.policy(), at=at)
        second = verify(URL(srv.url("/badge")), policy=srv.policy(), at=at)
        assert len(srv.requests) == 1
    assert first.to_json() == second.to_json()
