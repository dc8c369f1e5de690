"""The interop corpus's "support" documents (`role: "support"`): each judged as its `verify_as` describes.

The manifest lets a badge-only harness skip these; we judge them too, because other cases fetch them and a
verifier must read them right on their own:

- `did-document` / `key-document`: the DID (or https controller) resolves, through a store serving the
  entry's documents, to at least one usable key listed under `assertionMethod` (`keys_of_issuer`);
- `ob2-*` (BadgeClass, Issuer, RevocationList, CryptographicKey): `verify` on the document, served at its
  `served_at` URLs, with the other support documents served where other cases fetch them (a BadgeClass's
  issuer is the corpus's Issuer example);
- `status-list` ("usable for status checks at `at`"): `verify_status_list`, on the file's bytes and on its
  `served_at` URL through the store.

Expected "invalid" needs `reason` (or an `also_acceptable` code) among the errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers.interop import manifest_entries
from obverify import URL, DocumentStore, verify, verify_status_list
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._core.timeparse import parse_datetime
from obverify._engines.keys.documents import keys_of_issuer

DEFAULT_AT = "2026-03-01T00:00:00Z"


SUPPORT = manifest_entries("support")


def _store(root: Path, entry: dict[str, Any], *, with_support: bool) -> DocumentStore:
    store = DocumentStore({url: (root / rel).read_bytes() for url, rel in entry.get("documents", {}).items()})
    served = [other for other in SUPPORT if with_support and other is not entry] + [entry]
    for doc in served:
        for url in doc.get("served_at", []):
            store.add(url, (root / doc["file"]).read_bytes())
    return store


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [f"{e['kind']}:{e['id']}" for e in entries]


def test_every_support_kind_is_judged(interop_dir: Path) -> None:
    kinds = {e["kind"] for e in SUPPORT}
    assert kinds == {"did-document", "key-document", "ob2-badgeclass", "ob2-issuer", "ob2-revocation-list",
                     "ob2-cryptographic-key", "status-list"}
    assert len(SUPPORT) == 19


KEY_DOCS = [e for e in SUPPORT if e["kind"] in ("did-document", "key-document")]


@pytest.mark.interop
@pytest.mark.parametrize("entry", KEY_DOCS, ids=_ids(KEY_DOCS))
def test_interop_key_document(interop_dir: Path, entry: dict[str, Any]) -> None:
    controller = entry.get("did") or entry["served_at"][0]
    ctx = RunContext(loader=_store(interop_dir, entry, with_support=False), at=parse_datetime(DEFAULT_AT),
                     recipients=(), out=Collector(Report()))
    keys = keys_of_issuer(ctx, controller)
    assert entry["expected"] == "valid"  # every key document of the corpus is usable
    assert keys, f"{controller}: no usable assertionMethod key"
    for key in keys:
        assert key.controller == controller
        assert key.id.startswith(controller + "#")
        # the corpus notes name each key by its multibase; the method id's fragment is that key here
        assert key.id.split("#", 1)[1] in entry["notes"]


OB2_DOCS = [e for e in SUPPORT if e["kind"].startswith("ob2-")]


@pytest.mark.interop
@pytest.mark.parametrize("entry", OB2_DOCS, ids=_ids(OB2_DOCS))
def test_interop_ob2_document(interop_dir: Path, entry: dict[str, Any]) -> None:
    report = verify((interop_dir / entry["file"]).read_bytes(), at=parse_datetime(entry.get("at") or DEFAULT_AT),
                    loader=_store(interop_dir, entry, with_support=True), objects="any")
    detail = report.to_json(indent=1)
    assert report.version == "2.0", detail
    if entry["expected"] == "valid":
        assert report.valid, detail
    else:
        assert not report.valid, detail
        assert {entry["reason"], *entry.get("also_acceptable", [])} & set(report.codes()), detail


STATUS_LISTS = [e for e in SUPPORT if e["kind"] == "status-list"]


@pytest.mark.interop
@pytest.mark.parametrize("entry", STATUS_LISTS, ids=_ids(STATUS_LISTS))
def test_interop_status_list(interop_dir: Path, entry: dict[str, Any]) -> None:
    at = parse_datetime(entry["at"])
    store = _store(interop_dir, entry, with_support=False)
    for source in ((interop_dir / entry["file"]).read_bytes(), URL(entry["served_at"][0])):
        report = verify_status_list(source, at=at, loader=store)
        detail = report.to_json(indent=1)
        if entry["expected"] == "valid":
            assert report.valid, detail
            # the corpus's lists hold 100,000 entries: usable (the main expectation), below the Bitstring minimum
            assert "status_list_short" in [w.code for w in report.warnings], detail
        else:
            assert not report.valid, detail
            assert {entry["reason"], *entry.get("also_acceptable", [])} & set(report.codes()), detail
