"""The `network.*` rows of README "VerificationPolicy fields": a `VerificationPolicy`'s `network` makes the
default loader, so its byte cap, deadline and redirect limit reach a real fetch (loopback servers)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from loopback import json_route, redirect, serve, streaming, trickle

from obverify import URL, VerificationPolicy, verify

BODY = b'{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:x"}'


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def _fetch_errors(url: str, policy: VerificationPolicy) -> list[str]:
    report = verify(URL(url), policy=policy)
    return [e.message for e in report.errors if e.code == "fetch_failed"]


def test_network_max_bytes() -> None:
    with serve({"/a": json_route(BODY)}) as srv:
        assert _fetch_errors(srv.url("/a"), VerificationPolicy(network=srv.policy())) == []
        errors = _fetch_errors(srv.url("/a"), VerificationPolicy(network=srv.policy(max_bytes=20)))
        assert errors
        assert "20" in errors[0]


def test_network_max_redirects() -> None:
    with serve({"/r": redirect("/a"), "/a": json_route(BODY)}) as srv:
        assert _fetch_errors(srv.url("/r"), VerificationPolicy(network=srv.policy())) == []
        errors = _fetch_errors(srv.url("/r"), VerificationPolicy(network=srv.policy(max_redirects=0)))
        assert errors
        assert "more than 0 redirects" in errors[0]


def test_network_deadline(stop: threading.Event) -> None:
    route = streaming(lambda: trickle(stop, count=40, every_s=0.05))  # about 2 s for the whole body
    with serve({"/slow": route}) as srv:
        errors = _fetch_errors(srv.url("/slow"), VerificationPolicy(network=srv.policy(deadline_s=0.3)))
        assert errors
        assert "deadline of 0.3 s exceeded" in errors[0]
