"""What `import_badge` returns: `ImportResult`, its `ImportedAssertion` and `ImportFinding`s.

The shapes follow the seed document (`../shared/seeds/parchment-backpack-api.txt`, the Backpack API's
Assertion and response envelope) and BACKPACK-IMPORT-RESEARCH.md §4.2-4.4. `ImportedAssertion.to_badgr()`
emits exactly the seed Assertion keys a badge can fill, each with the seed's JSON type; a key the badge
leaves empty is left out rather than sent as `null` (the seed types them as strings, booleans and objects).
The endpoint adds what only it knows: `id`, `entityId`, `createdAt`, `createdBy`, `badgeclass`/`issuer`
entity ids, `acceptance`, `source`, `imagePath`, and its own image URL.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from obverify._orchestration.importer import texts

if TYPE_CHECKING:
    from obverify._core.report import Report
    from obverify._orchestration.importer.inputs import InputKind


@dataclass(frozen=True, slots=True)
class ImportFinding:
    """One problem or warning of an import.

    `code` is the stable obverify code (DESIGN.md §4; warnings may have their own), `name` the
    Badgr-compatible name (`VERIFY_SIGNATURE`, `ASSERTION_REVOKED`, ...), `message` the person-readable text
    (Badgr's where Badgr had one), `detail` obverify's technical message; `path` (a JSON pointer) and `url`
    say where, when known; `level` is `error` or `warning`.
    """

    code: str
    name: str
    message: str
    detail: str
    level: Literal["error", "warning"] = "error"
    path: str | None = None
    url: str | None = None

    def text(self) -> str:
        """The one string this finding contributes to the envelope: the message, then the detail if it adds
        anything."""
        return self.message if self.detail in ("", self.message) else f"{self.message}: {self.detail}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for logs and the service's own debugging output)."""
        out: dict[str, Any] = {"code": self.code, "name": self.name, "message": self.message,
                               "detail": self.detail, "level": self.level}
        if self.path is not None:
            out["path"] = self.path
        if self.url is not None:
            out["url"] = self.url
        return out


@dataclass(frozen=True, slots=True)
class ImportedImage:
    """The badge image obverify holds: the baked image given or fetched (`baked` True), with its type."""

    content: bytes
    media_type: str
    baked: bool = True

    def data_uri(self) -> str:
        """The image as a `data:` URI (what `to_badgr()` puts in `image` when no URL is known)."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.content).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class ImportedRecipient:
    """The badge's recipient as the badge states it, plus the user's identity that matched it.

    `type` uses Badgr's names (`email`, `url`, `telephone`; `did` or `id` for an OB 3.0 subject id);
    `identity` and `salt` are the badge's own (a backpack may re-hash with its own salt, as Badgr does).
    """

    identity: str
    hashed: bool
    type: str
    salt: str | None
    plaintext_identity: str | None

    def to_badgr(self) -> dict[str, Any]:
        """The seed's `recipient` object."""
        out: dict[str, Any] = {"identity": self.identity, "hashed": self.hashed, "type": self.type}
        if self.salt is not None:
            out["salt"] = self.salt
        if self.plaintext_identity is not None:
            out["plaintextIdentity"] = self.plaintext_identity
        return out


@dataclass(frozen=True, slots=True)
class ImportedAssertion:
    """A verified, awarded badge mapped onto the seed's Assertion (research §3, §4.3).

    Attributes are the seed's fields in snake case (`open_badge_id` is `openBadgeId`); `to_badgr()` gives the
    camelCase JSON. Beyond the seed: `version`, `input_kind`, `verification` (`hosted`, `signed` or
    `proof`), `original` (the input exactly as received: image bytes, the compact JWS/JWT or JSON text,
    the URL), `image_data` (the baked image bytes, when there is one), and `badgeclass`/`issuer`, plain
    summaries (id, name, description, image, criteria or url/email, originalJson) from which the endpoint
    creates its local copies.
    """

    open_badge_id: str | None
    badgeclass_open_badge_id: str | None
    issuer_open_badge_id: str | None
    image: str | None
    recipient: ImportedRecipient | None
    issued_on: str | None
    narrative: str | None
    evidence: tuple[dict[str, str], ...]
    revoked: bool
    revocation_reason: str | None
    expires: str | None
    extensions: dict[str, Any]
    pending: bool
    source_url: str | None
    original_json: str
    ob3_award_properties: dict[str, str] | None
    version: str | None
    input_kind: InputKind
    verification: Literal["hosted", "signed", "proof"] | None
    original: bytes | str
    image_data: ImportedImage | None = None
    badgeclass: dict[str, Any] = field(default_factory=dict)
    issuer: dict[str, Any] = field(default_factory=dict)

    def to_badgr(self) -> dict[str, Any]:
        """The seed's Assertion: every key the badge fills, with the seed's types (see the module doc)."""
        out: dict[str, Any] = {"entityType": "Assertion"}
        _put(out, "openBadgeId", self.open_badge_id)
        _put(out, "badgeclassOpenBadgeId", self.badgeclass_open_badge_id)
        _put(out, "issuerOpenBadgeId", self.issuer_open_badge_id)
        _put(out, "image", self.image)
        if self.recipient is not None:
            out["recipient"] = self.recipient.to_badgr()
        _put(out, "issuedOn", self.issued_on)
        _put(out, "narrative", self.narrative)
        out["evidence"] = [dict(e) for e in self.evidence]
        out["revoked"] = self.revoked
        _put(out, "revocationReason", self.revocation_reason)
        _put(out, "expires", self.expires)
        out["extensions"] = dict(self.extensions)
        if self.open_badge_id is not None:
            out["assertionRef"] = {"assertionUrl": self.open_badge_id}
        if self.badgeclass_open_badge_id is not None:
            out["badgeRef"] = {"badgeUrl": self.badgeclass_open_badge_id}
        if self.issuer_open_badge_id is not None:
            out["issuerRef"] = {"issuerUrl": self.issuer_open_badge_id}
        out["pending"] = self.pending
        _put(out, "sourceUrl", self.source_url)
        out["originalJson"] = self.original_json
        if self.ob3_award_properties is not None:
            out["ob3AwardProperties"] = dict(self.ob3_award_properties)
        return out


def _put(out: dict[str, Any], key: str, value: str | None) -> None:
    if value is not None:
        out[key] = value


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The outcome of one import, one to one with the seed's response envelope (research §4.2).

    `ok` is true exactly when the badge verified and belongs to the user: no errors, no field or non-field
    errors. `assertion` and `dedupe_key` are set only then. `dedupe_key` is the badge's canonical
    OpenBadge id (the assertion's or credential's `id`, a signed badge's `urn:uuid` too), the same whether
    the badge came as its hosted URL, its baked image or its JSON; a backpack refuses a second import of
    the same key with `DUPLICATE_BADGE`. `report` is the full verification report (an empty one when the
    request body was refused before any verification).
    """

    ok: bool
    report: Report
    input_kind: InputKind | None
    original: bytes | str | None
    assertion: ImportedAssertion | None = None
    errors: tuple[ImportFinding, ...] = ()
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    non_field_errors: tuple[str, ...] = ()
    warnings: tuple[ImportFinding, ...] = ()
    dedupe_key: str | None = None

    @property
    def http_status(self) -> int:
        """The status the import endpoint should answer with: 201 Created, else 400 Bad Request."""
        return 201 if self.ok else 400

    @property
    def error_code(self) -> str | None:
        """The envelope's `errorCode`: the first error's Badgr name, `INVALID_INPUT` when the request body
        itself was refused, None when the import succeeded."""
        if self.errors:
            return self.errors[0].name
        if self.field_errors or self.non_field_errors:
            return texts.INVALID_INPUT
        return None

    def validation_errors(self) -> list[str]:
        """The envelope's `validationErrors`: one string per error (research §2: strings, not objects)."""
        return [e.text() for e in self.errors]

    def warnings_by_code(self) -> dict[str, list[str]]:
        """The envelope's `warnings`: messages grouped by code (the seed's map of lists)."""
        out: dict[str, list[str]] = {}
        for w in self.warnings:
            out.setdefault(w.code, []).append(w.text())
        return out

    def to_envelope(self, *, timestamp: datetime | None = None) -> dict[str, Any]:
        """The response body in the seed's shape. `timestamp` defaults to now (UTC); the endpoint adds
        `latestTermsVersion` and its own fields to `result[0]`."""
        when = timestamp if timestamp is not None else datetime.now(UTC)
        return {
            "status": {"success": self.ok, "description": "ok" if self.ok else "bad request"},
            "result": [self.assertion.to_badgr()] if self.ok and self.assertion is not None else [],
            "timestamp": format_instant(when),
            "validationErrors": self.validation_errors(),
            "nonFieldErrors": list(self.non_field_errors),
            "fieldErrors": {k: list(v) for k, v in self.field_errors.items()},
            "errorCode": self.error_code,
            "warnings": self.warnings_by_code(),
        }


def format_instant(value: datetime) -> str:
    """An instant as the seed writes it: UTC, ISO 8601, milliseconds when there are any, `Z`."""
    utc = value.astimezone(UTC)
    text = f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    if utc.microsecond:
        text += f".{utc.microsecond // 1000:03d}"
    return text + "Z"
