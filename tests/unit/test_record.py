"""Record mode (`RecordingLoader`, `--record DIR`): what is written, and that an offline replay gives the same report.

The round trip runs over every project fixture case: verify through a `RecordingLoader` wrapping the case's
own store, then verify again offline from the recorded directory alone; `report.to_json()` must be identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from obverify import Code, Document, DocumentStore, LoadError, verify
from obverify._core.timeparse import parse_datetime
from obverify._engines.net.factory import make_loader
from obverify._engines.net.record import RecordingLoader

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file()) if CASES.is_dir() else []


def test_documents_and_failures_are_written_in_store_format(tmp_path: Path) -> None:
    inner = DocumentStore({
        "https://a.example/1": Document("https://a.example/1", b'{"a": 1}', "application/ld+json"),
        "https://a.example/gone": Document("https://a.example/gone", b'{"revoked": true}', "application/json", 410),
        "https://a.example/moved": Document(
            "https://a.example/moved", b"\x89PNG", "image/png", final_url="https://cdn.example/m.png"
        ),
    })
    rec = RecordingLoader(inner, tmp_path / "rec")
    assert rec.load("https://a.example/1").content == b'{"a": 1}'
    rec.load("https://a.example/gone")
    rec.load("https://a.example/moved")
    with pytest.raises(LoadError):
        rec.load("https://a.example/missing")
    index = json.loads((tmp_path / "rec" / "index.json").read_text())
    one = index["https://a.example/1"]
    assert one["contentType"] == "application/ld+json"
    assert one["status"] == 200
    assert one["file"].endswith(".json")
    assert (tmp_path / "rec" / one["file"]).read_bytes() == b'{"a": 1}'
    assert index["https://a.example/gone"]["status"] == 410
    assert index["https://a.example/moved"]["finalUrl"] == "https://cdn.example/m.png"
    assert index["https://a.example/missing"] == {
        "error": "fetch_failed", "reason": "not in the document store (offline)",
    }

    replay = DocumentStore.from_directory(tmp_path / "rec")
    for url in ("https://a.example/1", "https://a.example/gone", "https://a.example/moved"):
        assert replay.load(url) == inner.load(url)
    with pytest.raises(LoadError) as info:
        replay.load("https://a.example/missing")
    assert (info.value.code, info.value.reason) == (Code.FETCH_FAILED, "not in the document store (offline)")


def test_http_status_failures_keep_their_status(tmp_path: Path) -> None:
    class Failing:
        def load(self, url: str, *, accept: str | None = None) -> Document:
            raise LoadError(Code.FETCH_FAILED, url, "HTTP status 503", status=503)

    with pytest.raises(LoadError):
        RecordingLoader(Failing(), tmp_path).load("https://a.example/x")
    with pytest.raises(LoadError) as info:
        DocumentStore.from_directory(tmp_path).load("https://a.example/x")
    assert info.value.status == 503


def test_an_empty_recording_is_a_valid_store(tmp_path: Path) -> None:
    RecordingLoader(DocumentStore(), tmp_path / "new")
    assert DocumentStore.from_directory(tmp_path / "new").urls() == []


def test_an_existing_recording_is_extended(tmp_path: Path) -> None:
    RecordingLoader(DocumentStore({"https://a.example/1": "1"}), tmp_path).load("https://a.example/1")
    RecordingLoader(DocumentStore({"https://a.example/2": "2"}), tmp_path).load("https://a.example/2")
    assert sorted(DocumentStore.from_directory(tmp_path).urls()) == ["https://a.example/1", "https://a.example/2"]


def test_a_broken_existing_index_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="cannot extend"):
        RecordingLoader(DocumentStore(), tmp_path)


def test_make_loader_wraps_everything_in_the_recorder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.json").write_bytes(b"{}")
    (docs / "index.json").write_text(json.dumps({"https://a.example/a": "a.json"}))
    loader = make_loader(documents=docs, offline=True, record=tmp_path / "rec")
    assert isinstance(loader, RecordingLoader)
    loader.load("https://a.example/a")
    assert DocumentStore.from_directory(tmp_path / "rec").urls() == ["https://a.example/a"]


def _verify_case(case: Path, loader: Any) -> str:
    expected = json.loads((case / "expected.json").read_text())
    report = verify(
        (case / expected["input"]).read_bytes(),
        recipients=expected.get("recipients", []),
        at=parse_datetime(expected["at"]),
        loader=loader,
    )
    return report.to_json()


def test_there_are_cases_to_round_trip() -> None:
    assert len(_cases()) >= 40


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_record_then_offline_gives_the_identical_report(case: Path, tmp_path: Path) -> None:
    docs = case / "documents"
    store = DocumentStore.from_directory(docs) if (docs / "index.json").is_file() else DocumentStore()
    recorded = _verify_case(case, RecordingLoader(store, tmp_path / "rec"))
    replayed = _verify_case(case, make_loader(documents=tmp_path / "rec", offline=True))
    assert replayed == recorded
