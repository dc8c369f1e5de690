"""Bundled contexts: pins hold, provenance is recorded, and each equals the published reference copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from obverify._core.resources import data_dir
from obverify._engines.contexts import bundled_context, bundled_urls, fetch_pin, matches_pin

REQUIRED = [
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/openbadges/v2",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
]


def _index() -> dict[str, dict[str, object]]:
    value = json.loads((data_dir() / "contexts" / "index.json").read_text("utf-8"))
    assert isinstance(value, dict)
    return value


def test_required_contexts_are_bundled_with_provenance() -> None:
    index = _index()
    for url in REQUIRED:
        entry = index[url]
        assert isinstance(entry["file"], str), url
        assert entry["package"], url
        assert entry["version"], url
        assert entry["licence"], url
        assert isinstance(entry["upstream_sha256"], str), url
        assert len(entry["upstream_sha256"]) == 64, url
        doc = bundled_context(url)
        assert isinstance(doc, dict), url
        assert "@context" in doc, url
    assert set(REQUIRED) <= set(bundled_urls())


def test_every_stored_file_matches_its_pin() -> None:
    for url, entry in _index().items():
        if entry["file"] is None:
            assert fetch_pin(url) is not None, url
            continue
        raw = (data_dir() / "contexts" / str(entry["file"])).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], url
        # stored compact (our own bytes), never the upstream bytes
        assert raw == json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_unknown_url_is_not_bundled() -> None:
    assert bundled_context("https://example.test/context.json") is None
    assert fetch_pin("https://example.test/context.json") is None
    assert bundled_context("https://w3id.org/openbadges/v1") is None  # fetch-pinned, not bundled


def test_pinned_context_accepts_only_its_content() -> None:
    url = "https://w3id.org/openbadges/v1"
    assert not matches_pin(url, {"@context": {"id": "@id"}})
    assert not matches_pin("https://example.test/x", {"@context": {}})


def test_bundled_contexts_equal_the_reference_copies(spec_dir: Path) -> None:
    ref_index = json.loads((spec_dir / "contexts" / "index.json").read_text("utf-8"))
    compared = 0
    for url, entry in _index().items():
        ref_name = ref_index.get(url)
        if ref_name is None:
            continue
        reference = json.loads((spec_dir / "contexts" / ref_name).read_text("utf-8"))
        if entry["file"] is None:
            assert matches_pin(url, reference), url
        else:
            assert bundled_context(url) == reference, url
        compared += 1
    assert compared == len(_index())  # every bundled URL has a reference copy


@pytest.mark.parametrize("url", REQUIRED)
def test_bundled_context_is_cached_and_stable(url: str) -> None:
    assert bundled_context(url) is bundled_context(url)
