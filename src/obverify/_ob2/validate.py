"""OB 2.0 "Data Validation": each Badge Object against the project's schema for its class, plus the
semantic rules a schema cannot say (OB 2.0 "Primitive datatypes", "Image", "IdentityObject", "Profile").

- IRIs: http(s) URLs, `urn:uuid:` of any version, blank nodes `_:x`, and DIDs (OB 2.0 "IRI"); `url`-typed
  properties (`Profile.url`, `AlignmentObject.targetUrl`) must be http(s) URLs.
- Images: a URL or a data URI of PNG or SVG only (its bytes checked, not just its media type) — never a data
  URI for an Assertion's own image (OB 2.0 "Assertion": the unbaked image belongs to the BadgeClass).
- Formats: email, telephone in E.164 (OB 2.0 "Profile"), BCP-47 language tags (OB 2.0 "Internationalization").
- IdentityObject: `hashed: true` exactly when the identity is `sha256$`/`md5$` + hex of the right length.
- Dates (ISO 8601 with a time zone) and Markdown-as-string are enforced by the schemas.

Every violation is `schema_invalid` with a JSON pointer; messages are templates and quote nothing unbounded.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._engines.schemas import schema_errors
from obverify._ob2.common import OBI, STAGE_SCHEMAS, as_list, is_http_url, node_id, type_iris

SCHEMA_BASE = "https://obverify.dev/schemas/ob2/"
SCHEMAS = {
    "assertion": "assertion.json",
    "badgeclass": "badgeclass.json",
    "issuer": "issuer.json",
    "profile": "profile.json",
    "endorsement": "endorsement.json",
    "revocation-list": "revocation-list.json",
    "cryptographic-key": "cryptographic-key.json",
}

EXPECTED_TYPES: dict[str, tuple[frozenset[str], str]] = {
    "assertion": (frozenset({OBI + "Assertion"}), "Assertion"),
    "badgeclass": (frozenset({OBI + "BadgeClass"}), "BadgeClass"),
    "issuer": (frozenset({OBI + "Issuer", OBI + "Profile"}), "Issuer or Profile"),
    "profile": (frozenset({OBI + "Issuer", OBI + "Profile"}), "Issuer or Profile"),
    "endorsement": (frozenset({"https://w3id.org/credentials#Credential"}), "Endorsement"),
    "revocation-list": (frozenset({OBI + "RevocationList"}), "RevocationList"),
    "cryptographic-key": (frozenset({"https://w3id.org/security#Key"}), "CryptographicKey"),
}
"""The class each kind of Badge Object must declare among its `type` values, as IRIs under the OB v2 context
(OB 2.0 "Profile": an issuer is a Profile, `Issuer` its subclass). An issuer of another
type was accepted; a context-less related document (class 3) must not pass for another class either."""

_TEXT_PROPERTIES = ("name", "description", "narrative")
"""Properties that may hold language-tagged values, whose tags are checked."""

MAX_DATA_URI_CHARS = 4 * 1024 * 1024
_UUID_URN = re.compile(r"urn:uuid:[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII | re.IGNORECASE)
_BLANK = re.compile(r"_:[A-Za-z0-9_.\-]+", re.ASCII)
_DID = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._:-]|%[0-9A-Fa-f]{2})*[A-Za-z0-9._-](?:[/?#]\S*)?", re.ASCII)
_E164 = re.compile(r"\+[1-9][0-9]{1,14}", re.ASCII)
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+", re.ASCII)
_BCP47 = re.compile(
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?|[xX](?:-[A-Za-z0-9]{1,8})+",
    re.ASCII,
)
_DATA_IMAGE = re.compile(r"data:image/(?:png|svg\+xml)(?:;[A-Za-z0-9=._+-]+)*(?:;base64)?,", re.ASCII | re.IGNORECASE)
_HEX_HASH = re.compile(r"(?:sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})", re.ASCII | re.IGNORECASE)


def is_iri(value: Any) -> bool:
    """An IRI a badge may use as a node id: http(s) URL, `urn:uuid:`, blank node or DID."""
    if not isinstance(value, str):
        return False
    return (
        is_http_url(value) or _UUID_URN.fullmatch(value) is not None or _BLANK.fullmatch(value) is not None
        or _DID.fullmatch(value) is not None
    )


def is_email(value: Any) -> bool:
    """A plain addr-spec of ASCII letters (as OB recipient emails are compared)."""
    return isinstance(value, str) and len(value) <= 320 and _EMAIL.fullmatch(value) is not None


def is_telephone(value: Any) -> bool:
    """E.164: `+`, a country code and at most 15 digits, no punctuation."""
    return isinstance(value, str) and _E164.fullmatch(value) is not None


def is_language_tag(value: Any) -> bool:
    """A well-formed BCP-47 language tag (RFC 5646 §2.1 syntax)."""
    return isinstance(value, str) and _BCP47.fullmatch(value) is not None


def is_image_data_uri(value: Any) -> bool:
    """A PNG or SVG data URI whose bytes really are PNG or SVG (the media type alone is only a claim)."""
    if not isinstance(value, str) or len(value) > MAX_DATA_URI_CHARS:
        return False
    m = _DATA_IMAGE.match(value)
    if m is None:
        return False
    header, data = value[: m.end()], value[m.end():]
    if header.lower().endswith(";base64,"):
        try:
            raw = base64.b64decode(data.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
    else:
        raw = unquote_to_bytes(data)
    if "png" in header.lower():
        return raw.startswith(b"\x89PNG\r\n\x1a\n")
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024 * 1024]
    return head.startswith(b"<") and b"<svg" in head


class _Rules:
    def __init__(self, ctx: RunContext, url: str | None, label: str) -> None:
        self.ctx = ctx
        self.url = url
        self.label = label
        self.failed = False

    def fail(self, path: str, message: str) -> None:
        self.failed = True
        self.ctx.out.error(
            Code.SCHEMA_INVALID, f"{self.label}: {message}", stage=STAGE_SCHEMAS, path=path, url=self.url
        )

    def iri(self, value: Any, path: str, what: str) -> None:
        if value is not None and not is_iri(value):
            self.fail(path, f"{what} is not an IRI (http(s) URL, urn:uuid, blank node or DID)")

    def url_(self, value: Any, path: str, what: str) -> None:
        if value is not None and not is_http_url(value):
            self.fail(path, f"{what} must be an http(s) URL")

    def node(self, value: Any, path: str, what: str) -> None:
        """A linked node: its IRI, or an embedded document's `id`."""
        for i, item in enumerate(as_list(value)):
            p = f"{path}/{i}" if isinstance(value, list) else path
            ident = node_id(item)
            if isinstance(item, dict):
                if ident is not None:
                    self.iri(ident, p + "/id", f"{what} id")
            else:
                self.iri(item, p, what)

    def image(self, value: Any, path: str, *, allow_data: bool) -> None:
        target = value.get("id") if isinstance(value, dict) else value
        p = path + "/id" if isinstance(value, dict) else path
        if not isinstance(target, str):
            return
        if target[:5].lower() == "data:":
            if not allow_data:
                self.fail(p, "an Assertion's image must not be a data URI")
            elif not is_image_data_uri(target):
                self.fail(p, "an image data URI must be PNG or SVG")
        else:
            self.url_(target, p, "image")

    def language(self, doc: dict[str, Any]) -> None:
        lang = doc.get("@language")
        if lang is not None and not is_language_tag(lang):
            self.fail("/@language", "@language is not a BCP-47 language tag")
        for key in _TEXT_PROPERTIES:
            value = doc.get(key)
            for i, item in enumerate(as_list(value)):
                tag = item.get("@language") if isinstance(item, dict) else None
                if tag is not None and not is_language_tag(tag):
                    where = f"/{key}/{i}" if isinstance(value, list) else f"/{key}"
                    self.fail(where + "/@language", f"{key}: @language is not a BCP-47 language tag")
        related = doc.get("related")
        for i, item in enumerate(as_list(related)):
            tag = item.get("@language") if isinstance(item, dict) else None
            if tag is not None and not is_language_tag(tag):
                where = f"/related/{i}" if isinstance(related, list) else "/related"
                self.fail(where + "/@language", "related: @language is not a BCP-47 language tag")


def _identity_rules(rules: _Rules, recipient: Any) -> None:
    if not isinstance(recipient, dict):
        return
    identity, hashed, kind = recipient.get("identity"), recipient.get("hashed"), recipient.get("type")
    if not isinstance(identity, str):
        return
    looks_hashed = _HEX_HASH.fullmatch(identity) is not None
    if hashed is True and not looks_hashed:
        rules.fail("/recipient/identity", "a hashed identity must be sha256$ or md5$ followed by its hex digest")
    if hashed is False and looks_hashed:
        rules.fail("/recipient/hashed", "identity looks hashed but 'hashed' is false")
    if hashed is False:
        if kind == "email" and not is_email(identity):
            rules.fail("/recipient/identity", "email identity is not an email address")
        elif kind == "telephone" and not is_telephone(identity):
            rules.fail("/recipient/identity", "telephone identity is not in E.164 format")
        elif kind == "url" and not is_http_url(identity):
            rules.fail("/recipient/identity", "url identity is not an http(s) URL")
    if kind is not None and kind not in ("email", "url", "telephone", "id") and isinstance(kind, str):
        rules.ctx.out.warn(
            WarningCode.RECIPIENT_TYPE_UNKNOWN, f"{rules.label}: recipient type is not email, url, telephone or id",
            stage=STAGE_SCHEMAS, path="/recipient/type", url=rules.url,
        )


def _semantic(rules: _Rules, kind: str, doc: dict[str, Any]) -> None:
    rules.language(doc)
    rules.iri(doc.get("id"), "/id", "id")
    for i, rel in enumerate(as_list(doc.get("related"))):
        rules.node(rel, f"/related/{i}", "related")
    for i, end in enumerate(as_list(doc.get("endorsement"))):
        rules.node(end, f"/endorsement/{i}", "endorsement")
    if kind == "assertion":
        rules.node(doc.get("badge"), "/badge", "badge")
        rules.image(doc.get("image"), "/image", allow_data=False)
        ev = doc.get("evidence")
        for i, item in enumerate(as_list(ev)):
            p = f"/evidence/{i}" if isinstance(ev, list) else "/evidence"
            target = item.get("id") if isinstance(item, dict) else item
            if target is not None:
                rules.iri(target, p + ("/id" if isinstance(item, dict) else ""), "evidence")
        verification = doc.get("verification")
        if isinstance(verification, dict):
            rules.iri(verification.get("creator"), "/verification/creator", "verification creator")
        _identity_rules(rules, doc.get("recipient"))
    elif kind == "badgeclass":
        rules.image(doc.get("image"), "/image", allow_data=True)
        rules.node(doc.get("criteria"), "/criteria", "criteria")
        rules.node(doc.get("issuer"), "/issuer", "issuer")
        for i, align in enumerate(as_list(doc.get("alignment"))):
            if isinstance(align, dict):
                rules.url_(align.get("targetUrl"), f"/alignment/{i}/targetUrl", "alignment targetUrl")
    elif kind in ("issuer", "profile"):
        rules.image(doc.get("image"), "/image", allow_data=True)
        rules.url_(doc.get("url"), "/url", "url")
        if "email" in doc and not is_email(doc.get("email")):
            rules.fail("/email", "email is not an email address")
        if "telephone" in doc and not is_telephone(doc.get("telephone")):
            rules.fail("/telephone", "telephone is not in E.164 format (+ and up to 15 digits)")
        rules.node(doc.get("publicKey"), "/publicKey", "publicKey")
        rules.iri(doc.get("revocationList"), "/revocationList", "revocationList")
    elif kind == "endorsement":
        rules.node(doc.get("issuer"), "/issuer", "issuer")
        claim = doc.get("claim")
        if isinstance(claim, dict):
            rules.iri(claim.get("id"), "/claim/id", "claim id")
    elif kind == "cryptographic-key":
        rules.iri(doc.get("owner"), "/owner", "owner")
    elif kind == "revocation-list":
        rules.iri(doc.get("issuer"), "/issuer", "issuer")


def check_document(
    ctx: RunContext, doc: Any, kind: str, *, url: str | None = None, label: str | None = None, legacy: bool = False
) -> bool:
    """Validate one OB 2.0-shaped Badge Object of `kind`; record findings and a check; True when valid.

    `legacy`: the badge is OB 1.0/1.1, upgraded. Its issuer needs no `email` (OB 1.1 "Issuer Profile" lists it
    as optional; OB 2.0 made it required): without one it is checked against `issuer-1x.json` and the warning
    `issuer_email_missing` says so, as badgecheck accepts such issuers.
    """
    name = label or kind
    rules = _Rules(ctx, url, name)
    if not isinstance(doc, dict):
        rules.fail("", "must be a JSON object")
        ctx.out.check(f"schema.{kind}", "failed", f"{name} is not an object")
        return False
    schema = SCHEMAS[kind]
    if legacy and kind == "issuer" and "email" not in doc:
        schema = "issuer-1x.json"
        ctx.out.warn(WarningCode.ISSUER_EMAIL_MISSING,
                     f"{name}: an OB 1.x issuer without email (required only since OB 2.0)",
                     stage=STAGE_SCHEMAS, path="/email", url=url)
    for issue in schema_errors(doc, SCHEMA_BASE + schema):
        rules.fail(issue.path, issue.message)
    expected, names = EXPECTED_TYPES[kind]
    if ("type" in doc or "@type" in doc) and not type_iris(doc) & expected:
        rules.fail("/type", f"type must include {names}")
    _semantic(rules, kind, doc)
    ctx.out.check(f"schema.{kind}", "failed" if rules.failed else "passed", name)
    return not rules.failed
