"""`import_badge` on every request-body shape the seed's `POST /v2/backpack/import` can receive (issue 12).

Each field can hold any JSON value (or bytes from Python); every shape ends in a result whose envelope has
the seed's keys, with a field error, a non-field error or a verification error, and no call raises.
Regression tests for issue 10 problems 3 and 6 (as they concern import_badge) and issue 12 are marked
with the behaviour they had before: on main at 53a4926 they read a local file, raised, or misread input.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obverify import DocumentStore, import_badge
from obverify._orchestration.importer import texts
from obverify._orchestration.importer.inputs import MAX_INPUT_BYTES

AT = datetime(2024, 6, 1, tzinfo=UTC)
PROFILE = {"email": ["alice@example.org"]}
CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
ENVELOPE_KEYS = {"status", "result", "timestamp", "validationErrors", "nonFieldErrors", "fieldErrors", "errorCode",
                 "warnings"}


def _import(**body: Any) -> Any:
    return import_badge(**body, recipient_profile=PROFILE, at=AT, loader=DocumentStore())


def _envelope_is_a_refusal(result: Any) -> dict[str, Any]:
    env = result.to_envelope(timestamp=AT)
    assert set(env) == ENVELOPE_KEYS
    assert env["status"] == {"success": False, "description": "bad request"}
    assert result.http_status == 400
    assert env["result"] == []
    assert isinstance(env["errorCode"], str)
    assert all(isinstance(m, str) for m in env["validationErrors"])
    assert all(isinstance(m, str) for m in env["nonFieldErrors"])
    assert all(isinstance(k, str) and all(isinstance(m, str) for m in v) for k, v in env["fieldErrors"].items())
    assert env["validationErrors"] or env["nonFieldErrors"] or env["fieldErrors"]
    assert result.report.valid is False  # the report of a refused body never says valid
    assert result.assertion is None
    assert result.dedupe_key is None
    json.dumps(env, allow_nan=False)  # the envelope is JSON as it stands
    out: dict[str, Any] = env
    return out


def _png() -> bytes:
    return (CASES / "ob2-baked-png-itxt" / "input.png").read_bytes()


# --- url ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/etc/hostname", "file:///etc/hostname", "etc/passwd", "./input.json",
                                 "ftp://issuer.example/a", "gopher://x/", "javascript:alert(1)", "data:,{}",
                                 "C:\\Windows\\win.ini", "https://", "http:///path", "https://a.example:99999/"])
def test_url_that_is_not_http_is_a_field_error_and_opens_nothing(url: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression (issue 10 problem 3): on main, `url="/etc/hostname"` opened and read the file."""
    opened: list[Any] = []
    real_open = open

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    env = _envelope_is_a_refusal(_import(url=url))
    assert env["fieldErrors"]["url"][0] == texts.URL_INVALID
    assert env["errorCode"] == texts.INVALID_INPUT
    assert not [f for f in opened if "hostname" in str(f) or "passwd" in str(f) or "input.json" in str(f)]


def test_local_path_url_names_http_in_its_error() -> None:
    env = _envelope_is_a_refusal(_import(url="/etc/hostname"))
    assert texts.URL_ONLY_HTTP in env["fieldErrors"]["url"]


@pytest.mark.parametrize("url", [12, 1.5, True, ["https://a.example/1"], {"id": "https://a.example/1"}])
def test_url_of_another_json_type_is_a_field_error(url: Any) -> None:
    """Regression: on main, `url=12` was an "internal error (TypeError)" finding."""
    env = _envelope_is_a_refusal(_import(url=url))
    assert env["fieldErrors"] == {"url": [texts.NOT_A_STRING]}


def test_huge_url_is_refused_before_any_work() -> None:
    env = _envelope_is_a_refusal(_import(url="https://a.example/" + "a" * 100_000))
    assert env["fieldErrors"]["url"] == [texts.too_long(8192)]


def test_unreachable_url_is_fetch_http_node() -> None:
    env = _envelope_is_a_refusal(_import(url="https://unreachable.example/assertions/1"))
    assert env["errorCode"] == "FETCH_HTTP_NODE"
    assert env["validationErrors"][0].startswith("Unable to reach URL: ")
    assert env["fieldErrors"] == {}


# --- assertion --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "type_name"), [(123, "int"), (1.5, "float"), (True, "bool"), ([1, 2], "list"),
                                                   (["{}"], "list")])
def test_assertion_of_another_json_type_is_a_field_error(value: Any, type_name: str) -> None:
    """Regression (issue 10 problem 6): on main, `assertion=123` or a list raised AttributeError."""
    env = _envelope_is_a_refusal(_import(assertion=value))
    assert env["fieldErrors"] == {"assertion": [texts.expected_dict(type_name)]}


@pytest.mark.parametrize("text", ["[1, 2]", "123", '"a string"', "null"])
def test_assertion_text_of_another_json_type_is_a_field_error(text: str) -> None:
    env = _envelope_is_a_refusal(_import(assertion=text))
    assert env["fieldErrors"]["assertion"][0].startswith(("Expected a dictionary", "JSON parse error"))


@pytest.mark.parametrize("value", ['{"a": "\ud800"}', "\ud800", '{"a": "\\ud800"}', {"a": "\udfff"},
                                   {"\ud800": 1}])
def test_lone_surrogate_in_assertion_is_a_field_error(value: Any) -> None:
    """Regression (issue 10 problem 6): on main, a lone surrogate raised UnicodeEncodeError out of import_badge."""
    env = _envelope_is_a_refusal(_import(assertion=value))
    assert env["fieldErrors"]["assertion"][0].startswith("JSON parse error - ")


@pytest.mark.parametrize("text", ["not json at all", "{not json", '{"a": 1, "a": 2}', '{"n": NaN}',
                                  "{" * 100 + "}" * 100, "https://issuer.example/assertions/1"])
def test_assertion_text_that_is_no_json_object_or_jws_is_a_field_error(text: str) -> None:
    env = _envelope_is_a_refusal(_import(assertion=text))
    assert "assertion" in env["fieldErrors"]


def test_assertion_mapping_that_json_cannot_carry_is_a_field_error() -> None:
    env = _envelope_is_a_refusal(_import(assertion={"x": {1, 2}}))
    assert "assertion" in env["fieldErrors"]
    env = _envelope_is_a_refusal(_import(assertion={"x": float("nan")}))
    assert "assertion" in env["fieldErrors"]


def test_deeply_nested_assertion_mapping_is_a_field_error() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    env = _envelope_is_a_refusal(_import(assertion=deep))
    assert "assertion" in env["fieldErrors"]


def test_huge_assertion_is_refused_before_parsing() -> None:
    env = _envelope_is_a_refusal(_import(assertion='{"a": "' + "x" * MAX_INPUT_BYTES + '"}'))
    assert env["fieldErrors"]["assertion"] == [texts.too_long(MAX_INPUT_BYTES)]


def test_bom_before_a_compact_jws_is_read_as_the_jws() -> None:
    """Regression (issue 10 problem 6): on main, a UTF-8 BOM before a JWS became "internal error
    (UnicodeDecodeError)"; now the token is verified (and fails on its own merits)."""
    token = (CASES / "ob2-signed-rs256-valid" / "input.txt").read_text().strip()
    store = DocumentStore.from_directory(CASES / "ob2-signed-rs256-valid" / "documents")
    result = import_badge(assertion="\ufeff" + token, recipient_profile=PROFILE, at=AT, loader=store)
    assert result.ok, result.report.to_json()
    assert result.original == "\ufeff" + token
    assert result.assertion is not None
    assert result.assertion.original_json == token


def test_unsigned_garbage_jws_is_a_verification_error_not_an_exception() -> None:
    env = _envelope_is_a_refusal(_import(assertion="eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.AAAA"))
    assert env["fieldErrors"] == {}
    assert env["validationErrors"]


# --- image ------------------------------------------------------------------------------------------------------


def test_image_bytes_data_uri_and_raw_base64_are_the_same_import() -> None:
    store = DocumentStore.from_directory(CASES / "ob2-baked-png-itxt" / "documents")
    png = _png()
    b64 = base64.b64encode(png).decode()
    results = [import_badge(image=form, recipient_profile=PROFILE, at=AT, loader=store)
               for form in (png, "data:image/png;base64," + b64, b64, "\n" + b64[:60] + "\n" + b64[60:] + "\n")]
    assert all(r.ok for r in results), [r.to_envelope(timestamp=AT) for r in results]
    assert len({r.dedupe_key for r in results}) == 1
    assert all(r.assertion is not None and r.assertion.image_data is not None
               and r.assertion.image_data.content == png for r in results)


@pytest.mark.parametrize(("image", "message"), [
    ("data:image/jpeg;base64,/9j/4AAQ", texts.INVALID_MIME),
    ("data:image/svg;base64,PHN2Zz4=", texts.INVALID_MIME),
    ("data:text/plain;base64,aGVsbG8=", texts.INVALID_MIME),
    ("data:image/png,rawbytes", texts.NOT_A_FILE),
    ("not base64!!", texts.NOT_A_FILE),
    ("aGVsbG8", texts.NOT_A_FILE),
    ("\ud800", texts.NOT_A_FILE),
    ("ünïcödé", texts.NOT_A_FILE),
    (base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00").decode(), texts.INVALID_PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", texts.INVALID_PNG),
    (b"GIF89a\x01\x00\x01\x00", texts.INVALID_PNG),
    (b"hello, not an image", texts.INVALID_IMAGE),
    ("data:image/png;base64,", texts.EMPTY_FILE),
    (123, texts.NOT_A_FILE),
    ([1], texts.NOT_A_FILE),
    ({"a": 1}, texts.NOT_A_FILE),
    (True, texts.NOT_A_FILE),
])
def test_bad_image_is_a_field_error_with_badgrs_text(image: Any, message: str) -> None:
    env = _envelope_is_a_refusal(_import(image=image))
    assert env["fieldErrors"] == {"image": [message]}


def test_png_without_a_badge_is_a_verification_error() -> None:
    png = (CASES / "img-png-no-badge" / "input.png").read_bytes()
    env = _envelope_is_a_refusal(_import(image=png))
    assert env["errorCode"] == "INVALID_BADGE"
    assert env["validationErrors"][0].startswith("Could not find Open Badges metadata in file.")


def test_huge_image_string_is_refused_before_decoding() -> None:
    env = _envelope_is_a_refusal(_import(image="A" * (MAX_INPUT_BYTES * 2)))
    assert list(env["fieldErrors"]) == ["image"]
    assert env["fieldErrors"]["image"][0].startswith("Ensure this field has no more than")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "https://", "http://[::1"])
def test_image_url_must_be_http(url: str) -> None:
    env = _envelope_is_a_refusal(_import(image=url))
    assert env["fieldErrors"]["image"][0] == texts.URL_INVALID


def test_unreachable_image_url_is_fetch_http_node() -> None:
    env = _envelope_is_a_refusal(_import(image="https://unreachable.example/badge.png"))
    assert env["errorCode"] == "FETCH_HTTP_NODE"


# --- the count rule and the profile --------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {},
    {"url": None, "assertion": None, "image": None},
    {"url": "", "assertion": {}, "image": ""},
    {"url": "https://a.example/1", "image": "https://a.example/1/image"},
    {"url": "https://a.example/1", "assertion": {"id": "https://a.example/1"}},
    {"assertion": {"id": "x"}, "image": _png()},
    {"url": "https://a.example/1", "assertion": '{"a": 1}', "image": _png()},
])
def test_zero_or_several_inputs_is_the_non_field_error(body: dict[str, Any]) -> None:
    env = _envelope_is_a_refusal(_import(**body))
    assert env["nonFieldErrors"] == [texts.ONLY_ONE]
    assert env["fieldErrors"] == {}


def test_field_errors_come_before_the_count_rule() -> None:
    env = _envelope_is_a_refusal(_import(url="/etc/passwd", assertion=123))
    assert set(env["fieldErrors"]) == {"url", "assertion"}
    assert env["nonFieldErrors"] == []


@pytest.mark.parametrize("profile", ["alice@example.org", b"alice@example.org", ["alice@example.org"],
                                     {"email": "alice@example.org"}, {"email": [1]}, None, 5])
def test_recipient_profile_of_the_wrong_shape_is_a_type_error(profile: Any) -> None:
    """Regression: on main a single string was split into one-character identities and never matched."""
    with pytest.raises(TypeError):
        import_badge(url="https://a.example/1", recipient_profile=profile, at=AT, loader=DocumentStore())


def test_empty_profile_and_naive_at_are_value_errors() -> None:
    with pytest.raises(ValueError, match="recipient_profile"):
        import_badge(url="https://a.example/1", recipient_profile={"email": []}, at=AT, loader=DocumentStore())
    with pytest.raises(ValueError, match="timezone-aware"):
        import_badge(url="https://a.example/1", recipient_profile=PROFILE, at=datetime(2024, 1, 1),
                     loader=DocumentStore())
    with pytest.raises(ValueError, match="unverified"):
        import_badge(url="https://a.example/1", recipient_profile=PROFILE, unverified=["bob@example.org"], at=AT,
                     loader=DocumentStore())
    with pytest.raises(TypeError):
        import_badge(url="https://a.example/1", recipient_profile=PROFILE, unverified="alice@example.org", at=AT,
                     loader=DocumentStore())


# --- any JSON request body -----------------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_field = (_json | st.sampled_from([
    "https://issuer.example/assertions/1", "/etc/passwd", "data:image/png;base64,iVBORw0KGgo=",
    "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.AAAA", '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}',
    "\ud800", "\ufeff{}", "", "{}", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
]) | st.binary(max_size=64))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(st.sampled_from(["url", "assertion", "image"]), _field, max_size=3))
def test_no_json_request_body_raises(body: dict[str, Any]) -> None:
    result = _import(**body)
    env = result.to_envelope(timestamp=AT)
    assert set(env) == ENVELOPE_KEYS
    json.dumps(env, allow_nan=False)
    assert result.ok is False  # nothing in these bodies is a badge of alice's that verifies offline
    assert env["status"]["success"] is False


def test_image_text_forms_stored_as_bytes_are_read_as_text() -> None:
    """A backpack storing `original` as bytes re-verifies a data URI or base64 image from those bytes."""
    store = DocumentStore.from_directory(CASES / "ob2-baked-png-itxt" / "documents")
    png = _png()
    for text in ("data:image/png;base64," + base64.b64encode(png).decode(), base64.b64encode(png).decode()):
        result = import_badge(image=text.encode(), recipient_profile=PROFILE, at=AT, loader=store)
        assert result.ok, result.to_envelope(timestamp=AT)
        assert result.original == text.encode()
        assert result.assertion is not None
        assert result.assertion.image_data is not None
        assert result.assertion.image_data.content == png
    env = _envelope_is_a_refusal(_import(image=b"data:image/jpeg;base64,/9j/4AAQ"))
    assert env["fieldErrors"] == {"image": [texts.INVALID_MIME]}
