"""Not a badge (issue 12): `verify`, `import_badge` and `obverify audit` judge awarded badges only.

Regression: on main at 53a4926, a BadgeClass, an issuer Profile or an Endorsement given as the badge verified
as valid (`verify(...).valid` True, `import_badge` ok, `obverify audit` counted it valid); a status list or a
DID document gave another code that did not say what the document was.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from obverify import DocumentStore, bake, import_badge, verify
from obverify._core.timeparse import parse_datetime
from obverify.cli import main

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = datetime(2024, 6, 1, tzinfo=UTC)
NOT_AWARDED = {
    "ob2-not-awarded-badgeclass": "BadgeClass",
    "ob2-not-awarded-profile": "Profile",
    "ob2-not-awarded-cryptographic-key": "CryptographicKey",
    "ob2-standalone-endorsement": "Endorsement",
    "ob3-not-awarded-status-list": "BitstringStatusListCredential",
    "ob3-not-awarded-did-document": "DID document",
}


def _load(name: str) -> tuple[bytes, DocumentStore, datetime]:
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text())
    docs = case / "documents"
    store = DocumentStore.from_directory(docs) if (docs / "index.json").is_file() else DocumentStore()
    return (case / expected["input"]).read_bytes(), store, parse_datetime(expected["at"])


@pytest.mark.parametrize(("name", "kind"), NOT_AWARDED.items())
def test_a_non_awarded_document_is_input_invalid_naming_what_it_is(name: str, kind: str) -> None:
    data, store, at = _load(name)
    report = verify(data, at=at, loader=store)
    assert report.valid is False
    assert report.codes() == ["input_invalid"]
    article = "an" if kind[0] in "AEIOU" else "a"
    assert report.errors[0].message == f"this is {article} {kind}, not an awarded badge"
    assert report.related["type"] == kind
    assert report.to_dict()["objectType"] == kind
    assert store.requested == []  # refused before anything was fetched


@pytest.mark.parametrize("name", ["ob2-not-awarded-badgeclass", "ob3-not-awarded-status-list"])
def test_a_non_awarded_document_baked_into_an_image_is_refused_too(name: str) -> None:
    data, store, at = _load(name)
    png = bake((CASES / "img-png-no-badge" / "input.png").read_bytes(), data.decode())
    report = verify(png, at=at, loader=store)
    assert report.codes() == ["input_invalid"]
    assert "not an awarded badge" in report.errors[0].message


def test_a_url_answering_a_badge_class_is_refused() -> None:
    data, store, at = _load("ob2-not-awarded-badgeclass")
    store.add("https://issuer.example/somewhere", data)
    report = verify("https://issuer.example/somewhere", at=at, loader=store)
    assert report.codes() == ["input_invalid"]


def test_objects_any_judges_the_standalone_document() -> None:
    data, store, at = _load("ob2-standalone-badgeclass")
    assert verify(data, at=at, loader=store).valid is False
    report = verify(data, at=at, loader=DocumentStore.from_directory(CASES / "ob2-standalone-badgeclass" / "documents"),
                    objects="any")
    assert report.valid, report.to_json()
    assert report.related["type"] == "BadgeClass"


def test_objects_must_be_awarded_or_any() -> None:
    with pytest.raises(ValueError, match="objects"):
        verify(b"{}", at=AT, loader=DocumentStore(), objects="all")  # type: ignore[arg-type]


def test_the_report_names_the_object_type_of_an_awarded_badge() -> None:
    data, store, at = _load("ob3-eddsa-rdfc-valid")
    assert verify(data, at=at, loader=store).to_dict()["objectType"] == "OpenBadgeCredential"
    data, store, at = _load("ob2-hosted-valid")
    assert verify(data, at=at, loader=store).related["type"] == "Assertion"


@pytest.mark.parametrize(("name", "kind"), NOT_AWARDED.items())
def test_import_badge_refuses_a_non_awarded_document(name: str, kind: str) -> None:
    data, store, at = _load(name)
    result = import_badge(assertion=data.decode(), recipient_profile={"email": ["alice@example.org"]}, at=at,
                          loader=store)
    assert result.ok is False
    assert result.error_code == "INVALID_INPUT_TYPE"
    assert [e.code for e in result.errors] == ["input_invalid"]
    assert result.errors[0].message.endswith(f"{kind}, not an awarded badge")


def test_audit_does_not_count_non_awarded_objects_as_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in NOT_AWARDED:
        data, _store, _at = _load(name)
        (tmp_path / f"{name}.json").write_bytes(data)
    shutil.copy(CASES / "ob2-hosted-valid" / "input.json", tmp_path / "good.json")
    status = main(["audit", str(tmp_path), "--documents", str(CASES / "ob2-hosted-valid" / "documents"),
                   "--offline", "--at", "2024-06-01T00:00:00Z"])
    out, err = capsys.readouterr()
    lines = {Path(line["path"]).name: line for line in map(json.loads, out.splitlines())}
    assert lines["good.json"]["valid"] is True
    assert [n for n, line in lines.items() if line["valid"]] == ["good.json"]
    assert status == 1
    assert "valid=1" in err


def test_cli_any_object_judges_the_standalone_document(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-standalone-badgeclass"
    argv = ["verify", str(case / "input.json"), "--documents", str(case / "documents"), "--offline",
            "--at", "2024-06-01T00:00:00Z", "--json"]
    assert main(argv) == 1
    assert json.loads(capsys.readouterr().out)["errors"][0]["code"] == "input_invalid"
    assert main([*argv, "--any-object"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_a_bom_before_a_compact_jws_is_verified_as_the_jws() -> None:
    """Regression (issue 10 problem 6): sniff took a BOM-prefixed JWS as a JWS, then decoding it as ASCII
    raised (reported as an internal error, input_invalid); on main at 0afe302 it still did."""
    data, store, at = _load("ob2-signed-rs256-valid")
    report = verify(b"\xef\xbb\xbf" + data.strip(), at=at, loader=store)
    assert report.valid, report.to_json()
