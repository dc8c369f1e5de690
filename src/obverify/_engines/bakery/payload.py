"""What a baking holds: JSON, a compact JWS/JWT or a hosted URL, and which Open Badges version it claims.

OB 2.0 Baking: the text is "a signed badge assertion or the raw JSON", and legacy PNGs hold the hosted URL.
OB 3.0 §5.3: the text is the JSON of an OpenBadgeCredential or its VC-JWT compact JWS; never a URL.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any, Literal

from obverify._core.baked import PayloadKind
from obverify._core.sniff import is_ob3, sniff
from obverify._core.strictjson import parse_json
from obverify._engines.bakery import BakeryError

BakedVersion = Literal["2.0", "3.0"]



def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_SYNTAX_CHECK = json.JSONDecoder(parse_constant=_reject_constant)
"""Built once: `json.loads(text, parse_constant=...)` builds a decoder and scanner on every call."""


def classify(text: str, version: BakedVersion) -> PayloadKind:
    """Return the kind of baked `text` (already stripped), or raise `BakeryError`.

    JSON is parsed with the strict parser here so that a broken body fails as `unbake_failed` (the
    image is what is malformed) rather than later; an OB 3.0 baking holding a URL is refused because
    OB 3.0 §5.3 allows only the credential JSON or its compact JWS.
    """
    if not text:
        raise BakeryError("the badge text is empty")
    kind = sniff(text.encode("utf-8", "surrogatepass"))
    if kind == "json":
        # a syntax check only: the pipeline parses the payload again with the strict parser, which
        # also refuses duplicate keys, deep nesting and lone surrogates (SECURITY.md §5)
        try:
            value = _SYNTAX_CHECK.decode(text)
        except (ValueError, RecursionError):
            raise BakeryError("the baked JSON is not usable: not valid JSON") from None
        if not isinstance(value, dict):
            raise BakeryError("the baked JSON is not an object")
        return "json"
    if kind == "jws":
        return "jws"
    if kind == "url":
        if version == "3.0":
            raise BakeryError("an OB 3.0 baking holds a URL; OB 3.0 bakes only the credential JSON or its VC-JWT")
        return "url"
    raise BakeryError("the baked text is neither JSON, a compact JWS/JWT nor an http(s) URL")


def _jws_claims(token: str) -> Any:
    segment = token.split(".")[1]
    try:
        raw = base64.urlsafe_b64decode((segment + "=" * (-len(segment) % 4)).encode("ascii"))
        return parse_json(raw)
    except (binascii.Error, ValueError):
        raise BakeryError("the compact JWS payload is not base64url JSON; pass version= to bake it") from None


_FORBIDDEN_CONTROLS = frozenset(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")


def prepare(payload: str | bytes | Mapping[str, Any], version: BakedVersion | None) -> tuple[str, PayloadKind,
                                                                                               BakedVersion]:
    """Normalize a payload for baking: (text, kind, version); raise `BakeryError` for a bad payload.

    The version follows the payload unless forced: a VC JSON, or a JWS whose claims hold `vc` or are a
    VC, is OB 3.0; everything else (OB 0.5-2.0 JSON, a signed OB 2.0 JWS, a hosted URL) is OB 2.0.
    """
    if isinstance(payload, Mapping):
        try:
            text = json.dumps(dict(payload), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            raise BakeryError("the payload mapping cannot be serialized as JSON") from None
    elif isinstance(payload, bytes | bytearray):
        raw = bytes(payload).removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BakeryError("the payload is not UTF-8 text") from None
    elif isinstance(payload, str):
        text = payload.removeprefix("\ufeff")
    else:
        raise TypeError(f"cannot bake a {type(payload).__name__}")
    text = text.strip()
    if any(c in _FORBIDDEN_CONTROLS for c in text):
        raise BakeryError("the payload holds control characters")
    kind = classify(text, version or "2.0")
    if version is None:
        if kind == "json":
            version = "3.0" if is_ob3(parse_json(text)) else "2.0"
        elif kind == "jws":
            claims = _jws_claims(text)
            version = "3.0" if isinstance(claims, dict) and ("vc" in claims or is_ob3(claims)) else "2.0"
        else:
            version = "2.0"
    elif version == "3.0":
        classify(text, "3.0")
    return text, kind, version


def hosted_url(text: str) -> str | None:
    """The hosted URL of an OB 2.0 / 1.0 JSON assertion: its http(s) `id`, else `verify.url`.

    The OB 2.0 Baking spec puts it in the SVG `verify` attribute next to the JSON body.
    """
    value = parse_json(text)
    if not isinstance(value, dict):
        return None
    candidates: list[Any] = []
    verification = value.get("verification")
    if isinstance(verification, dict) and verification.get("type") in ("hosted", "HostedBadge"):
        candidates.append(value.get("id"))
    verify = value.get("verify")
    if isinstance(verify, dict) and verify.get("type") == "hosted":
        candidates.append(verify.get("url"))
    for url in candidates:
        if isinstance(url, str) and sniff(url.encode("utf-8", "surrogatepass")) == "url":
            return url.strip()
    return None
