"""From a verified report to the seed's Assertion: the field table of BACKPACK-IMPORT-RESEARCH.md §3.

Every value is read from the document that was verified (`report.badge`: the hosted copy of an OB 2.0
assertion, upgraded to 2.0; the payload of a JWS; the OB 3.0 credential), never from what was presented.
Values of the wrong JSON type are left out rather than passed on, so `to_badgr()` keeps the seed's types.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Literal

from obverify._core.recipient import IdentityClaim, match_identity
from obverify._core.report import Report
from obverify._core.timeparse import parse_datetime, parse_legacy_date, parse_ob2_datetime
from obverify._orchestration.importer.profile import RecipientProfile
from obverify._orchestration.importer.result import ImportedImage, ImportedRecipient, format_instant

# OB 3.0 AchievementCredential and VCDM 1.1 / 2.0 properties (OB 3.0 §B.1.1); anything else is an extension
OB3_CREDENTIAL_KEYS = frozenset({
    "@context", "id", "type", "name", "description", "image", "credentialSubject", "endorsement",
    "endorsementJwt", "evidence", "issuer", "validFrom", "validUntil", "awardedDate", "proof", "credentialSchema",
    "credentialStatus", "refreshService", "termsOfUse", "issuanceDate", "expirationDate", "issued",
})
# OB 3.0 AchievementSubject properties (OB 3.0 §B.1.2)
OB3_SUBJECT_KEYS = frozenset({
    "id", "type", "activityEndDate", "activityStartDate", "creditsEarned", "achievement", "identifier", "image",
    "licenseNumber", "narrative", "result", "role", "source", "term",
})
EVIDENCE_KEYS = ("narrative", "name", "description", "genre", "audience")

# OB 3.0 identityType -> Badgr's recipient type (the seed says `email`, research §3)
_OB3_TYPES = {"emailAddress": "email", "url": "url", "phone": "telephone", "did": "did"}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A text property as one string: a string as is; language-tagged values (OB 2.0 "Internationalization")
    by `display_text`'s order (untagged, else the first)."""
    if isinstance(value, str):
        return value
    from obverify._ob2.common import display_text

    return display_text(value)


def node_id(value: Any) -> str | None:
    """The id of a node given as a string or as an object with a string `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def instant(value: Any, *, ob2: bool = False) -> str | None:
    """A badge date as the seed writes dates (UTC, `Z`); None when it is no usable date. OB 0.5-2.0 dates are
    read as the OB 2.0 verifier reads them (OB 2.0 "Data Types: DateTime", 1.x dates and timestamps)."""
    parsers = (parse_ob2_datetime, parse_legacy_date) if ob2 else (parse_datetime,)
    for parse in parsers:
        try:
            return format_instant(parse(value))
        except ValueError:
            continue
    return None


def evidence(items: Any) -> tuple[dict[str, str], ...]:
    """OB 2.0 `evidence` (a URL, an object or a list) and OB 3.0 `evidence[]` in the seed's shape."""
    out: list[dict[str, str]] = []
    for item in _list(items):
        if isinstance(item, str):
            out.append({"url": item})
        elif isinstance(item, Mapping):
            entry: dict[str, str] = {}
            if isinstance(item.get("id"), str):
                entry["url"] = item["id"]
            for key in EVIDENCE_KEYS:
                text = _text(item.get(key))
                if text is not None:
                    entry[key] = text
            out.append(entry)
    return tuple(out)


def _object(value: Any) -> dict[str, Any]:
    """An extension's value as the seed types it (an object); other JSON values are wrapped."""
    return dict(value) if isinstance(value, Mapping) else {"value": value}


def verification_of(report: Report) -> Literal["hosted", "signed", "proof"] | None:
    """How the badge was verified: OB 2.0 hosted or signed, or an OB 3.0 proof."""
    if report.version == "3.0":
        return "proof"
    badge = report.badge or {}
    verification = badge.get("verification")
    vtype = verification.get("type") if isinstance(verification, Mapping) else None
    if isinstance(vtype, str) and vtype.lower() in ("signed", "signedbadge"):
        return "signed"
    return "hosted" if report.version is not None else None


def dedupe_key(report: Report, original_json: str | None) -> str | None:
    """The badge's canonical OpenBadge id: the assertion or credential `id` (what Badgr keys imports by);
    for a credential without one, the SHA-256 of the verified document's text."""
    badge = report.badge or {}
    ident = badge.get("id")
    if isinstance(ident, str) and ident:
        return ident
    if original_json is not None:
        return "sha256:" + hashlib.sha256(original_json.encode("utf-8", "surrogatepass")).hexdigest()
    return None


def _ob2_recipient(badge: Mapping[str, Any], report: Report) -> ImportedRecipient | None:
    recipient = badge.get("recipient")
    if not isinstance(recipient, Mapping) or not isinstance(recipient.get("identity"), str):
        return None
    kind = recipient.get("type")
    hashed = recipient.get("hashed")
    return ImportedRecipient(
        identity=recipient["identity"],
        hashed=hashed if isinstance(hashed, bool) else True,
        type=kind if isinstance(kind, str) else "email",
        salt=_text(recipient.get("salt")),
        plaintext_identity=report.recipient.matched,
    )


def _ob3_recipient(subject: Mapping[str, Any], report: Report) -> ImportedRecipient | None:
    matched = report.recipient.matched
    for ident in _list(subject.get("identifier")):
        if not isinstance(ident, Mapping):
            continue
        value, kind = ident.get("identityHash"), ident.get("identityType")
        if not isinstance(value, str) or not isinstance(kind, str):
            continue
        hashed = ident.get("hashed") is True
        salt = _text(ident.get("salt"))
        if matched is not None:
            claim = IdentityClaim(identity=value, identity_type=kind, hashed=hashed, salt=salt)
            if match_identity(claim, [matched]).matched is None:
                continue
        return ImportedRecipient(identity=value, hashed=hashed, type=_OB3_TYPES.get(kind, kind), salt=salt,
                                 plaintext_identity=matched)
    subject_id = subject.get("id")
    if isinstance(subject_id, str):
        kind = "did" if subject_id.startswith("did:") else ("url" if subject_id.startswith("http") else "id")
        return ImportedRecipient(identity=subject_id, hashed=False, type=kind, salt=None, plaintext_identity=matched)
    return None


def _summary_of(node: Any, keys: tuple[str, ...], original: bytes | None) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        ident = node_id(node)
        return {"id": ident} if ident else {}
    out: dict[str, Any] = {"id": node_id(node)}
    for key in keys:
        value = node.get(key)
        if key in ("image", "criteria") and not isinstance(value, str):
            value = node_id(value) if key == "image" else value
        elif key in ("name", "description") and value is not None and not isinstance(value, str):
            value = _text(value)
        out[key] = value
    if original is not None:
        out["originalJson"] = original.decode("utf-8", "replace")
    return out


def map_assertion(
    report: Report,
    *,
    profile: RecipientProfile,
    original_json: str,
    input_kind: Any,
    original: bytes | str,
    image: ImportedImage | None,
    given_url: str | None,
) -> dict[str, Any]:
    """The keyword arguments of `ImportedAssertion` for a verified awarded badge."""
    badge: Mapping[str, Any] = report.badge or {}
    version = report.version
    verification = verification_of(report)
    badge_id = node_id(badge)
    common: dict[str, Any] = {
        "open_badge_id": badge_id,
        "revoked": bool(report.revoked),
        "revocation_reason": report.revocation_reason,
        "original_json": original_json,
        "version": version,
        "input_kind": input_kind,
        "verification": verification,
        "original": original,
        "image_data": image,
    }
    if version == "3.0":
        fields = _ob3_fields(badge, report)
        hosted_id = badge_id if isinstance(badge_id, str) and badge_id.startswith(("https://", "http://")) else None
    else:
        fields = _ob2_fields(badge, report)
        hosted_id = badge_id if verification == "hosted" else None
    recipient: ImportedRecipient | None = fields.pop("recipient")
    pending = False
    if recipient is not None and recipient.plaintext_identity is not None:
        held = profile.lookup(recipient.plaintext_identity, recipient.type)
        pending = held is not None and not held[1]
    image_url = fields.pop("image_url")
    return {
        **common,
        **fields,
        "recipient": recipient,
        "pending": pending,
        "image": image.data_uri() if image is not None else image_url,
        "source_url": hosted_id or given_url,
    }


def _ob2_fields(badge: Mapping[str, Any], report: Report) -> dict[str, Any]:
    badgeclass = report.related.get("badgeclass")
    issuer = report.related.get("issuer")
    bc: Mapping[str, Any] = badgeclass if isinstance(badgeclass, Mapping) else {}
    bc_id = node_id(badge.get("badge"))
    issuer_id = node_id(bc.get("issuer")) or node_id(issuer)
    return {
        "badgeclass_open_badge_id": bc_id,
        "issuer_open_badge_id": issuer_id,
        "image_url": _image_url(badge.get("image")) or _image_url(bc.get("image")),
        "recipient": _ob2_recipient(badge, report),
        "issued_on": instant(badge.get("issuedOn"), ob2=True),
        "narrative": _text(badge.get("narrative")),
        "evidence": evidence(badge.get("evidence")),
        "expires": instant(badge.get("expires"), ob2=True) if badge.get("expires") is not None else None,
        "extensions": {k: _object(v) for k, v in badge.items() if isinstance(k, str) and k.startswith("extensions:")},
        "ob3_award_properties": None,
        "badgeclass": _summary_of(badgeclass, ("name", "description", "image", "criteria", "issuer"),
                                  report.originals.get(bc_id) if bc_id else None),
        "issuer": _summary_of(issuer, ("name", "description", "url", "email", "image"),
                              report.originals.get(issuer_id) if issuer_id else None),
    }


def _ob3_fields(credential: Mapping[str, Any], report: Report) -> dict[str, Any]:
    found = _first(credential.get("credentialSubject"))
    subject: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    found = subject.get("achievement")
    achievement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    issuer = credential.get("issuer")
    issued = credential.get("awardedDate", subject.get("awardedDate"))
    if issued is None:
        issued = credential.get("validFrom", credential.get("issuanceDate"))
    expires = credential.get("validUntil", credential.get("expirationDate"))
    extensions = {k: _object(v) for k, v in credential.items() if k not in OB3_CREDENTIAL_KEYS}
    extensions.update({f"credentialSubject.{k}": _object(v) for k, v in subject.items() if k not in OB3_SUBJECT_KEYS})
    award = {
        name: value for name, value in (
            ("activityStart", instant(subject.get("activityStartDate"))),
            ("activityEnd", instant(subject.get("activityEndDate"))),
            ("licenseNumber", _text(subject.get("licenseNumber"))),
            ("role", _text(subject.get("role"))),
        ) if value is not None
    }
    achievement_id = node_id(achievement)
    issuer_id = node_id(issuer)
    return {
        "badgeclass_open_badge_id": achievement_id,
        "issuer_open_badge_id": issuer_id,
        "image_url": _image_url(credential.get("image")) or _image_url(achievement.get("image")),
        "recipient": _ob3_recipient(subject, report),
        "issued_on": instant(issued),
        "narrative": _text(subject.get("narrative")),
        "evidence": evidence(credential.get("evidence")),
        "expires": instant(expires) if expires is not None else None,
        "extensions": extensions,
        "ob3_award_properties": award,
        "badgeclass": _summary_of(achievement, ("name", "description", "image", "criteria", "achievementType"), None),
        "issuer": _summary_of(issuer, ("name", "description", "url", "email", "image"),
                              report.originals.get(issuer_id) if issuer_id else None),
    }


def _image_url(value: Any) -> str | None:
    ident = node_id(value)
    return ident if isinstance(ident, str) and ident.startswith(("https://", "http://", "data:image/")) else None
