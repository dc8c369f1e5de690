"""Tell what an input is from its content, never its name (DESIGN.md §1, stage `sniff`).

PNG by signature; SVG (or gzipped SVG) by an `<svg` root after any XML prologue; JSON by its first
non-blank character; a compact JWS/JWT by three base64url segments; a URL by an http(s) scheme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

Kind = Literal["png", "svg", "svgz", "json", "jws", "url", "unknown"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JWS = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_JWE = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_URL = re.compile(rb"https?://[^\s]+", re.IGNORECASE)
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")


UTF8_BOM = b"\xef\xbb\xbf"


def without_bom(data: bytes) -> bytes:
    """`data` without one leading UTF-8 byte order mark: exactly the three bytes, never a stray one of them
    (stray BOM bytes before a token were once sniffed away and then failed to decode)."""
    return data[3:] if data.startswith(UTF8_BOM) else data


def sniff(data: bytes) -> Kind:
    """Classify `data`. `unknown` covers everything that is no badge format (including a JWE)."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\x1f\x8b"):
        return "svgz"
    stripped = without_bom(data).strip()
    if not stripped:
        return "unknown"
    first = stripped[:1]
    if first in (b"{", b"["):
        return "json"
    if first == b"<":
        # the root element may come after an XML declaration, comments and a long prologue:
        # search the whole head, not just the first 256 bytes (ANCHORS.md, concentricsky bakery)
        if _SVG_ROOT.search(stripped[: 1024 * 1024]):
            return "svg"
        return "unknown"
    if _JWE.fullmatch(stripped):
        return "unknown"
    if _JWS.fullmatch(stripped):
        return "jws"
    if _URL.fullmatch(stripped):
        return "url"
    return "unknown"


VC_CONTEXTS = frozenset({"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"})
VC_TYPES = frozenset({
    "VerifiableCredential", "OpenBadgeCredential", "AchievementCredential", "EndorsementCredential",
    "VerifiablePresentation",
})


def is_ob3(value: Any) -> bool:
    """Whether a JSON value is a Verifiable Credential/Presentation (OB 3.0) rather than an OB 0.5-2.0 badge.

    Decided by a VC `@context` entry or a VC type, so the pipeline and the bakery classify alike.
    """
    if not isinstance(value, Mapping):
        return False
    contexts = value.get("@context")
    ctx_list = contexts if isinstance(contexts, list) else [contexts]
    if any(isinstance(c, str) and c in VC_CONTEXTS for c in ctx_list):
        return True
    types = value.get("type")
    type_list = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t in VC_TYPES for t in type_list)
