"""`DocumentStore` (DESIGN.md §3, §5): the index format, its extensions, what it refuses, what it records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obverify import Code, Document, DocumentStore, LoadError


def write_store(root: Path, index: object, files: dict[str, bytes] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in (files or {}).items():
        (root / name).write_bytes(data)
    (root / "index.json").write_text(json.dumps(index))
    return root


def test_index_forms(tmp_path: Path) -> None:
    root = write_store(
        tmp_path / "s",
        {
            "https://a.example/1": "one.json",
            "https://a.example/2": {"file": "two.png", "contentType": "image/png"},
            "https://a.example/3": {"file": "one.json", "status": 410, "finalUrl": "https://a.example/3b"},
        },
        {"one.json": b'{"n": 1}', "two.png": b"\x89PNG"},
    )
    store = DocumentStore.from_directory(root)
    one = store.load("https://a.example/1")
    assert (one.content, one.content_type, one.status) == (b'{"n": 1}', None, 200)
    two = store.load("https://a.example/2")
    assert (two.content, two.content_type) == (b"\x89PNG", "image/png")
    three = store.load("https://a.example/3")
    assert (three.status, three.final_url) == (410, "https://a.example/3b")
    assert sorted(store.urls()) == ["https://a.example/1", "https://a.example/2", "https://a.example/3"]


def test_recorded_errors_are_replayed(tmp_path: Path) -> None:
    root = write_store(
        tmp_path / "s",
        {
            "https://a.example/gone": {"error": "fetch_failed", "reason": "HTTP status 404", "status": 404},
            "https://a.example/bad": {"error": "url_blocked", "reason": "address 10.0.0.1 is not public"},
        },
    )
    store = DocumentStore.from_directory(root)
    assert "https://a.example/gone" in store
    with pytest.raises(LoadError) as info:
        store.load("https://a.example/gone")
    assert (info.value.code, info.value.reason, info.value.status) == (Code.FETCH_FAILED, "HTTP status 404", 404)
    with pytest.raises(LoadError) as info:
        store.load("https://a.example/bad")
    assert (info.value.code, info.value.status) == (Code.URL_BLOCKED, None)


@pytest.mark.parametrize(
    "entry",
    [
        {"error": "expired", "reason": "x"},
        {"error": "fetch_failed"},
        {"error": "fetch_failed", "reason": "x", "status": "404"},
        {"contentType": "application/json"},
        42,
    ],
)
def test_malformed_entries_are_usage_errors(tmp_path: Path, entry: object) -> None:
    root = write_store(tmp_path / "s", {"https://a.example/": entry})
    with pytest.raises(ValueError, match=r"index\.json"):
        DocumentStore.from_directory(root)


@pytest.mark.parametrize("name", ["../outside.json", "/etc/hostname", "sub/../../outside.json"])
def test_files_outside_the_store_are_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "outside.json").write_bytes(b"{}")
    root = write_store(tmp_path / "s", {"https://a.example/": name})
    with pytest.raises(ValueError, match="outside"):
        DocumentStore.from_directory(root)


@pytest.mark.parametrize("index", [None, "[]", "{not json"])
def test_missing_or_broken_index(tmp_path: Path, index: str | None) -> None:
    root = tmp_path / "s"
    root.mkdir()
    if index is not None:
        (root / "index.json").write_text(index)
    with pytest.raises(ValueError, match="index"):
        DocumentStore.from_directory(root)


def test_requested_urls_are_recorded_in_order_and_misses_fail_offline() -> None:
    store = DocumentStore({"https://a.example/x": "{}"})
    store.load("https://a.example/x")
    with pytest.raises(LoadError) as info:
        store.load("https://a.example/missing")
    assert info.value.code == Code.FETCH_FAILED
    assert store.requested == ["https://a.example/x", "https://a.example/missing"]


def test_fallback_serves_misses_only() -> None:
    behind = DocumentStore({"https://a.example/y": Document(url="https://a.example/y", content=b"[]")})
    store = DocumentStore({"https://a.example/x": b"{}"}, fallback=behind)
    assert store.load("https://a.example/x").content == b"{}"
    assert store.load("https://a.example/y").content == b"[]"
    assert behind.requested == ["https://a.example/y"]


def test_add_error_answers_for_the_url_asked() -> None:
    store = DocumentStore()
    store.add_error("https://a.example/z", LoadError(Code.FETCH_FAILED, "elsewhere", "HTTP status 500", status=500))
    with pytest.raises(LoadError) as info:
        store.load("https://a.example/z")
    assert info.value.url == "https://a.example/z"
    assert info.value.status == 500
