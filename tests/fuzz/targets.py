"""Fuzz targets (issue 10): each takes the fuzzer's bytes and raises `FuzzFailureError` (or lets an exception
escape) when obverify breaks its promise: a report (or `Baked`, or `ImportResult`), never an exception, in
bounded time, for any input; and a verdict consistent with its own findings.

Nothing here touches the network: every verification runs offline against one `DocumentStore` holding every
fixture case's documents (so mutated signed credentials still resolve their keys and status lists).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
AT_TEXT = "2026-01-01T00:00:00Z"
MAX_SECONDS = 5.0
TARGETS = ("unbake", "verify", "import_badge")


class FuzzFailureError(AssertionError):
    """An invariant a fuzz input broke."""


@cache
def store() -> object:
    """Every fixture case's documents in one offline store (the first case naming a URL wins)."""
    from obverify import DocumentStore, LoadError

    combined = DocumentStore()
    for case in sorted(CASES.iterdir()):
        if not (case / "documents" / "index.json").is_file():
            continue
        one = DocumentStore.from_directory(case / "documents")
        for url in one.urls():
            if url in combined:
                continue
            try:
                combined.add(url, one.load(url))
            except LoadError as exc:
                combined.add_error(url, exc)
    return combined


def seeds(target: str) -> list[bytes]:
    """The fixture inputs a target starts from: images for unbake; JSON, JWS, PNG and SVG for the others."""
    out: list[bytes] = []
    for case in sorted(CASES.iterdir()):
        expected = case / "expected.json"
        if not expected.is_file():
            continue
        data = (case / json.loads(expected.read_text())["input"]).read_bytes()
        if target == "unbake" and not data.startswith((b"\x89PNG", b"<", b"\x1f\x8b", b"<?xml")):
            continue
        if len(data) <= 256 * 1024:
            out.append(data)
    return out


def _at() -> object:
    from obverify._core.timeparse import parse_datetime

    return parse_datetime(AT_TEXT)


def _check_report(report: object) -> None:
    from obverify import Report

    if not isinstance(report, Report):
        raise FuzzFailureError(f"not a Report: {type(report).__name__}")
    data = json.loads(report.to_json())
    if data["valid"] is not report.valid or not isinstance(report.valid, bool):
        raise FuzzFailureError("to_json disagrees with valid")
    if report.valid and (report.errors or report.error_count or report.failed_stages):
        raise FuzzFailureError("valid with errors recorded")
    if report.error_count < len(report.errors):
        raise FuzzFailureError("error_count below the listed errors")
    if any("internal error" in f.message for f in report.errors):
        raise FuzzFailureError("internal error: " + "; ".join(f.message for f in report.errors))


def one_unbake(data: bytes) -> None:
    from obverify import Baked, unbake

    baked = unbake(data)
    if not isinstance(baked, Baked):
        raise FuzzFailureError("unbake did not return Baked")
    if (baked.error or "").startswith("internal error"):
        raise FuzzFailureError(f"unbake: {baked.error}")


def one_verify(data: bytes) -> None:
    from obverify import verify

    _check_report(verify(data, at=_at(), loader=store()))  # type: ignore[arg-type]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    _check_report(verify(text, at=_at(), loader=store()))  # type: ignore[arg-type]


def one_import(data: bytes) -> None:
    from obverify import import_badge
    from obverify._orchestration.importer import ImportResult

    if not data:
        return
    field, body = data[0] % 4, data[1:]
    text = body.decode("utf-8", "surrogateescape") if field != 2 else ""
    value: object
    if field == 0:
        kwargs: dict[str, object] = {"url": text}
    elif field == 1:
        kwargs = {"assertion": text}
    elif field == 2:
        kwargs = {"image": body}
    else:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            value = text
        kwargs = {"assertion": value}
    result = import_badge(url=kwargs.get("url"), assertion=kwargs.get("assertion"), image=kwargs.get("image"),
                          recipient_profile={"email": ["learner@example.org", "alice@example.org"]},
                          at=_at(), loader=store())  # type: ignore[arg-type]
    if not isinstance(result, ImportResult):
        raise FuzzFailureError("import_badge did not return an ImportResult")
    json.dumps(result.to_envelope(), default=str)


ONE: dict[str, Callable[[bytes], None]] = {"unbake": one_unbake, "verify": one_verify, "import_badge": one_import}


def run_one(target: str, data: bytes) -> float:
    """Run one input; raise on a broken invariant or a call over `MAX_SECONDS`; return the seconds taken."""
    started = time.monotonic()
    ONE[target](data)
    took = time.monotonic() - started
    if took > MAX_SECONDS:
        raise FuzzFailureError(f"{target} took {took:.1f} s (limit {MAX_SECONDS} s)")
    return took
