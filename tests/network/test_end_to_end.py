"""`verify(URL)` and the CLI through the real HTTP loader against loopback servers (issue 4 "Done when").

A complete hosted OB 2.0 badge (assertion, badge class, issuer, revocation list) is served by a loopback
server, over http and over https (throwaway CA). Allowed by an `unsafe_*` option it verifies end to end;
without one, the same URL is `url_blocked` and the server sees no connection. The CLI is aimed at a
connection-counting listener for the same check, and its `--record` output replays offline identically.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme
from loopback import LoopbackServer, Route, json_route, serve

from obverify import URL, Code, HttpLoader, NetworkPolicy, verify
from obverify._core.context import ACCEPT_BADGE
from obverify._engines.net.factory import SHARED_CACHE
from obverify.cli import main

AT = datetime(2024, 6, 1, tzinfo=UTC)
ALICE = "alice@example.org"
PATHS = ("/assertions/1", "/badges/robotics", "/issuer", "/revocations")


def hosted_badge(base: str) -> dict[str, Route]:
    """Routes serving one hosted OB 2.0 badge whose ids all live under `base`."""
    ctx = "https://w3id.org/openbadges/v2"
    docs = {
        "/assertions/1": {
            "@context": ctx, "type": "Assertion", "id": f"{base}/assertions/1",
            "recipient": {"type": "email", "hashed": False, "identity": ALICE},
            "badge": f"{base}/badges/robotics", "issuedOn": "2024-01-01T00:00:00Z",
            "verification": {"type": "HostedBadge"},
        },
        "/badges/robotics": {
            "@context": ctx, "type": "BadgeClass", "id": f"{base}/badges/robotics", "name": "Robot Wrangler",
            "description": "Built a line-following robot.", "image": f"{base}/badges/robotics.png",
            "criteria": {"narrative": "Build a robot."}, "issuer": f"{base}/issuer",
        },
        "/issuer": {
            "@context": ctx, "type": "Issuer", "id": f"{base}/issuer", "name": "Robotics Guild", "url": base,
            "email": "badges@issuer.example", "revocationList": f"{base}/revocations",
        },
        "/revocations": {
            "@context": ctx, "id": f"{base}/revocations", "type": "RevocationList", "issuer": f"{base}/issuer",
            "revokedAssertions": [],
        },
    }
    return {path: json_route(json.dumps(doc).encode()) for path, doc in docs.items()}


class LateRoutes(dict[str, Route]):
    """Routes filled in once the server's port (part of every id) is known."""


@pytest.fixture
def badge_server() -> Iterator[LoopbackServer]:
    routes = LateRoutes()
    with serve(routes) as srv:
        routes.update(hosted_badge(f"http://127.0.0.1:{srv.port}"))
        yield srv


@pytest.fixture(autouse=True)
def _fresh_shared_cache() -> Iterator[None]:
    SHARED_CACHE.clear()
    yield
    SHARED_CACHE.clear()


def test_hosted_badge_verifies_end_to_end_over_loopback(badge_server: LoopbackServer) -> None:
    report = verify(URL(badge_server.url("/assertions/1")), recipients=[ALICE], at=AT, policy=badge_server.policy())
    assert Code.URL_BLOCKED not in report.codes()
    assert report.valid, report.to_json(indent=1)
    assert report.recipient.matched == ALICE
    assert {r.path for r in badge_server.requests} == set(PATHS)
    assert badge_server.requests[0].headers["accept"] == ACCEPT_BADGE


def test_unsafe_allow_loopback_also_works(badge_server: LoopbackServer) -> None:
    report = verify(URL(badge_server.url("/assertions/1")), recipients=[ALICE], at=AT,
                    policy=NetworkPolicy(unsafe_allow_loopback=True))
    assert report.valid, report.to_json(indent=1)


def test_without_an_unsafe_option_the_url_is_blocked_and_unseen(badge_server: LoopbackServer) -> None:
    report = verify(URL(badge_server.url("/assertions/1")), recipients=[ALICE], at=AT)
    assert not report.valid
    assert Code.URL_BLOCKED in report.codes()
    assert badge_server.connections == 0


def test_https_end_to_end_with_a_verified_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    routes = LateRoutes()
    with serve(routes, tls=ctx) as srv:
        routes.update(hosted_badge(f"https://127.0.0.1:{srv.port}"))
        url = srv.url("/assertions/1")
        allowed = HttpLoader(NetworkPolicy(unsafe_allow_loopback=True), ca_bundle=str(ca_path))
        good = verify(URL(url), recipients=[ALICE], at=AT, loader=allowed)
        assert good.valid, good.to_json(indent=1)
        untrusted = verify(URL(url), recipients=[ALICE], at=AT,
                           loader=HttpLoader(NetworkPolicy(unsafe_allow_loopback=True)))
        assert Code.FETCH_FAILED in untrusted.codes()
        before = srv.connections
        blocked = verify(URL(url), recipients=[ALICE], at=AT, loader=HttpLoader(ca_bundle=str(ca_path)))
        assert Code.URL_BLOCKED in blocked.codes()
        assert srv.connections == before


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["verify", *args, "--json"])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    report: dict[str, object] = json.loads(out)
    return code, report


@pytest.mark.parametrize(
    "spelling",
    ["http://127.0.0.1:{port}/a", "http://localhost:{port}/a", "http://2130706433:{port}/a",
     "http://[::ffff:127.0.0.1]:{port}/a", "https://127.1:{port}/a", "http://0x7f.0.0.1:{port}/a"],
)
def test_cli_aimed_at_a_listener_is_url_blocked_with_no_connection(
    capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    with serve({"/a": json_route(b"{}")}) as listener:
        code, report = run_cli(capsys, spelling.format(port=listener.port))
        assert listener.connections == 0
    assert code == 1
    errors = report["errors"]
    assert isinstance(errors, list)
    assert Code.URL_BLOCKED in {e["code"] for e in errors}


def test_cli_record_then_offline_replay_is_identical(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, badge_server: LoopbackServer
) -> None:
    # record from a store (the CLI offers no unsafe options, so the network part is the API's test above)
    store = tmp_path / "store"
    store.mkdir()
    index: dict[str, str] = {}
    report = verify(URL(badge_server.url("/assertions/1")), recipients=[ALICE], at=AT, policy=badge_server.policy())
    for i, (url, content) in enumerate(report.originals.items()):
        (store / f"d{i}.json").write_bytes(content)
        index[url] = f"d{i}.json"
    (store / "index.json").write_text(json.dumps(index))
    common = ["--recipient", ALICE, "--at", "2024-06-01T00:00:00Z"]
    url = badge_server.url("/assertions/1")
    rec = tmp_path / "rec"
    code1, first = run_cli(capsys, url, *common, "--documents", str(store), "--offline", "--record", str(rec))
    code2, second = run_cli(capsys, url, *common, "--documents", str(rec), "--offline")
    assert first["valid"] is True
    assert (code1, first) == (code2, second)
    assert set(json.loads((rec / "index.json").read_text())) == set(index)


def test_cli_record_into_an_unusable_directory_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(SystemExit) as info:
        main(["verify", "https://a.example/x", "--offline", "--record", str(blocker / "sub")])
    assert info.value.code == 2
