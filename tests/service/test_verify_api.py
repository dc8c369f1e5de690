"""The verification microservice over HTTP: /v1/verify (no account), /healthz, /readyz, the page's form post
without JavaScript, and /openapi.json describing the seed's ten endpoints."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest

from helpers.service_kit import FIXTURES, Issuer, Service, hosted_badge

SEED_OPERATIONS = {
    ("post", "/v2/backpack/import"), ("get", "/v2/backpack/assertions"),
    ("get", "/v2/backpack/assertions/{idOrEntityId}"), ("put", "/v2/backpack/assertions/{idOrEntityId}"),
    ("delete", "/v2/backpack/assertions/{idOrEntityId}"), ("get", "/v2/backpack/collections"),
    ("post", "/v2/backpack/collections"), ("get", "/v2/backpack/collections/{idOrEntityId}"),
    ("put", "/v2/backpack/collections/{idOrEntityId}"), ("delete", "/v2/backpack/collections/{idOrEntityId}"),
}


def test_verify_each_input_kind(service: Service, issuer: Issuer) -> None:
    png = (FIXTURES / "ob3-baked-png-json" / "input.png").read_bytes()
    jwt = (FIXTURES / "ob3-jwt-eddsa-valid" / "input.jwt").read_text()
    url = hosted_badge(issuer, "verify-api", "bob@example.org")
    bodies: list[dict[str, Any]] = [
        {"image": "data:image/png;base64," + base64.b64encode(png).decode()},
        {"assertion": jwt, "recipient": ["learner@example.org"]},
        {"assertion": json.loads((FIXTURES / "ob3-eddsa-rdfc-valid" / "input.json").read_text()),
         "recipient": "learner@example.org"},
        {"url": url, "recipient": ["bob@example.org"], "at": "2025-01-01T00:00:00Z"},
    ]
    with service.client() as c:
        for body in bodies:
            r = c.post("/v1/verify", json=body)
            assert r.status_code == 200, r.text
            report = r.json()
            assert report["valid"] is True, report["errors"]
            if "recipient" in body:
                assert report["recipient"]["matched"]
        r = c.post("/v1/verify", files={"image": ("b.png", png, "image/png")}, data={"recipient": "x@example.org"})
        assert r.status_code == 200
        assert r.json()["valid"] is False
        assert [e["code"] for e in r.json()["errors"]] == ["recipient_mismatch"]
        r = c.post("/v1/verify", json={"url": url, "at": "2023-06-01T00:00:00Z"})
        assert r.json()["valid"] is False
        assert "not_yet_valid" in [e["code"] for e in r.json()["errors"]]


def test_verify_reports_a_tampered_badge(service: Service) -> None:
    png = (FIXTURES / "ob3-baked-png-tampered" / "input.png").read_bytes()
    with service.client() as c:
        r = c.post("/v1/verify", files={"image": ("b.png", png, "image/png")})
    assert r.status_code == 200
    assert r.json()["valid"] is False
    assert "proof_invalid" in [e["code"] for e in r.json()["errors"]]


@pytest.mark.parametrize(("body", "field"), [({"url": "/etc/passwd"}, "url"), ({"assertion": 5}, "assertion"),
                                             ({"url": "https://issuer.example/a", "at": "yesterday"}, "at"),
                                             ({"url": "https://issuer.example/a", "recipient": [1]}, "recipient")])
def test_verify_bad_requests_are_400_envelopes(service: Service, body: dict[str, object], field: str) -> None:
    with service.client() as c:
        r = c.post("/v1/verify", json=body)
    assert r.status_code == 400
    assert r.json()["status"]["success"] is False
    assert field in r.json()["fieldErrors"]


def test_health(service: Service) -> None:
    with service.client() as c:
        assert c.get("/healthz").json() == {"status": "ok", "checks": {}}
        ready = c.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "verifier": "ok"}


def test_page_works_without_javascript(service: Service, issuer: Issuer) -> None:
    url = hosted_badge(issuer, "page-form", "carol@example.org")
    with service.client() as c:
        page = c.get("/")
        assert page.status_code == 200
        assert '<form id="verify-form" method="post" action="/"' in page.text
        r = c.post("/", data={"pasted": url, "recipient": "carol@example.org"})  # urlencoded, as without JS
        assert r.status_code == 200
        text = r.text
        assert text.index('id="verdict"') < text.index('id="badge"') < text.index('id="checks"')
        assert "<h2>Genuine</h2>" in text
        assert "Loopback Issuer" in text
        assert "matches carol@example.org" in text
        r = c.post("/", data={"pasted": "<script>alert(1)</script>"})
        assert "<script>alert(1)</script>" not in r.text  # escaped, never echoed as markup
        assert "Not genuine" in r.text or "Nothing verified" in r.text
        assert c.get("/static/page.css").status_code == 200
        assert c.get("/static/../settings.py").status_code == 404


def test_openapi_describes_the_seed_endpoints(service: Service) -> None:
    with service.client() as c:
        spec = c.get("/openapi.json").json()
    operations = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert operations >= SEED_OPERATIONS
    assert {("post", "/v1/verify"), ("get", "/healthz"), ("get", "/readyz")} <= operations
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert "422" not in op["responses"], (method, path)  # FastAPI's default answer is the seed's 400
    imported = spec["paths"]["/v2/backpack/import"]["post"]
    assert set(imported["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assertion = spec["components"]["schemas"]["Assertion"]["properties"]
    assert {"openBadgeId", "recipient", "acceptance", "pending", "ob3AwardProperties"} <= set(assertion)
    assert re.search(r"BackpackCollection", json.dumps(spec))
