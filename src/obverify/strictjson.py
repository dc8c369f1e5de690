"""The one strict JSON parser for the input and every fetched document (SECURITY.md §5).

Size is capped before parsing; only UTF-8 (a BOM is dropped); `NaN`/`Infinity` and duplicate keys are
refused (a parser differential, RFC 7493); deep nesting and lone surrogates are caught by an iterative
walk after parsing, so no recursive code later meets a 900-deep document.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64


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


def parse_json(data: bytes | str, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse strictly, or raise `JSONError` with a message that quotes nothing of the input."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise JSONError(f"JSON larger than {max_bytes} bytes")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
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

