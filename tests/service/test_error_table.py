"""Every applicable row of BACKPACK-IMPORT-RESEARCH.md §2's error table, sent to the real service over HTTP
(uvicorn on loopback), on SQLite and PostgreSQL: status, envelope and message. Rows that do not apply:
20-21 (Badgr verifier internals with no request that reaches them), 23 (no recipient blacklist here) and
28 (an unverified email imports as `pending` instead, tested in test_backpack.py)."""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

import httpx
import pytest

from helpers.service_kit import FIXTURES, Issuer, Service, hosted_badge
from obverify import unbake

ONLY_ONE = "Must provide only one of 'url', 'image' or 'assertion'."
NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."
_names = itertools.count()


def envelope(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert set(body) >= {"status", "result", "timestamp", "validationErrors", "nonFieldErrors", "fieldErrors",
                         "errorCode", "warnings"}
    assert body["status"]["success"] is False
    assert body["result"] == []
    return body


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def post(service: Service, token: str, **kwargs: Any) -> httpx.Response:
    with service.client(token) as c:
        return c.post("/v2/backpack/import", **kwargs)


def first_error(body: dict[str, Any]) -> str:
    return str(body["validationErrors"][0])


@pytest.fixture
def alice(service: Service) -> str:
    return service.account(("email", "alice@example.org"), ("email", "learner@example.org"))[1]


def test_row_01_not_authenticated(service: Service) -> None:
    with service.client() as c:
        body = envelope(c.post("/v2/backpack/import", json={"url": "https://issuer.example/a"}), 401)
    assert body["status"]["description"] == "no valid auth token found"


def test_row_02_wrong_scope_or_no_verified_identifier(service: Service) -> None:
    _, reader = service.account(scope="r:backpack")
    body = envelope(post(service, reader, json={"url": "https://issuer.example/a"}), 404)
    assert body["status"]["description"] == "entity not found or insufficient privileges"
    _, unverified_only = service.account()
    state = service.running.app.state.obverify
    from sqlalchemy import update

    from obverify.service.accounts import find_token
    from obverify.service.db import Identity

    with state.sessions() as session:
        row = find_token(session, unverified_only)
        assert row is not None
        session.execute(update(Identity).where(Identity.user_id == row.user_id).values(verified=False))
        session.commit()
    envelope(post(service, unverified_only, json={"url": "https://issuer.example/a"}), 404)


def test_row_03_body_not_parseable(service: Service, alice: str) -> None:
    body = envelope(post(service, alice, content=b'{"url": ', headers={"Content-Type": "application/json"}), 400)
    assert first_error(body).startswith("JSON parse error - ")
    body = envelope(post(service, alice, content=b"[1, 2]", headers={"Content-Type": "application/json"}), 400)
    assert body["nonFieldErrors"] == ["Invalid data. Expected a dictionary, but got list."]


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml", "image/png"])
def test_row_04_wrong_content_type(service: Service, alice: str, ctype: str) -> None:
    body = envelope(post(service, alice, content=b"url=x", headers={"Content-Type": ctype}), 415)
    assert body["validationErrors"] == [f'Unsupported media type "{ctype}" in request.']


@pytest.mark.parametrize("payload", [{}, {"url": "", "assertion": {}, "image": None},
                                     {"url": "https://issuer.example/a", "assertion": {"id": "x"}},
                                     {"url": "https://issuer.example/a", "image": "https://issuer.example/i.png"}])
def test_row_05_zero_or_several_inputs(service: Service, alice: str, payload: dict[str, Any]) -> None:
    body = envelope(post(service, alice, json=payload), 400)
    assert body["nonFieldErrors"] == [ONLY_ONE]


@pytest.mark.parametrize("url", ["/etc/hostname", "file:///etc/passwd", "ftp://issuer.example/a", "not a url"])
def test_row_06_bad_url(service: Service, alice: str, url: str) -> None:
    body = envelope(post(service, alice, json={"url": url}), 400)
    assert body["fieldErrors"]["url"][0] == "Enter a valid URL."
    assert "hostname" not in json.dumps(body["validationErrors"])  # never reads a local file


@pytest.mark.parametrize(("value", "name"), [(123, "int"), ([1], "list"), (True, "bool")])
def test_row_07_assertion_not_an_object(service: Service, alice: str, value: Any, name: str) -> None:
    body = envelope(post(service, alice, json={"assertion": value}), 400)
    assert body["fieldErrors"]["assertion"] == [f'Expected a dictionary of items but got type "{name}".']


def test_row_08_unknown_data_uri_mime(service: Service, alice: str) -> None:
    body = envelope(post(service, alice, json={"image": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}), 400)
    assert body["fieldErrors"]["image"] == ["Invalid MIME type"]


@pytest.mark.parametrize("image", ["!!! not base64 !!!", "data:image/png;base64,@@@"])
def test_row_09_not_base64(service: Service, alice: str, image: str) -> None:
    body = envelope(post(service, alice, json={"image": image}), 400)
    assert body["fieldErrors"]["image"] == [NOT_A_FILE]


def test_row_10_neither_png_nor_svg(service: Service, alice: str) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 64
    body = envelope(post(service, alice, json={"image": "data:image/png;base64," + b64(jpeg)}), 400)
    assert body["fieldErrors"]["image"] == ["Invalid PNG"]
    body = envelope(post(service, alice, files={"image": ("x.jpg", jpeg, "image/jpeg")}), 400)
    assert body["fieldErrors"]["image"] == ["Invalid PNG"]
    body = envelope(post(service, alice, json={"image": b64(b"just some text, no image at all")}), 400)
    assert body["fieldErrors"]["image"] == ["Invalid image."]


@pytest.mark.parametrize("case", ["img-png-no-badge", "img-svg-no-badge"])
def test_row_11_image_without_a_badge(service: Service, alice: str, case: str) -> None:
    data = next((FIXTURES / case).glob("input.*")).read_bytes()
    body = envelope(post(service, alice, files={"image": ("badge", data, "application/octet-stream")}), 400)
    assert body["errorCode"] == "INVALID_BADGE"
    assert first_error(body).startswith("Could not find Open Badges metadata in file.")


def test_row_12_fetch_failure(service: Service, alice: str, issuer: Issuer) -> None:
    body = envelope(post(service, alice, json={"url": f"{issuer.base}/nothing-here"}), 400)
    assert body["errorCode"] == "FETCH_HTTP_NODE"
    assert first_error(body).startswith("Unable to reach URL")
    body = envelope(post(service, alice, json={"url": "http://169.254.169.254/latest/meta-data/"}), 400)
    assert body["errorCode"] == "FETCH_HTTP_NODE"  # url_blocked: refused before any connection
    issuer.put("/text", b"hello", content_type="text/plain")
    body = envelope(post(service, alice, json={"url": f"{issuer.base}/text"}), 400)
    assert body["errorCode"] == "INVALID_BADGE"  # sniffed, not trusted from Content-Type: no badge format
    assert first_error(body) == "input is no known badge format (PNG, SVG, JSON, JWS/JWT, URL)"


def test_row_13_recipient_mismatch(service: Service, issuer: Issuer) -> None:
    _, token = service.account(("email", "someone-else@example.org"))
    url = hosted_badge(issuer, f"m{next(_names)}", "alice@example.org")
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == "VERIFY_RECIPIENT_IDENTIFIER"
    assert first_error(body).startswith("The recipient does not match any of your verified emails")


@pytest.mark.parametrize(("case", "name"), [("ob3-tampered", "input.json"), ("ob3-jwt-wrong-signature", "input.jwt"),
                                            ("ob3-baked-png-tampered", "input.png")])
def test_row_14_bad_signature(service: Service, alice: str, case: str, name: str, make_service: Any) -> None:
    data = (FIXTURES / case / name).read_bytes()
    target = service if case == "ob3-baked-png-tampered" else make_service(store=FIXTURES / case / "documents")
    token = alice if target is service else target.account(("email", "learner@example.org"))[1]
    if name.endswith(".png"):
        r = post(target, token, json={"image": "data:image/png;base64," + b64(data)})
    else:
        r = post(target, token, json={"assertion": data.decode() if name.endswith(".jwt") else json.loads(data)})
    body = envelope(r, 400)
    assert body["errorCode"] == "VERIFY_SIGNATURE"
    assert first_error(body).startswith("Could not verify signature")


@pytest.mark.parametrize(("case", "recipient"), [("ob2-signed-revoked-id", "alice@example.org"),
                                                 ("ob3-status-bitstring-revoked", "learner@example.org")])
def test_row_15_revoked_in_a_list(make_service: Any, case: str, recipient: str) -> None:
    service = make_service(store=FIXTURES / case / "documents")
    _, token = service.account(("email", recipient))
    text = next((FIXTURES / case).glob("input.*")).read_text()
    body = envelope(post(service, token, json={"assertion": text}), 400)
    assert body["errorCode"] == "ASSERTION_REVOKED"
    assert first_error(body).startswith("This assertion has been revoked")


def test_row_16_hosted_badge_revoked_with_410(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    name = f"g{next(_names)}"
    url = hosted_badge(issuer, name, email)
    issuer.put(f"/assertions/{name}", {"id": url, "revoked": True, "revocationReason": "issued in error"}, status=410)
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == "ASSERTION_REVOKED"  # Badgr answered "Required property recipient not present"
    assert first_error(body).startswith("This assertion has been revoked")


@pytest.mark.parametrize(("dates", "name"), [
    ({"expires": "2024-02-01T00:00:00Z"}, "ASSERTION_TIMESTAMP_CHECKS"),
    ({"issuedOn": "2099-01-01T00:00:00Z"}, "ASSERTION_TIMESTAMP_CHECKS"),
    # obverify judges an expiry before the issue date a malformed badge (schema_invalid), not a time check
    ({"issuedOn": "2024-03-01T00:00:00Z", "expires": "2024-02-01T00:00:00Z"}, "VALIDATE_PROPERTY"),
])
def test_row_17_timestamp_checks(service: Service, issuer: Issuer, dates: dict[str, str], name: str) -> None:
    email, token = service.account()
    url = hosted_badge(issuer, f"t{next(_names)}", email, assertion=dates)
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == name
    assert body["validationErrors"]


def test_row_18_json_without_a_hosted_url(service: Service, alice: str, issuer: Issuer) -> None:
    hosted_badge(issuer, "row18", "alice@example.org")
    badge = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:uuid:9c6a7c1e-0000-4000",
             "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
             "badge": f"{issuer.base}/badges/row18", "issuedOn": "2024-01-01T00:00:00Z",
             "verification": {"type": "HostedBadge"}}
    body = envelope(post(service, alice, json={"assertion": badge}), 400)
    assert "http(s) id" in first_error(body)


def test_row_19_structure_and_hosting_origin(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    url = hosted_badge(issuer, f"s{next(_names)}", email, drop=("badge",))
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == "VALIDATE_PROPERTY"
    # an assertion whose badge class and issuer live on another origin than the assertion itself
    name = f"o{next(_names)}"
    url = hosted_badge(issuer, name, email, badge={"issuer": "https://issuer.example/issuer"})  # in the store
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == "HOSTED_ID_IN_VERIFICATION_SCOPE", body


def test_row_22_graph_lacks_a_node(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    name = f"n{next(_names)}"
    url = hosted_badge(issuer, name, email)
    issuer.routes.pop(f"/badges/{name}")
    body = envelope(post(service, token, json={"url": url}), 400)
    assert body["errorCode"] == "FETCH_HTTP_NODE"


def test_row_24_duplicate(service: Service, alice: str) -> None:
    png = FIXTURES / "ob2-baked-png-text" / "input.png"
    assert post(service, alice, files={"image": ("b.png", png.read_bytes(), "image/png")}).status_code == 201
    payload = unbake(png.read_bytes()).payload
    assert payload is not None
    assert payload.startswith("https://")  # this PNG bakes its hosted URL: the same badge by url
    body = envelope(post(service, alice, json={"url": payload}), 400)
    assert body["errorCode"] == "DUPLICATE_BADGE"
    assert body["validationErrors"] == ["You already have this badge in your backpack"]


def test_row_25_badge_class_image_unreachable_is_no_500(service: Service, issuer: Issuer) -> None:
    """Badgr crashed (500) when the class image failed to download and the assertion had none."""
    email, token = service.account()
    url = hosted_badge(issuer, f"i{next(_names)}", email, badge={"image": f"{issuer.base}/missing.png"})
    r = post(service, token, json={"url": url})
    assert r.status_code == 201, r.text
    url = hosted_badge(issuer, f"j{next(_names)}", email, badge={"image": "data:image/jpeg;base64,/9j/4AAQ"})
    assert post(service, token, json={"url": url}).status_code in {201, 400}


def test_row_26_ob3_recipient_mismatch(service: Service) -> None:
    _, token = service.account(("email", "alice@example.org"))
    credential = json.loads((FIXTURES / "ob3-eddsa-rdfc-valid" / "input.json").read_text())
    body = envelope(post(service, token, json={"assertion": credential}), 400)
    assert body["errorCode"] == "VERIFY_RECIPIENT_IDENTIFIER"


def test_row_27_badge_class_instead_of_an_assertion(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    name = f"c{next(_names)}"
    hosted_badge(issuer, name, email)
    body = envelope(post(service, token, json={"url": f"{issuer.base}/badges/{name}"}), 400)
    assert body["errorCode"] == "INVALID_INPUT_TYPE"
    assert "BadgeClass" in first_error(body)


def test_body_over_the_limit_is_413(make_service: Any) -> None:
    service = make_service(max_body=64 * 1024)
    _, token = service.account(("email", "alice@example.org"))
    big = {"image": "data:image/png;base64," + "A" * 100_000}
    body = envelope(post(service, token, json=big), 413)
    assert body["validationErrors"] == ["Request body exceeds the limit of 65536 bytes."]
    # a chunked upload declares no length: refused while reading
    body = envelope(post(service, token, content=iter([b'{"image": "', b"A" * 70_000, b'"}']),
                         headers={"Content-Type": "application/json"}), 413)
    with service.client() as c:
        envelope(c.post("/v1/verify", json=big), 413)


def test_past_the_queue_bound_is_503_with_retry_after(make_service: Any) -> None:
    service = make_service(queue_limit=1)
    state = service.running.app.state.obverify
    state.verifier.admitted = 1  # one verification in flight: the queue is full
    try:
        with service.client() as c:
            r = c.post("/v1/verify", json={"url": "https://issuer.example/a"})
            body = envelope(r, 503)
            assert r.headers["Retry-After"] == "1"
            assert body["errorCode"] == "OVERLOADED"
            assert c.get("/readyz").status_code == 503
    finally:
        state.verifier.admitted = 0
    with service.client() as c:
        assert c.get("/readyz").status_code == 200


def test_a_verification_past_the_deadline_is_503_and_keeps_its_slot() -> None:
    """The per-request deadline: the caller gets 503 + Retry-After at once; the thread cannot be killed, so
    the work keeps its place in the queue bound until it really ends."""
    import asyncio
    import threading

    from obverify.service.envelope import ApiError
    from obverify.service.limits import Verifier

    release = threading.Event()
    verifier = Verifier(threads=1, queue_limit=2, deadline_s=0.2)

    async def scenario() -> None:
        with pytest.raises(ApiError) as caught:
            await verifier.run(release.wait, 30)
        assert caught.value.status == 503
        assert caught.value.error_code == "DEADLINE_EXCEEDED"
        assert caught.value.headers["Retry-After"] == "5"
        assert verifier.admitted == 1  # still running in its thread
        release.set()
        for _ in range(100):
            if verifier.admitted == 0:
                break
            await asyncio.sleep(0.01)
        assert verifier.admitted == 0
        assert await verifier.run(lambda: 42) == 42

    try:
        asyncio.run(scenario())
    finally:
        release.set()
        verifier.close()
