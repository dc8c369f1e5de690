"""`import_badge`: the backpack import call, shaped like Parchment's `POST /v2/backpack/import` (DESIGN.md §2).

Exactly one of `url`, `assertion` (a JSON object or JSON/JWS text) or `image` (bytes, a data: URI or base64
text) is taken; the badge must verify and belong to one of the importing user's identities. The result maps
one to one onto the endpoint's response envelope; the endpoint adds ids, timestamps, acceptance and storage.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from obverify.loaders.base import Loader
from obverify.pipeline import verify
from obverify.report import Report
from obverify.timeparse import datetime


@dataclass
class ImportResult:
    """The backpack import envelope: `status`, `result` (assertions), the error lists and the report."""

    report: Report
    success: bool
    description: str
    result: list[dict[str, Any]] = field(default_factory=list)
    validation_errors: list[dict[str, Any]] = field(default_factory=list)
    non_field_errors: list[str] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    error_code: str | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_envelope(self) -> dict[str, Any]:
        """The JSON response body of the import endpoint."""
        return {
            "status": {"success": self.success, "description": self.description},
            "result": self.result,
            "validationErrors": self.validation_errors,
            "nonFieldErrors": self.non_field_errors,
            "fieldErrors": self.field_errors,
            "errorCode": self.error_code,
            "warnings": self.warnings,
        }


def _decode_image(image: bytes | str) -> bytes | None:
    if isinstance(image, bytes):
        return image
    text = image.strip()
    if text.startswith("data:"):
        _, _, text = text.partition(",")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _assertion_entity(report: Report) -> dict[str, Any]:
    badge: Mapping[str, Any] = report.badge or {}
    related = report.related
    badgeclass = related.get("badgeclass")
    issuer = related.get("issuer")
    original_json = _verified_json(report)
    if report.version == "3.0":
        subject = _first(badge.get("credentialSubject")) or {}
        ident = _first(subject.get("identifier")) if isinstance(subject, Mapping) else None
        recipient = {
            "identity": (ident or {}).get("identityHash") if isinstance(ident, Mapping) else subject.get("id"),
            "hashed": bool(ident.get("hashed")) if isinstance(ident, Mapping) else False,
            "type": (ident or {}).get("identityType", "id") if isinstance(ident, Mapping) else "id",
            "salt": ident.get("salt") if isinstance(ident, Mapping) else None,
            "plaintextIdentity": report.recipient.matched,
        }
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        return {
            "entityType": "Assertion",
            "openBadgeId": badge.get("id"),
            "badgeclassOpenBadgeId": _id_of(achievement),
            "issuerOpenBadgeId": _id_of(badge.get("issuer")),
            "image": _id_of(badge.get("image")) or _id_of((achievement or {}).get("image") if isinstance(
                achievement, Mapping) else None),
            "recipient": recipient,
            "issuedOn": badge.get("validFrom") or badge.get("issuanceDate"),
            "narrative": None,
            "evidence": [_evidence(e) for e in _list(badge.get("evidence"))],
            "revoked": bool(report.revoked),
            "revocationReason": report.revocation_reason,
            "expires": badge.get("validUntil") or badge.get("expirationDate"),
            "extensions": {},
            "sourceUrl": report.original if isinstance(report.original, str) else None,
            "originalJson": original_json,
            "ob3AwardProperties": {
                "activityStart": subject.get("activityStartDate") if isinstance(subject, Mapping) else None,
                "activityEnd": subject.get("activityEndDate") if isinstance(subject, Mapping) else None,
                "licenseNumber": subject.get("licenseNumber") if isinstance(subject, Mapping) else None,
                "role": subject.get("role") if isinstance(subject, Mapping) else None,
            },
            "badgeclass": achievement,
            "issuer": badge.get("issuer"),
        }
    raw_recipient = badge.get("recipient")
    recipient_obj: Mapping[str, Any] = raw_recipient if isinstance(raw_recipient, Mapping) else {}
    return {
        "entityType": "Assertion",
        "openBadgeId": badge.get("id"),
        "badgeclassOpenBadgeId": _id_of(badge.get("badge")),
        "issuerOpenBadgeId": _id_of(badgeclass.get("issuer")) if isinstance(badgeclass, Mapping) else None,
        "image": _id_of(badge.get("image")),
        "recipient": {
            "identity": recipient_obj.get("identity"),
            "hashed": bool(recipient_obj.get("hashed")),
            "type": recipient_obj.get("type"),
            "salt": recipient_obj.get("salt"),
            "plaintextIdentity": report.recipient.matched,
        },
        "issuedOn": badge.get("issuedOn"),
        "narrative": badge.get("narrative"),
        "evidence": [_evidence(e) for e in _list(badge.get("evidence"))],
        "revoked": bool(report.revoked),
        "revocationReason": report.revocation_reason,
        "expires": badge.get("expires"),
        "extensions": {k: v for k, v in badge.items() if k.startswith("extensions:")},
        "sourceUrl": report.original if isinstance(report.original, str) else None,
        "originalJson": original_json,
        "ob3AwardProperties": None,
        "badgeclass": badgeclass,
        "issuer": issuer,
    }


def _verified_json(report: Report) -> Any:
    """The JSON that was verified, for the backpack to store: the hosted copy fetched at the badge's id when
    there is one (never the presented JSON, which for a hosted badge is only a pointer), else the badge itself.
    """
    badge = report.badge or {}
    badge_id = badge.get("id")
    raw = report.originals.get(badge_id) if isinstance(badge_id, str) else None
    if raw is not None:
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            pass
    return dict(badge) if badge else None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _evidence(item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        return {"url": item, "narrative": None, "name": None, "description": None, "genre": None, "audience": None}
    ev: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
    return {
        "url": ev.get("id"),
        "narrative": ev.get("narrative"),
        "name": ev.get("name"),
        "description": ev.get("description"),
        "genre": ev.get("genre"),
        "audience": ev.get("audience"),
    }


def import_badge(
    *,
    url: str | None = None,
    assertion: Mapping[str, Any] | str | None = None,
    image: bytes | str | None = None,
    recipient_profile: Iterable[str],
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: Any = None,
) -> ImportResult:
    """Verify a badge for import into the backpack of a user whose identities are `recipient_profile`."""
    given = [name for name, value in (("url", url), ("assertion", assertion), ("image", image)) if value]
    identities = tuple(recipient_profile)
    if len(given) != 1:
        return ImportResult(
            report=Report(), success=False, description="exactly one of url, assertion or image is required",
            non_field_errors=["Exactly one of url, assertion or image must be given"], error_code="input_invalid",
        )
    if not identities:
        raise ValueError("recipient_profile must hold at least one identity of the importing user")
    source: Any
    if url:
        source = url
    elif assertion:
        source = assertion if isinstance(assertion, Mapping) else assertion.encode("utf-8")
    else:
        decoded = _decode_image(image or b"")
        if decoded is None:
            return ImportResult(
                report=Report(), success=False, description="image is not valid base64",
                field_errors={"image": ["Invalid base64 image data"]}, error_code="input_invalid",
            )
        source = decoded
    report = verify(source, recipients=identities, at=at, loader=loader, policy=policy)
    warnings = [f.to_dict() for f in report.warnings]
    if not report.valid:
        first = report.errors[0]
        return ImportResult(
            report=report, success=False, description=first.message,
            validation_errors=[f.to_dict() for f in report.errors], error_code=first.code, warnings=warnings,
        )
    return ImportResult(
        report=report, success=True, description="ok", result=[_assertion_entity(report)], warnings=warnings,
    )
