"""Bounded parsing (issue 10, problem 5): JSON is counted before objects are built, so no input under the
16 MiB byte cap costs more than a small multiple of its size in memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest

from obverify import DocumentStore, verify, verify_status_list
from obverify._core.strictjson import MAX_DEPTH, MAX_JSON_VALUES, JSONError, check_bounds, check_value, parse_json

AT = datetime(2026, 1, 1, tzinfo=UTC)

_MEASURE = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))  # the machine's safety net
    from datetime import UTC, datetime
    from obverify import DocumentStore, verify
    n = (16 * 1024 * 1024 - 20) // 3
    data = b'{"evidence":[' + b'{},' * n + b'{}]}'
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = verify(data, at=datetime(2026, 1, 1, tzinfo=UTC), loader=DocumentStore())
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"size": len(data), "grew_kib": after - before, "codes": report.codes(),
                      "message": report.errors[0].message if report.errors else None}))
""")


def test_sixteen_mib_of_tiny_containers_is_refused_in_bounded_memory() -> None:
    """Main built 5.6 million dicts (0.8-1.8 GB) before refusing anything; now the count refuses first.
    The bound asserted: peak memory grows by at most twice the input's size during `verify`."""
    done = subprocess.run([sys.executable, "-c", _MEASURE], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == ["input_invalid"], result
    assert f"more than {MAX_JSON_VALUES} values" in result["message"], result
    assert result["grew_kib"] * 1024 <= 2 * result["size"], result


@pytest.mark.parametrize("text", [
    "[" + ",".join(["0"] * MAX_JSON_VALUES) + "]",
    '{"a":[' + ",".join(["{}"] * MAX_JSON_VALUES) + "]}",
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
])
def test_past_the_caps_is_refused_before_parsing(text: str) -> None:
    for data in (text, text.encode()):
        with pytest.raises(JSONError):
            check_bounds(data)
        with pytest.raises(JSONError):
            parse_json(data)
    assert verify(text.encode(), at=AT, loader=DocumentStore()).codes() == ["input_invalid"]
    assert verify_status_list(text, at=AT, loader=DocumentStore()).codes() == ["input_invalid"]


def test_strings_are_not_counted() -> None:
    """Commas and brackets inside strings (escaped quotes included) are no values."""
    inner = '\\",[{' * (MAX_JSON_VALUES // 2)
    value = parse_json(f'{{"a": "{inner}", "b": [1, 2]}}'.encode())
    assert value["b"] == [1, 2]
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_an_unterminated_string_is_linear_and_refused() -> None:
    with pytest.raises(JSONError):
        parse_json(b'["' + b'\\"' * 2_000_000)


def test_exactly_at_the_cap_parses() -> None:
    assert len(parse_json("[" + ",".join(["0"] * (MAX_JSON_VALUES - 1)) + "]")) == MAX_JSON_VALUES - 1


@pytest.mark.parametrize("value", [
    {"a": {1, 2}}, {"a": float("nan")}, {1: "x"}, {"a": b"x"}, {"a": "\ud800"}, {"a": object()},
    {"a": [{}] * (MAX_JSON_VALUES + 1)},
])
def test_a_mapping_source_meets_the_same_rules(value: dict[object, object]) -> None:
    with pytest.raises(JSONError):
        check_value(value)
    assert verify(value, at=AT, loader=DocumentStore()).codes() == ["input_invalid"]  # type: ignore[arg-type]
    assert verify_status_list(value, at=AT, loader=DocumentStore()).codes() == ["input_invalid"]  # type: ignore[arg-type]


def test_a_deep_mapping_is_refused_without_recursion() -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(10_000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    assert verify(deep, at=AT, loader=DocumentStore()).codes() == ["input_invalid"]
