"""Small helpers shared by the OB 0.5-2.0 stages: JSON-LD value shapes, ids, origins, type tests.

OB 2.0 "Primitive datatypes": properties allow one value or an array ("Multiple values allowed"), and a
linked node is either its IRI or an embedded document with an `id`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from obverify._core.recipient import ascii_lower

# the OB 2.0 vocabulary lives with the engines, which read it too (spelling): re-exported for the stages
from obverify._engines.ob2_vocabulary import OBI as OBI
from obverify._engines.ob2_vocabulary import V2_CONTEXT as V2_CONTEXT
from obverify._engines.ob2_vocabulary import expand_iri as expand_iri
from obverify._engines.ob2_vocabulary import expand_v2_iri as expand_v2_iri

V1_CONTEXT = "https://w3id.org/openbadges/v1"
STAGE_RESOLVE = "resolve"
STAGE_SCHEMAS = "schemas"
STAGE_PROOFS = "proofs"
STAGE_RECIPIENT = "recipient"
STAGE_STATUS = "status"
STAGE_VALIDITY = "validity"

_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
HOSTED_TYPES = frozenset({"HostedBadge", "hosted", "https://w3id.org/openbadges#HostedBadge"})
SIGNED_TYPES = frozenset({"SignedBadge", "signed", "https://w3id.org/openbadges#SignedBadge"})


def as_list(value: Any) -> list[Any]:
    """One value or an array, as a list (None → empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def types_of(node: Any) -> set[str]:
    """The string `type` values of a node (a non-object has none)."""
    if not isinstance(node, dict):
        return set()
    return {t for t in as_list(node.get("type", node.get("@type"))) if isinstance(t, str)}


def type_iris(node: Any) -> set[str]:
    """The expanded IRIs of a node's `type` values read in the OB v2 context: what the types *mean*, so
    `Issuer`, `obi:Issuer` and `https://w3id.org/openbadges#Issuer` are one class."""
    return {expand_v2_iri(t) for t in types_of(node)}


def display_text(value: Any, language: str | None = None) -> str | None:
    """The one string to show for a text property that may carry language-tagged values (OB 2.0
    "Internationalization"; JSON-LD value objects `{"@value", "@language"}`), chosen in this stated order:

    1. a value tagged with `language` (the caller's preference; a tag matches its own primary subtag too, so a
       preference `es` takes `es-MX` when no plain `es` is there), compared ASCII-case-insensitively;
    2. else an untagged value (a plain string, or a value object without `@language`);
    3. else the first value.

    None when the property holds no string at all.
    """
    items: list[tuple[str | None, str]] = []
    for item in as_list(value):
        if isinstance(item, str):
            items.append((None, item))
        elif isinstance(item, dict) and isinstance(item.get("@value"), str):
            tag = item.get("@language")
            items.append((ascii_lower(tag) if isinstance(tag, str) else None, item["@value"]))
    if not items:
        return None
    if language:
        wanted = ascii_lower(language)
        for tag, text in items:
            if tag == wanted:
                return text
        for tag, text in items:
            if tag is not None and tag.split("-")[0] == wanted.split("-")[0]:
                return text
    for tag, text in items:
        if tag is None:
            return text
    return items[0][1]


def node_id(value: Any) -> str | None:
    """The IRI of a linked node: the string itself, or an embedded document's `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        ident = value.get("id", value.get("@id"))
        return ident if isinstance(ident, str) else None
    return None


def is_http_url(value: Any) -> bool:
    """An absolute http(s) URL with a host: the only IRIs a verifier dereferences."""
    return isinstance(value, str) and len(value) <= 4096 and _is_http_url(value)


@lru_cache(maxsize=512)
def _is_http_url(value: str) -> bool:
    if _SPACE_OR_CONTROL.search(value) is not None:
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return False
    # non-ASCII hosts must come as punycode: Unicode case mapping must never make two hosts equal
    host = parts.hostname or ""
    return parts.scheme.lower() in ("http", "https") and bool(host) and host.isascii()


@lru_cache(maxsize=512)
def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL with the default port filled in; hosts compare ASCII-lowercase."""
    if not is_http_url(url):
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, ascii_lower(parts.hostname or ""), port


def host_of(url: str) -> str | None:
    """The host of an http(s) URL, ASCII-lower-cased."""
    o = origin(url)
    return o[1] if o else None


def strings(values: Iterable[Any]) -> list[str]:
    """Only the string members."""
    return [v for v in values if isinstance(v, str)]
