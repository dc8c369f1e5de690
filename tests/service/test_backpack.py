"""The Backpack API over HTTP on a real uvicorn, on SQLite and PostgreSQL: import by url, assertion and
image, list, read, accept/reject, delete, de-duplication, re-check on read, user isolation and auth."""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from helpers.service_kit import FIXTURES, Issuer, Service, hosted_badge
from obverify import unbake

ENVELOPE_KEYS = {"status", "result", "timestamp", "validationErrors", "nonFieldErrors", "fieldErrors", "errorCode",
                 "warnings"}
SEED_ASSERTION_KEYS = {
    "entityType", "id", "entityId", "openBadgeId", "createdAt", "createdBy", "badgeclass", "badgeclassOpenBadgeId",
    "issuer", "issuerOpenBadgeId", "image", "recipient", "issuedOn", "narrative", "evidence", "revoked",
    "revocationReason", "acceptance", "expires", "extensions", "assertionRef", "badgeRef", "issuerRef", "pending",
    "source", "sourceUrl", "originalJson", "imagePath", "ob3AwardProperties"}
# what every stored assertion has: the service's own fields and what any badge fills
ALWAYS = {"entityType", "id", "entityId", "openBadgeId", "createdAt", "createdBy", "badgeclass",
          "badgeclassOpenBadgeId", "issuer", "issuerOpenBadgeId", "recipient", "issuedOn", "revoked",
          "revocationReason", "acceptance",
          "pending", "source", "originalJson", "imagePath", "assertionRef", "badgeRef", "issuerRef"}
ALICE = ("email", "alice@example.org")
_names = itertools.count()


def case_bytes(case: str, name: str) -> bytes:
    return (FIXTURES / case / name).read_bytes()


def case_json(case: str) -> dict[str, Any]:
    return json.loads(case_bytes(case, "input.json"))  # type: ignore[no-any-return]


OB2_PNG = "ob2-baked-png-itxt"
OB2_ID = "https://issuer.example/assertions/baked-png-itxt"


def ob2_json() -> dict[str, Any]:
    """The hosted OB 2.0 assertion baked into the OB2_PNG fixture, as JSON (its documents are in the store)."""
    baked = unbake(case_bytes(OB2_PNG, "input.png"))
    assert baked.payload is not None
    return json.loads(baked.payload)  # type: ignore[no-any-return]


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def assert_envelope(body: dict[str, Any], *, success: bool) -> None:
    assert set(body) >= ENVELOPE_KEYS, body
    assert body["status"]["success"] is success
    assert body["timestamp"].endswith("Z")


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert_envelope(body, success=True)
    assert body["status"]["description"] == "ok"
    assert len(body["result"]) == 1
    assertion: dict[str, Any] = body["result"][0]
    assert set(assertion) <= SEED_ASSERTION_KEYS, set(assertion) - SEED_ASSERTION_KEYS  # only the seed's keys
    assert set(assertion) >= ALWAYS, ALWAYS - set(assertion)
    assert assertion["entityType"] == "Assertion"
    assert assertion["acceptance"] == "Accepted"
    return assertion


def listed(service: Service, token: str) -> list[dict[str, Any]]:
    with service.client(token) as c:
        r = c.get("/v2/backpack/assertions")
    assert r.status_code == 200, r.text
    assert_envelope(r.json(), success=True)
    return r.json()["result"]  # type: ignore[no-any-return]


def test_import_by_assertion_then_listed_and_read(service: Service) -> None:
    _email, token = service.account(ALICE)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"assertion": ob2_json()}))
        assert a["openBadgeId"] == OB2_ID
        assert a["recipient"]["plaintextIdentity"] == "alice@example.org"
        assert a["pending"] is False
        assert a["revoked"] is False
        assert json.loads(a["originalJson"])["id"] == OB2_ID
        r = c.get(f"/v2/backpack/assertions/{a['entityId']}")
        assert r.status_code == 200
        assert r.json()["result"][0]["entityId"] == a["entityId"]
        assert c.get(f"/v2/backpack/assertions/{a['id']}").json()["result"][0]["entityId"] == a["entityId"]
    assert [x["entityId"] for x in listed(service, token)] == [a["entityId"]]


def test_import_by_url_from_a_loopback_issuer(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    url = hosted_badge(issuer, f"u{next(_names)}", email)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"url": url}))
    assert a["openBadgeId"] == url
    assert a["recipient"]["plaintextIdentity"] == email
    assert a["issuerOpenBadgeId"] == f"{issuer.base}/issuer"
    assert [x["openBadgeId"] for x in listed(service, token)] == [url]


def test_import_by_image_data_uri_and_multipart(service: Service) -> None:
    png = case_bytes(OB2_PNG, "input.png")
    _, token = service.account(ALICE)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"image": data_uri(png)}))
        assert a["openBadgeId"] == OB2_ID
        assert a["imagePath"]
        stored = service.settings.data / a["imagePath"]
        assert stored.read_bytes() == png  # the baked image itself
        originals = [f.read_bytes() for f in (service.settings.data / "originals").glob("*.bin")]
        assert data_uri(png).encode() in originals  # and the input exactly as received
    _, token2 = service.account(ALICE)
    with service.client(token2) as c:
        b = created(c.post("/v2/backpack/import", files={"image": ("badge.png", png, "image/png")}))
    assert b["openBadgeId"] == a["openBadgeId"]
    assert len(listed(service, token)) == 1
    assert len(listed(service, token2)) == 1


def test_import_ob3_credential(service: Service) -> None:
    _, token = service.account(("email", "learner@example.org"))
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"assertion": case_json("ob3-eddsa-rdfc-valid")}))
    assert a["recipient"]["plaintextIdentity"] == "learner@example.org"
    assert a["badgeclassOpenBadgeId"] == "https://issuer.example/achievements/1"


def test_duplicate_then_rejected_then_deleted(service: Service) -> None:
    _, token = service.account(ALICE)
    body = {"assertion": ob2_json()}
    png = case_bytes(OB2_PNG, "input.png")
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json=body))
        for again in (body, {"image": data_uri(png)}):  # the same badge by another input: same canonical id
            r = c.post("/v2/backpack/import", json=again)
            assert r.status_code == 400
            assert_envelope(r.json(), success=False)
            assert r.json()["errorCode"] == "DUPLICATE_BADGE"
            assert r.json()["validationErrors"] == ["You already have this badge in your backpack"]
        r = c.put(f"/v2/backpack/assertions/{a['entityId']}", json={"acceptance": "Rejected"})
        assert r.status_code == 200
        assert r.json()["result"][0]["acceptance"] == "Rejected"
        again = created(c.post("/v2/backpack/import", json=body))
        assert again["entityId"] == a["entityId"]  # the rejected copy is accepted again, not duplicated
        stored = service.settings.data / "originals"
        mine = {p.name for p in stored.iterdir() if p.name.startswith(a["entityId"])}
        assert mine == {a["entityId"] + ".bin"}
        assert c.delete(f"/v2/backpack/assertions/{a['entityId']}").status_code == 204
        assert not [p for p in stored.iterdir() if p.name.startswith(a["entityId"])]  # its files went with it
        assert c.get(f"/v2/backpack/assertions/{a['entityId']}").status_code == 404
        created(c.post("/v2/backpack/import", json=body))


def test_revoked_after_import_shows_on_read(service: Service, issuer: Issuer) -> None:
    email, token = service.account()
    name = f"r{next(_names)}"
    url = hosted_badge(issuer, name, email)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"url": url}))
        assert a["revoked"] is False
        issuer.put(f"/assertions/{name}", {"id": url, "revoked": True}, status=410)
        r = c.get(f"/v2/backpack/assertions/{a['entityId']}")
        assert r.status_code == 200
        assert r.json()["result"][0]["revoked"] is True
        assert listed(service, token)[0]["revoked"] is True


def test_fresh_assertions_are_not_rechecked(make_service: Any, issuer: Issuer) -> None:
    service = make_service()  # default re-check age: one hour
    email, token = service.account()
    name = f"f{next(_names)}"
    url = hosted_badge(issuer, name, email)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"url": url}))
        issuer.put(f"/assertions/{name}", {"id": url, "revoked": True}, status=410)
        assert c.get(f"/v2/backpack/assertions/{a['entityId']}").json()["result"][0]["revoked"] is False


def test_pending_when_matched_only_through_an_unverified_identity(service: Service) -> None:
    _, token = service.account(unverified=(ALICE,))
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"assertion": ob2_json()}))
    assert a["pending"] is True


def test_one_user_never_sees_or_touches_anothers(service: Service) -> None:
    _, owner = service.account(ALICE)
    _, other = service.account(ALICE)
    with service.client(owner) as c:
        a = created(c.post("/v2/backpack/import", json={"assertion": ob2_json()}))
        col = c.post("/v2/backpack/collections", json={"name": "mine", "published": False,
                                                       "assertions": [a["entityId"]]})
        assert col.status_code == 201
        col_id = col.json()["result"][0]["entityId"]
    with service.client(other) as c:
        assert listed(service, other) == []
        for ident in (a["entityId"], a["id"]):
            assert c.get(f"/v2/backpack/assertions/{ident}").status_code == 404
            assert c.put(f"/v2/backpack/assertions/{ident}", json={"acceptance": "Rejected"}).status_code == 404
            assert c.delete(f"/v2/backpack/assertions/{ident}").status_code == 404
        assert c.get("/v2/backpack/collections").json()["result"] == []
        assert c.get(f"/v2/backpack/collections/{col_id}").status_code == 404
        assert c.put(f"/v2/backpack/collections/{col_id}", json={"name": "x"}).status_code == 404
        assert c.delete(f"/v2/backpack/collections/{col_id}").status_code == 404
        r = c.post("/v2/backpack/collections", json={"name": "steal", "published": False,
                                                     "assertions": [a["entityId"]]})
        assert r.status_code == 400
        assert "assertions" in r.json()["fieldErrors"]
    with service.client(owner) as c:  # still all there for the owner
        assert c.get(f"/v2/backpack/assertions/{a['entityId']}").json()["result"][0]["acceptance"] == "Accepted"
        assert c.get(f"/v2/backpack/collections/{col_id}").json()["result"][0]["assertions"] == [a["entityId"]]


@pytest.mark.parametrize("path", ["/v2/backpack/assertions", "/v2/backpack/collections"])
def test_auth_required(service: Service, path: str) -> None:
    with service.client() as c:
        r = c.get(path)
        assert r.status_code == 401
        assert_envelope(r.json(), success=False)
        assert r.json()["status"]["description"] == "no valid auth token found"
    with service.client("not-a-token") as c:
        assert c.get(path).status_code == 401


def test_read_only_token_cannot_write(service: Service) -> None:
    _, token = service.account(ALICE, scope="r:backpack")
    with service.client(token) as c:
        assert c.get("/v2/backpack/assertions").status_code == 200
        r = c.post("/v2/backpack/import", json={"assertion": ob2_json()})
        assert r.status_code == 404
        assert r.json()["status"]["description"] == "entity not found or insufficient privileges"
        assert c.post("/v2/backpack/collections", json={"name": "x", "published": False}).status_code == 404


def test_collections_crud(service: Service) -> None:
    _, token = service.account(ALICE)
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"assertion": ob2_json()}))
        r = c.post("/v2/backpack/collections", json={"name": "My Collection", "description": "favourites",
                                                     "published": False})
        assert r.status_code == 201
        col = r.json()["result"][0]
        assert col["entityType"] == "BackpackCollection"
        assert col["share_url"] is None
        assert col["assertions"] == []
        r = c.put(f"/v2/backpack/collections/{col['entityId']}",
                  json={"published": True, "assertions": [a["id"]]})
        assert r.status_code == 200
        col = r.json()["result"][0]
        assert col["published"] is True
        assert col["share_url"].endswith(col["shareHash"])
        assert col["assertions"] == [a["entityId"]]
        assert [x["entityId"] for x in c.get("/v2/backpack/collections").json()["result"]] == [col["entityId"]]
        # deleting an assertion removes it from its collections
        assert c.delete(f"/v2/backpack/assertions/{a['entityId']}").status_code == 204
        assert c.get(f"/v2/backpack/collections/{col['entityId']}").json()["result"][0]["assertions"] == []
        assert c.delete(f"/v2/backpack/collections/{col['entityId']}").status_code == 204
        assert c.get(f"/v2/backpack/collections/{col['entityId']}").status_code == 404


def test_stored_original_is_the_input_as_received(service: Service) -> None:
    _, token = service.account(("email", "learner@example.org"))
    jwt = case_bytes("ob3-jwt-eddsa-valid", "input.jwt") if (FIXTURES / "ob3-jwt-eddsa-valid" / "input.jwt").exists() \
        else None
    with service.client(token) as c:
        body = {"assertion": case_json("ob3-eddsa-rdfc-valid")}
        a = created(c.post("/v2/backpack/import", json=body))
    files = sorted(Path(service.settings.data / "originals").glob("*.bin"))
    assert any(json.loads(f.read_bytes()) == body["assertion"] for f in files if f.read_bytes().startswith(b"{"))
    assert a["openBadgeId"] == body["assertion"]["id"]
    assert jwt is None or jwt  # the JWT form is covered by the error-table and verify tests


def test_nul_and_odd_text_never_reach_the_database_as_errors(service: Service) -> None:
    """PostgreSQL refuses NUL characters in text; a name or id holding one must be a 4xx, never a 500."""
    _, token = service.account(ALICE)
    with service.client(token) as c:
        r = c.post("/v2/backpack/collections", json={"name": "a\u0000b", "published": False})
        assert r.status_code in {201, 400}, r.text
        r = c.post("/v2/backpack/collections", content=b'{"name": "x", "description": "\\ud800", "published": false}',
                   headers={"Content-Type": "application/json"})
        assert r.status_code in {201, 400}, r.text
        for path in ("/v2/backpack/assertions/a%00b", "/v2/backpack/collections/a%00b"):
            assert c.get(path).status_code == 404
        r = c.post("/v2/backpack/collections", json={"name": "y", "published": False, "assertions": ["a\u0000"]})
        assert r.status_code == 400
        for path, raw in (("/v1/verify", b'{"url": "https://issuer.example/\\ud800"}'),
                          ("/v1/verify", b'{"assertion": "\\udc00"}'),
                          ("/v1/verify", b'{"assertion": {"@context": "https://w3id.org/openbadges/v2", '
                                         b'"type": "Assertion", "id": "urn:x:\\ud800", "badge": "urn:\\udfff"}}'),
                          ("/v2/backpack/import", b'{"assertion": {"id": "\\ud800"}}')):
            r = c.post(path, content=raw, headers={"Content-Type": "application/json"})
            assert r.status_code in {200, 400}, r.text


def test_import_image_by_url_and_assertion_as_compact_jwt(service: Service, issuer: Issuer) -> None:
    png = case_bytes("ob2-baked-svg-cdata", "input.svg")
    url = issuer.put(f"/baked-{next(_names)}.svg", png, content_type="image/svg+xml")
    _, token = service.account(ALICE, ("email", "learner@example.org"))
    jwt = case_bytes("ob3-jwt-eddsa-valid", "input.jwt").decode().strip()
    with service.client(token) as c:
        a = created(c.post("/v2/backpack/import", json={"image": url}))  # existing servers drop image URLs
        assert a["openBadgeId"] == "https://issuer.example/assertions/baked-svg-cdata"
        b = created(c.post("/v2/backpack/import", json={"assertion": jwt}))
    assert b["originalJson"] == jwt  # the compact form: its signature survives for re-verification
    originals = [f.read_bytes() for f in (service.settings.data / "originals").glob(f"{b['entityId']}*")]
    assert originals == [jwt.encode()]
