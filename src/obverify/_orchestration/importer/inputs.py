"""The request body of `POST /v2/backpack/import`: `url`, `assertion`, `image` (research §1 steps 1-2).

Any JSON value (or, from Python, bytes) can arrive in each field; this module turns the three into exactly
one `Input` or into field / non-field errors with the texts Badgr's serializer gives. It never raises on a
value, never opens a local file (DESIGN.md "a string is never silently a path": `url` and an image URL
must be http(s)), and refuses oversized values before any decoding work.

- `url`: an http(s) URL string.
- `assertion`: a JSON object (a mapping), or text holding a JSON object or a compact JWS/JWT.
- `image`: PNG or SVG bytes, a `data:image/png|svg+xml;base64,` URI, raw base64, or an http(s) URL of a
  baked image (the seed allows it; Badgr silently drops it).

A value that is `None` or empty (`""`, `{}`, `b""`) counts as absent, as Badgr counts truthy fields.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from obverify._core.sniff import sniff
from obverify._core.strictjson import JSONError, parse_json
from obverify._orchestration.importer import texts

InputKind = Literal["url", "assertion", "image"]

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""The largest assertion text or image accepted, the same cap `verify` sets on its input."""
MAX_URL_CHARS = 8192
MAX_IMAGE_CHARS = (MAX_INPUT_BYTES + 2) // 3 * 4 + 1024
"""base64 of the largest image, plus room for a data-URI prefix and line breaks."""

_JWS_TEXT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_DATA_URI = re.compile(r"data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_B64_WS = re.compile(r"[\s]+")
_IMAGE_MIMES = {"image/png": "png", "image/svg+xml": "svg"}
_RASTER_MAGIC = (b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"\x00\x00\x01\x00")


class Input(NamedTuple):
    """The one accepted input: its kind, what to verify, and the original exactly as received.

    `source` is what goes to the verifier: the URL string (kind `url`, and an image URL before it is
    fetched), the assertion's bytes (JSON or compact JWS/JWT text, BOM and surrounding blanks removed), or
    the image's bytes. `original` is the input as the caller gave it (a mapping becomes its JSON text).
    `image_url` is set for an image given by URL (fetched by the caller of this module).
    """

    kind: InputKind
    source: str | bytes
    original: bytes | str
    image_url: str | None = None


class BodyErrors(NamedTuple):
    """Why the request body was refused: per field, and for the body as a whole."""

    field_errors: dict[str, list[str]]
    non_field_errors: list[str]


def read_body(url: object, assertion: object, image: object) -> Input | BodyErrors:
    """Check the three fields; exactly one must be given and well-formed."""
    given = {name: value for name, value in (("url", url), ("assertion", assertion), ("image", image))
             if not _absent(value)}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Input] = {}
    for name, value in given.items():
        result = _READERS[name](value)
        if isinstance(result, Input):
            parsed[name] = result
        else:
            errors[name] = result
    if errors:
        return BodyErrors(errors, [])
    if len(parsed) != 1:
        return BodyErrors({}, [texts.ONLY_ONE])
    return next(iter(parsed.values()))


def _absent(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str | bytes | bytearray | memoryview | Mapping | list | tuple):
        try:
            return len(value) == 0
        except TypeError:
            return False
    return False


def check_http_url(value: str) -> list[str]:
    """Field errors for a URL string: empty list when it is an absolute http(s) URL we may hand the loader.

    Only the shape is checked here; the network policy still decides, at fetch time, whether the host may
    be contacted (`url_blocked`).
    """
    if len(value) > MAX_URL_CHARS:
        return [texts.too_long(MAX_URL_CHARS)]
    text = value.strip()
    if not text or any(ord(c) < 0x21 or c in "\x7f\\" or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        return [texts.URL_INVALID]
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme not in ("http", "https"):
        return [texts.URL_INVALID, texts.URL_ONLY_HTTP]
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return [texts.URL_INVALID]
    if not parts.netloc or not host:
        return [texts.URL_INVALID]
    return []


def _read_url(value: object) -> Input | list[str]:
    if not isinstance(value, str):
        return [texts.NOT_A_STRING]
    problems = check_http_url(value)
    if problems:
        return problems
    return Input("url", value.strip(), value)


def _read_assertion(value: object) -> Input | list[str]:
    if isinstance(value, Mapping):
        try:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            return [texts.JSON_PARSE.format(detail="the object holds values JSON cannot carry")]
        checked = _assertion_text(text)
        if isinstance(checked, list):
            return checked
        return Input("assertion", checked, text)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) > MAX_INPUT_BYTES:
            return [texts.too_long(MAX_INPUT_BYTES)]
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            return [texts.JSON_PARSE.format(detail="the assertion is not valid UTF-8")]
        checked = _assertion_text(decoded)
        return checked if isinstance(checked, list) else Input("assertion", checked, raw)
    if isinstance(value, str):
        checked = _assertion_text(value)
        return checked if isinstance(checked, list) else Input("assertion", checked, value)
    return [texts.expected_dict(_json_type_name(value))]


def _assertion_text(text: str) -> bytes | list[str]:
    """The assertion text as bytes for the verifier: a JSON object or a compact JWS/JWT, nothing else."""
    if len(text) > MAX_INPUT_BYTES:
        return [texts.too_long(MAX_INPUT_BYTES)]
    body = text.lstrip("\ufeff").strip()
    try:
        data = body.encode("utf-8")
    except UnicodeEncodeError:
        return [texts.JSON_PARSE.format(detail="the text holds a lone surrogate")]
    if len(data) > MAX_INPUT_BYTES:
        return [texts.too_long(MAX_INPUT_BYTES)]
    if _JWS_TEXT.fullmatch(body):
        return data
    if not body.startswith(("{", "[")):
        return [texts.expected_dict("str")]
    try:
        value = parse_json(data)
    except JSONError as exc:
        return [texts.JSON_PARSE.format(detail=str(exc))]
    if not isinstance(value, dict):
        return [texts.expected_dict(_json_type_name(value))]
    return data


def _json_type_name(value: object) -> str:
    """The Python type name DRF would quote for a parsed JSON value."""
    return type(value).__name__


def _read_image(value: object) -> Input | list[str]:
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        if len(data) > MAX_INPUT_BYTES:
            return [texts.too_long(MAX_INPUT_BYTES)]
        problem = check_image_bytes(data)
        if problem is None:
            return Input("image", data, data)
        text_form = _ascii_text(data)
        if text_form is None:
            return problem
        # the text forms stored as bytes (a data URI, base64, an image URL): read them as the text they are
        found = _read_image(text_form)
        if isinstance(found, Input):
            return found._replace(original=data)
        return found if text_form.lstrip()[:8].lower().startswith(("data:", "http://", "https://")) else problem
    if not isinstance(value, str):
        return [texts.NOT_A_FILE]
    if len(value) > MAX_IMAGE_CHARS:
        return [texts.too_long(MAX_IMAGE_CHARS)]
    text = value.strip()
    if text[:8].lower().startswith(("http://", "https://")):
        problems = check_http_url(text)
        return problems or Input("image", text, value, image_url=text)
    if _SCHEME.match(text) and text[:5].lower() != "data:":
        return [texts.URL_INVALID, texts.URL_ONLY_HTTP]  # file:, ftp:, … (base64 never holds a colon)
    match = _DATA_URI.match(text)
    if match is not None:
        mime = match["mime"].strip().lower()
        params = [p.strip().lower() for p in match["params"].split(";") if p.strip()]
        if mime not in _IMAGE_MIMES:
            return [texts.INVALID_MIME]
        if "base64" not in params:
            return [texts.NOT_A_FILE]
        text = text[match.end():]
    decoded = _strict_b64(text)
    if decoded is None:
        return [texts.NOT_A_FILE]
    problem = check_image_bytes(decoded)
    return problem if problem else Input("image", decoded, value)


def _ascii_text(data: bytes) -> str | None:
    """`data` as text if it is printable ASCII, so it could be a data URI, base64 or a URL."""
    if not data or len(data) > MAX_IMAGE_CHARS or not data.isascii():
        return None
    text = data.decode("ascii")
    return text if text.strip() and all(c.isprintable() or c in "\r\n\t" for c in text) else None


def _strict_b64(text: str) -> bytes | None:
    compact = _B64_WS.sub("", text)
    if not compact.isascii():
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        try:  # URL-safe alphabet, as some clients send it
            return base64.b64decode(compact, altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            return None


def check_image_bytes(data: bytes) -> list[str] | None:
    """None for a real PNG or an SVG; else the field texts: Badgr's first (`Invalid PNG` for another raster
    format, `Invalid image.` otherwise), then, for a PNG, ours saying what is wrong with it.

    Badgr opens a PNG with PIL and `verify()`s it (BACKPACK-IMPORT-RESEARCH.md §1); a PNG here must pass
    `obverify._engines.images.check_png`, which is stricter because the image is kept and shown: whole, its
    pixels decode, nothing after IEND (no polyglot), at most 4096×4096 pixels (checked before decoding).
    An SVG is only sniffed here; unbake parses it with defusedxml, and nothing rasterizes it.
    """
    if not data:
        return [texts.EMPTY_FILE]
    kind = sniff(data)
    if kind == "png":
        from obverify._engines.images import check_png  # Pillow loads only when a PNG is imported

        problem = check_png(data)
        return None if problem is None else [texts.INVALID_IMAGE, texts.png_refused(problem)]
    if kind in ("svg", "svgz"):
        return None
    if data.startswith(_RASTER_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return [texts.INVALID_PNG]
    return [texts.INVALID_IMAGE]


_READERS = {"url": _read_url, "assertion": _read_assertion, "image": _read_image}


def guess_kind(original: bytes | str) -> InputKind:
    """The kind of a stored `original` (see `Input.original`), for re-verification.

    Bytes of a PNG or SVG are an image, other bytes are read as text. Text is a URL if it is an http(s)
    URL, an image if it is a data URI or no JSON/JWS text (raw base64), else an assertion.
    """
    if isinstance(original, bytes | bytearray | memoryview):
        data = bytes(original)
        if sniff(data) in ("png", "svg", "svgz"):
            return "image"
        try:
            original = data.decode("utf-8")
        except UnicodeDecodeError:
            return "image"
    text = original.lstrip("\ufeff").strip()
    if text[:8].lower().startswith(("http://", "https://")):
        return "url"
    if text[:5].lower() == "data:":
        return "image"
    if text.startswith(("{", "[")) or _JWS_TEXT.fullmatch(text):
        return "assertion"
    return "image"
