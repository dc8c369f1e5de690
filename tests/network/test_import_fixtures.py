"""Every fixture badge imported through each input that applies to it (issue 12, "done when" 2 and 3).

- `url`: the badge (JSON, JWS/JWT or baked image) served by a real HTTP server on loopback; the documents
  it names come from the case's document store.
- `assertion`: the JSON or compact JWS/JWT text (for an image case, the payload baked into it).
- `image`: the baked image (for a JSON/JWS case, the text baked into a plain PNG with `obverify._orchestration.bake`).

For each valid case, every import succeeds, `to_badgr()` validates against the JSON Schema of the seed's
Assertion (schemas/backpack/, written from the seed document), and the imports of one badge give the same
`dedupe_key`. For every case, re-verifying from the stored `original` gives the import's verdict again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from jsonschema import Draft202012Validator
from loopback import LoopbackServer, json_route, serve
from referencing import Registry, Resource

from obverify import (
    Code,
    DocumentStore,
    HttpLoader,
    LoadError,
    VerificationPolicy,
    import_badge,
    reverify_import,
)
from obverify._core.loader import Document
from obverify._core.timeparse import parse_datetime
from obverify._engines.schemas import schema_errors
from obverify._orchestration.bake import bake
from obverify._orchestration.importer.inputs import InputKind
from obverify._orchestration.unbake import unbake

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
SCHEMAS = ROOT / "schemas" / "backpack"
PLAIN_PNG = (CASES / "img-png-no-badge" / "input.png").read_bytes()
IMPORTED = "https://obverify.dev/schemas/backpack/imported-assertion.json"
DEFAULT_IDENTITIES = ["alice@example.org", "learner@example.org", "did:example:learner", "did:example:alice"]


def _validator() -> Draft202012Validator:
    resources = []
    for name in ("assertion.json", "imported-assertion.json"):
        schema = json.loads((SCHEMAS / name).read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry[Any] = Registry().with_resources(resources)
    imported = json.loads((SCHEMAS / "imported-assertion.json").read_text())
    return Draft202012Validator(imported, registry=registry)


VALIDATOR = _validator()


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file())


def profile_of(expected: dict[str, Any]) -> dict[str, list[str]]:
    """The case's identities typed as a backpack would hold them (defaults: the fixtures' recipients)."""
    identities = expected.get("recipients") or DEFAULT_IDENTITIES
    profile: dict[str, list[str]] = {"email": [], "url": [], "telephone": [], "did": []}
    for ident in identities:
        key = ("did" if ident.startswith("did:") else "url" if ident.startswith(("http:", "https:"))
               else "telephone" if ident.startswith("+") else "email")
        profile[key].append(ident)
    return {k: v for k, v in profile.items() if v}


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    with serve({}) as srv:
        yield srv


NOT_AWARDED = {"BadgeClass", "Issuer", "Profile", "Endorsement", "RevocationList", "CryptographicKey"}


class LoopbackOnly:
    """The fallback behind a case's document store: the loopback server, and nothing else (a URL the store
    lacks fails as it would offline, so no test ever resolves a name)."""

    def __init__(self, server: LoopbackServer) -> None:
        self.prefix = server.url("/")
        self.http = HttpLoader(server.policy())

    def load(self, url: str, *, accept: str | None = None) -> Document:
        if url.startswith(self.prefix):
            return self.http.load(url, accept=accept)
        raise LoadError(Code.FETCH_FAILED, url, "not in the document store (offline)")


class Case:
    """One fixture case, ready to import."""

    def __init__(self, path: Path, server: LoopbackServer) -> None:
        self.path = path
        self.expected = json.loads((path / "expected.json").read_text())
        self.at = parse_datetime(self.expected["at"])
        self.profile = profile_of(self.expected)
        # a case may run under a policy (issue 15: `unsafe_accept_unbound_keys`); imports take the same one
        self.policy = VerificationPolicy(**self.expected["policy"]) if "policy" in self.expected else None
        self.data = (path / self.expected["input"]).read_bytes()
        docs = path / "documents"
        self.fallback = LoopbackOnly(server)
        self.docs = docs if (docs / "index.json").is_file() else None
        self.server = server

    def loader(self) -> DocumentStore:
        if self.docs is None:
            return DocumentStore(fallback=self.fallback)
        return DocumentStore.from_directory(self.docs, fallback=self.fallback)

    def serve(self, body: bytes, content_type: str) -> str:
        route = f"/{self.path.name}"
        assert isinstance(self.server.routes, dict)
        self.server.routes[route] = json_route(body, headers={"Content-Type": content_type})
        return self.server.url(route)

    def inputs(self) -> dict[str, Any]:
        """Input kind -> request value, for every input that applies to this case."""
        data = self.data
        if data.startswith(b"\x89PNG") or data.lstrip().startswith((b"<", b"\x1f\x8b")):
            kind = "image/png" if data.startswith(b"\x89PNG") else "image/svg+xml"
            out: dict[str, Any] = {"image": data, "url": self.serve(data, kind)}
            baked = unbake(data)
            if baked.ok and baked.payload is not None:
                if baked.payload_kind == "url":
                    out["url"] = baked.payload
                else:
                    out["assertion"] = baked.payload
            return out
        text = data.decode("utf-8").strip()
        if text.startswith(("http://", "https://")):
            return {"url": text, "image": bake(PLAIN_PNG, text)}
        out = {"assertion": text, "url": self.serve(data, "application/json")}
        with contextlib.suppress(ValueError):  # a payload the baker refuses: no image import applies
            out["image"] = bake(PLAIN_PNG, text)
        return out

    def run(self, **body: Any) -> Any:
        return import_badge(**body, recipient_profile=self.profile, at=self.at, loader=self.loader(),
                            policy=self.policy)


def _valid_badges() -> list[Path]:
    out = []
    for path in _cases():
        expected = json.loads((path / "expected.json").read_text())
        if not expected["valid"] or path.name.startswith("ob3-endorsement-"):  # an endorsement names no recipient
            continue
        if expected["input"].endswith(".json"):
            types = json.loads((path / expected["input"]).read_text()).get("type")
            if set(types if isinstance(types, list) else [types]) & NOT_AWARDED:
                continue
        out.append(path)
    return out


@pytest.mark.parametrize("path", _valid_badges(), ids=lambda p: p.name)
def test_each_input_imports_the_badge_to_the_seed_schema_with_one_dedupe_key(path: Path,
                                                                              server: LoopbackServer) -> None:
    case = Case(path, server)
    keys: dict[str, str | None] = {}
    for kind, value in case.inputs().items():
        result = case.run(**{kind: value})
        assert result.ok, (kind, result.to_envelope())
        assert result.assertion is not None
        entity = result.assertion.to_badgr()
        errors = sorted(VALIDATOR.iter_errors(entity), key=lambda e: list(e.path))
        assert not errors, (kind, [f"{list(e.path)}: {e.message}" for e in errors])
        assert schema_errors(entity, IMPORTED) == []  # the bundled interpreter agrees
        assert all(isinstance(v, dict) for v in entity["extensions"].values())  # the seed's {NAME: {}}
        assert result.to_envelope()["result"] == [entity]
        assert entity["openBadgeId"] == result.dedupe_key or result.dedupe_key.startswith("sha256:")
        assert json.loads(entity["originalJson"]) if entity["originalJson"].startswith("{") else entity["originalJson"]
        keys[kind] = result.dedupe_key
        again = reverify_import(result.assertion.original, input_kind=result.assertion.input_kind,
                                recipient_profile=case.profile, at=case.at, loader=case.loader(),
                                policy=case.policy)
        assert again.still_valid, (kind, again.result.to_envelope())
        assert again.changes == ()
        assert again.result.dedupe_key == result.dedupe_key
    assert len(keys) >= 2, keys
    assert len(set(keys.values())) == 1, keys


def test_there_are_enough_valid_badges_to_import() -> None:
    assert len(_valid_badges()) >= 40


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.name)
def test_reverifying_the_stored_original_gives_the_import_verdict(path: Path, server: LoopbackServer) -> None:
    case = Case(path, server)
    kind, value = next(iter(case.inputs().items()))
    if "assertion" in case.inputs():
        kind, value = "assertion", case.inputs()["assertion"]
    first = case.run(**{kind: value})
    again = reverify_import(first.original if first.original is not None else value,
                            input_kind=first.input_kind or cast("InputKind", kind), recipient_profile=case.profile,
                            at=case.at, loader=case.loader(), policy=case.policy)
    assert again.result.ok == first.ok
    assert [e.code for e in again.result.errors] == [e.code for e in first.errors]
    assert again.result.field_errors == first.field_errors
    assert again.result.dedupe_key == first.dedupe_key
    assert again.revoked == first.report.revoked
    assert again.expired == first.report.expired
    if first.ok:
        assert again.changes == ()
    # and without being told the kind: the stored original says what it is
    guessed = reverify_import(first.original if first.original is not None else value,
                              recipient_profile=case.profile, at=case.at, loader=case.loader(),
                              policy=case.policy)
    assert guessed.result.ok == first.ok


def test_a_badge_revoked_after_import_is_reported_revoked(server: LoopbackServer) -> None:
    """OB 2.0 signed: the issuer adds the badge to its revocation list after the import."""
    case = Case(CASES / "ob2-signed-rs256-valid", server)
    first = case.run(assertion=case.data.decode())
    assert first.ok, first.to_envelope()
    store = case.loader()
    listed = json.loads(store.load("https://issuer.example/revocations").content)
    listed["revokedAssertions"].append(first.dedupe_key)
    store.add("https://issuer.example/revocations", json.dumps(listed))
    again = reverify_import(first.original or "", recipient_profile=case.profile, at=case.at, loader=store)
    assert again.revoked is True
    assert again.still_valid is False
    assert "revoked" in again.changes
    assert again.result.error_code == "ASSERTION_REVOKED"


def test_a_hosted_badge_gone_after_import_is_reported_revoked(server: LoopbackServer) -> None:
    """OB 2.0 hosted, imported by URL: the issuer later answers 410 Gone at the assertion's id."""
    case = Case(CASES / "ob2-hosted-valid", server)
    badge_id = json.loads(case.data)["id"]
    first = case.run(url=badge_id)
    assert first.ok, first.to_envelope()
    assert first.original == badge_id
    store = case.loader()
    store.add(badge_id, Document(url=badge_id, content=b'{"id": "%s", "revoked": true}' % badge_id.encode(),
                                 status=410))
    again = reverify_import(badge_id, recipient_profile=case.profile, at=case.at, loader=store)
    assert again.revoked is True
    assert "revoked" in again.changes


def test_a_badge_expired_since_import_is_reported_expired(server: LoopbackServer) -> None:
    case = Case(CASES / "ob2-time-not-expired", server)
    first = case.run(**dict([next(iter(case.inputs().items()))]))
    assert first.ok, first.to_envelope()
    assert first.assertion is not None
    assert first.assertion.expires is not None
    later = parse_datetime(first.assertion.expires).replace(year=parse_datetime(first.assertion.expires).year + 1)
    again = reverify_import(first.original or "", recipient_profile=case.profile, at=later, loader=case.loader())
    assert again.expired is True
    assert again.changes[0] == "expired"


@pytest.mark.parametrize("change", [{"narrative": None}, {"revoked": "false"}, {"badgeclass": "entity-id"},
                                    {"issuedOn": "2024-01-01T00:00:00+00:00"}, {"recipient": {"identity": 1}},
                                    {"evidence": [{"url": None}]}, {"unknownKey": 1}])
def test_the_seed_schema_refuses_what_the_seed_does_not_allow(change: dict[str, Any], server: LoopbackServer) -> None:
    """The schema can fail: nulls, other JSON types, endpoint-only keys and unknown keys are refused."""
    case = Case(CASES / "ob2-hosted-valid", server)
    result = case.run(assertion=case.data.decode())
    assert result.assertion is not None
    entity = {**result.assertion.to_badgr(), **change}
    assert list(VALIDATOR.iter_errors(entity))
    assert schema_errors(entity, IMPORTED)


def test_image_url_of_a_baked_image_imports_the_badge(server: LoopbackServer) -> None:
    """The seed's `image` may be an http(s) URL of the baked image (Badgr silently drops it)."""
    case = Case(CASES / "ob2-baked-png-itxt", server)
    url = case.serve(case.data, "image/png")
    result = case.run(image=url)
    assert result.ok, result.to_envelope()
    assert result.input_kind == "image"
    assert result.original == url
    assert result.assertion is not None
    assert result.assertion.image_data is not None
    assert result.assertion.image_data.content == case.data
    same = case.run(image=case.data)
    assert same.dedupe_key == result.dedupe_key


def test_image_url_answering_json_is_a_field_error(server: LoopbackServer) -> None:
    case = Case(CASES / "ob2-hosted-valid", server)
    url = case.serve(case.data, "image/png")  # the Content-Type lies: the bytes decide
    result = case.run(image=url)
    assert result.field_errors == {"image": ["Invalid image."]}


def test_url_on_a_private_address_is_blocked_before_any_connection(server: LoopbackServer) -> None:
    """The default network policy refuses loopback: `url_blocked`, Badgr name FETCH_HTTP_NODE, no socket."""
    case = Case(CASES / "ob2-hosted-valid", server)
    url = case.serve(case.data, "application/json")
    before = server.connections
    bodies: list[dict[str, Any]] = [{"url": url}, {"image": url}]
    for body in bodies:
        result = import_badge(**body, recipient_profile=case.profile, at=case.at)
        assert result.error_code == "FETCH_HTTP_NODE", result.to_envelope()
        assert [e.code for e in result.errors] == ["url_blocked"]
    assert server.connections == before


def test_an_ob3_credential_revoked_after_import_is_reported_revoked(server: LoopbackServer) -> None:
    """OB 3.0: the issuer sets the credential's bit in its (signed) status list after the import."""
    before = Case(CASES / "ob3-status-clear-before-revocation", server)
    after = Case(CASES / "ob3-status-bitstring-revoked", server)
    assert before.data == after.data  # one credential, two moments of its status list
    first = before.run(assertion=before.data.decode())
    assert first.ok, first.to_envelope()
    again = reverify_import(first.original or "", recipient_profile=before.profile, at=before.at,
                            loader=after.loader())
    assert again.revoked is True
    assert again.changes[0] == "revoked"
    assert again.result.error_code == "ASSERTION_REVOKED"
