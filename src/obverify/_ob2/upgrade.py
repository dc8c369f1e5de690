"""Read OB 0.5, 1.0 and 1.1 badge objects into the OB 2.0 shape, so one set of rules checks them all.

- Version detection (ANCHORS.md "Versions and upgrades"): by `@context` (v2 → 2.0, v1 → 1.1), else by shape:
  a string `recipient` or an issuer with `origin` is 0.5; `verify`/`uid` without a context is 1.0.
- 0.5 ("Assertion Specification Changes" 0.5 → 1.0): a string recipient becomes an IdentityObject (hashed when
  it holds no `@`), the top-level `salt` moves into it, `issued_on` becomes `issuedOn`; the issuer's `origin`
  becomes `url` (and `id`), `contact` becomes `email`, and `org` is merged into `name`.
- 1.0: `id` comes from `verify.url` (hosted) or `uid` (signed); `type` and the v2 context are added; `verify`
  becomes `verification`, with a signed badge's `verify.url` naming the key (`creator`).
- 1.1 (OB 1.1 "Primitives"): Unix timestamps and date-only values become ISO 8601 UTC date-times; alignment
  `name`/`url`/`description` become `targetName`/`targetUrl`/`targetDescription` (OB 2.0 "AlignmentObject" note).

The upgrade never invents trust: ids it fills in come from where a document was fetched, and everything
it produces is then checked by the full OB 2.0 rules. Inputs are never mutated.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC
from typing import Any, Literal

from obverify._core.timeparse import parse_legacy_date
from obverify._ob2.common import SIGNED_TYPES, V1_CONTEXT, V2_CONTEXT, as_list, strings

Version = Literal["0.5", "1.0", "1.1", "2.0"]

V2_CONTEXTS = frozenset({V2_CONTEXT, "https://openbadgespec.org/v2/context.json", "https://w3id.org/openbadges/v2/"})
V1_CONTEXTS = frozenset({
    V1_CONTEXT, "https://openbadgespec.org/v1/context.json", "https://w3id.org/openbadges/legacy-v1",
})
_HEX_HASH = re.compile(r"(?:sha256|md5)\$[0-9a-fA-F]+", re.ASCII)
_ALIGNMENT_RENAMES = {"name": "targetName", "url": "targetUrl", "description": "targetDescription"}
_DATE_FIELDS = ("issuedOn", "expires")


def detect_version(doc: dict[str, Any]) -> Version | None:
    """The OB version of a badge object, or None when its `@context` names no Open Badges context."""
    context = doc.get("@context")
    urls = set(strings(as_list(context)))
    if urls & V2_CONTEXTS:
        return "2.0"
    if urls & V1_CONTEXTS:
        return "1.1"
    if context is not None:
        return None
    badge = doc.get("badge")
    issuer = badge.get("issuer") if isinstance(badge, dict) else None
    if isinstance(doc.get("recipient"), str) or (isinstance(issuer, dict) and "origin" in issuer):
        return "0.5"
    if "origin" in doc and "name" in doc and "id" not in doc:
        return "0.5"
    return "1.0"


def is_exact_v2(doc: dict[str, Any]) -> bool:
    """Whether the document's `@context` is exactly the OB v2 context string (read as is, no JSON-LD)."""
    return doc.get("@context") == V2_CONTEXT


def _date(value: Any) -> Any:
    """A legacy date as an ISO 8601 UTC date-time; unparseable values stay as they are (schema catches them)."""
    try:
        dt = parse_legacy_date(value)
    except ValueError:
        return value
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _legacy_common(doc: dict[str, Any], type_name: str, source_url: str | None) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["@context"] = V2_CONTEXT
    out.setdefault("type", type_name)
    if "id" not in out and source_url is not None:
        out["id"] = source_url
    return out


def upgrade_assertion(doc: dict[str, Any], version: Version, *, source_url: str | None = None) -> dict[str, Any]:
    """An Assertion of `version` in the OB 2.0 shape."""
    if version == "2.0":
        out = dict(doc)  # nested values are never modified, so a shallow copy keeps the input intact
        if "verification" not in out and "verify" in out:  # "verify" is an alias in the v2 context
            out["verification"] = out.pop("verify")
        return out
    if version == "0.5":
        return _upgrade_assertion_05(doc, source_url)
    out = _legacy_common(doc, "Assertion", None)
    verify = out.pop("verify", None)
    verification: dict[str, Any] = {}
    if isinstance(verify, dict):
        vtype = verify.get("type")
        signed = isinstance(vtype, str) and vtype in SIGNED_TYPES
        verification["type"] = "SignedBadge" if signed else "HostedBadge" if isinstance(vtype, str) else vtype
        url = verify.get("url")
        if signed and isinstance(url, str):
            verification["creator"] = url
        if "id" not in out:
            if not signed and isinstance(url, str):
                out["id"] = url
            elif isinstance(out.get("uid"), str):
                out["id"] = _uid_iri(out["uid"])
    elif verify is not None:
        verification["type"] = verify
    if verification:
        out["verification"] = verification
    if "id" not in out and source_url is not None:
        out["id"] = source_url
    recipient = out.get("recipient")
    if isinstance(recipient, dict) and "type" not in recipient:
        recipient["type"] = "email"  # OB 1.0: email was the only identity type
    if isinstance(recipient, dict) and "hashed" not in recipient and isinstance(recipient.get("identity"), str):
        recipient["hashed"] = _HEX_HASH.fullmatch(recipient["identity"]) is not None
    for name in _DATE_FIELDS:
        if name in out:
            out[name] = _date(out[name])
    badge = out.get("badge")
    if isinstance(badge, dict):
        out["badge"] = upgrade_badgeclass(badge, version)
    return out


def _uid_iri(uid: str) -> str:
    import uuid  # only legacy signed badges need it; keeps start-up lean

    try:
        return uuid.UUID(uid).urn
    except ValueError:
        return "_:uid-" + re.sub(r"[^A-Za-z0-9_-]", "_", uid)[:64]


def _upgrade_assertion_05(doc: dict[str, Any], source_url: str | None) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["@context"] = V2_CONTEXT
    out["type"] = "Assertion"
    recipient = out.get("recipient")
    salt = out.pop("salt", None)
    if isinstance(recipient, str):
        hashed = "@" not in recipient
        identity: dict[str, Any] = {"type": "email", "hashed": hashed, "identity": recipient}
        if hashed and isinstance(salt, str):
            identity["salt"] = salt
        out["recipient"] = identity
    if "issued_on" in out:
        out["issuedOn"] = out.pop("issued_on")
    for name in _DATE_FIELDS:
        if name in out:
            out[name] = _date(out[name])
    if source_url is not None:
        out["id"] = source_url
    out["verification"] = {"type": "HostedBadge"}
    badge = out.get("badge")
    if isinstance(badge, dict):
        out["badge"] = upgrade_badgeclass(badge, "0.5")
    return out


def upgrade_badgeclass(doc: dict[str, Any], version: Version, *, source_url: str | None = None) -> dict[str, Any]:
    """A BadgeClass of `version` in the OB 2.0 shape."""
    if version == "2.0":
        return dict(doc)
    out = _legacy_common(doc, "BadgeClass", source_url)
    if version == "0.5":
        out.pop("version", None)
        out.setdefault("id", "_:badgeclass")
    alignments = out.get("alignment")
    if alignments is not None:
        out["alignment"] = [
            {_ALIGNMENT_RENAMES.get(k, k): v for k, v in a.items()} if isinstance(a, dict) else a
            for a in as_list(alignments)
        ]
    issuer = out.get("issuer")
    if isinstance(issuer, dict):
        out["issuer"] = upgrade_issuer(issuer, version)
    return out


def upgrade_issuer(doc: dict[str, Any], version: Version, *, source_url: str | None = None) -> dict[str, Any]:
    """An issuer Profile of `version` in the OB 2.0 shape."""
    if version == "2.0":
        return dict(doc)
    if version != "0.5":
        return _legacy_common(doc, "Issuer", source_url)
    out = copy.deepcopy(doc)
    out["@context"] = V2_CONTEXT
    out["type"] = "Issuer"
    origin = out.pop("origin", None)
    if isinstance(origin, str):
        out.setdefault("url", origin)
        out.setdefault("id", origin)
    contact = out.pop("contact", None)
    if isinstance(contact, str):
        out.setdefault("email", contact)
    org = out.pop("org", None)
    if isinstance(org, str) and org:
        out["name"] = f"{out['name']} ({org})" if isinstance(out.get("name"), str) else org
    return out
