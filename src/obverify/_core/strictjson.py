"""The one strict JSON parser for the input and every fetched document (SECURITY.md §5).

Size is capped before parsing; only UTF-8 (a BOM is dropped); `NaN`/`Infinity` and duplicate keys are
refused (a parser differential, RFC 7493); deep nesting and lone surrogates are caught by an iterative
walk after parsing, so no recursive code later meets a 900-deep document.

Bounded before any object is built: one pass over the text (C-speed: a regular
expression blanks every string, then byte counts) bounds the number of JSON values by 1 + commas + opening
brackets and the nesting depth by the brackets, and refuses more than `MAX_JSON_VALUES` values or
`MAX_DEPTH` levels. A 16 MiB `{"evidence":[{},{},...]}` (5.6 million empty objects, which as Python
dicts cost over a gigabyte) is refused after that pass, which needs one copy of the text; accepted JSON
holds at most 200,000 values, a few tens of MB as Python objects whatever the byte size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_JSON_VALUES = 200_000
"""Real credentials hold hundreds of values (the OB 3.0 spec's complete example about 550)."""

# a string, or an unterminated one running to the end (so no start position is ever scanned twice)
_STRING_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)', re.DOTALL)
_STRING_TEXT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_NOT_BRACKET_TEXT = re.compile(r"[^\[\]{}]+")


class JSONError(ValueError):
    """The text is not acceptable JSON; the message is ours and quotes nothing of the input."""


def _reject_constant(name: str) -> Any:
    raise JSONError(f"non-standard JSON constant {name}")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JSONError("duplicate key in JSON object")
        out[key] = value
    return out


def _check_tree(value: Any, max_depth: int) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > max_depth:
                raise JSONError(f"JSON nested deeper than {max_depth} levels")
            for k, v in node.items():
                _check_str(k)
                stack.append((v, depth + 1))
        elif isinstance(node, list):
            if depth > max_depth:
                raise JSONError(f"JSON nested deeper than {max_depth} levels")
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, str):
            _check_str(node)


def _check_str(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JSONError("JSON string holds a lone surrogate") from None


def check_bounds(text: str | bytes, *, max_values: int = MAX_JSON_VALUES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse JSON text holding more than `max_values` values or nested deeper than `max_depth`, before
    parsing: strings blanked by one regular-expression pass, then an upper bound on values (every value
    but a container's first follows a comma) and the depth read off the brackets alone."""
    if isinstance(text, bytes):
        raw = _STRING_BYTES.sub(b'""', text)
        opening = raw.count(b"{") + raw.count(b"[")
        commas = raw.count(b",")
        brackets = raw.translate(None, _NOT_BRACKETS).decode("ascii") if 1 + commas + opening <= max_values else ""
    else:
        skeleton = _STRING_TEXT.sub('""', text)
        opening = skeleton.count("{") + skeleton.count("[")
        commas = skeleton.count(",")
        brackets = _NOT_BRACKET_TEXT.sub("", skeleton) if 1 + commas + opening <= max_values else ""
    if 1 + commas + opening > max_values:
        raise JSONError(f"JSON holds more than {max_values} values")
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > max_depth:
                    raise JSONError(f"JSON nested deeper than {max_depth} levels")
        elif ch in "]}":
            depth -= 1


def check_value(value: Any, *, max_values: int = MAX_JSON_VALUES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed object (a caller's `Mapping`) that is no JSON value: keys not strings, values other
    than mappings, lists, strings, finite numbers, booleans and null, lone surrogates, more than
    `max_values` values or deeper than `max_depth`. Iterative; stops at the first problem."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > max_values:
            raise JSONError(f"JSON holds more than {max_values} values")
        if isinstance(node, Mapping | list | tuple):
            if depth > max_depth:
                raise JSONError(f"JSON nested deeper than {max_depth} levels")
            if isinstance(node, Mapping):
                for k in node:
                    if not isinstance(k, str):
                        raise JSONError("a JSON object key must be a string")
                    _check_str(k)
                stack.extend((v, depth + 1) for v in node.values())
            else:
                stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, str):
            _check_str(node)
        elif isinstance(node, float):
            if node != node or node in (float("inf"), float("-inf")):
                raise JSONError("NaN and Infinity are no JSON numbers")
        elif node is not None and not isinstance(node, int):
            raise JSONError(f"a {type(node).__name__} is no JSON value")


def parse_json(
    data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_DEPTH, max_values: int = MAX_JSON_VALUES
) -> Any:
    """Parse strictly, or raise `JSONError` with a message that quotes nothing of the input.

    The defaults are `VerificationPolicy`'s; a verification passes its own policy's values."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise JSONError(f"JSON larger than {max_bytes} bytes")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        # before decoding: a refused text costs one copy at most
        check_bounds(data, max_values=max_values, max_depth=max_depth)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONError("JSON is not valid UTF-8") from None
    else:
        text = data
        if len(text) > max_bytes:
            raise JSONError(f"JSON larger than {max_bytes} characters")
        if text.startswith("\ufeff"):
            text = text[1:]
        check_bounds(text, max_values=max_values, max_depth=max_depth)
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_pairs)
    except JSONError:
        raise
    except RecursionError:
        raise JSONError(f"JSON nested deeper than {max_depth} levels") from None
    except ValueError as exc:  # JSONDecodeError, and int digit-limit errors (CVE-2020-10735)
        pos = getattr(exc, "pos", None)
        where = f" at offset {pos}" if isinstance(pos, int) else ""
        raise JSONError(f"not valid JSON{where}") from None
    _check_tree(value, max_depth)
    return value


def parse_package_json(data: bytes) -> Any:
    """Parse a JSON file shipped inside the package (a bundled context, schema or index) with plain `json`.

    Strict parsing guards against hostile input; these files are ours, and `tests/unit/test_strictjson.py`
    parses every one of them with `parse_json` too and demands the same value, so the strict rules hold for
    them by test rather than on every start (the strict parser's Python hooks were a tenth of a cold OB 3.0
    verification: the VC and OB contexts are large). Raises `JSONError` on a broken file all the same.
    """
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise JSONError("bundled JSON file is not valid JSON") from None

