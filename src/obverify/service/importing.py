"""The service's one door to `obverify.import_badge`: inputs in, an `ImportOutcome` out.

`import_badge` is the one place that maps a report to a Badgr Assertion (issue 13); this module only
adapts its result to what the endpoint stores and answers, so the rest of the service does not depend on
which `ImportResult` shape the installed library has. Two are understood:

- the seed-shaped one (issue 12): `ok`, `http_status`, `assertion.to_badgr()`, `dedupe_key`, `original`,
  `to_envelope()`, and `recipient_profile` by identity type with `unverified=`;
- the earlier one: `success`, `result[0]`, `validation_errors` as finding dicts, a flat `recipient_profile`.

Anything the library raises becomes a 400 `INVALID_BADGE` envelope here, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from obverify.loaders.base import Loader
from obverify.report import Report

# Badgr-compatible error names per obverify code (research §4.5), for the earlier ImportResult only.
_NAMES = {
    "input_invalid": "INVALID_BADGE",
    "unbake_failed": "INVALID_BADGE",
    "fetch_failed": "FETCH_HTTP_NODE",
    "url_blocked": "FETCH_HTTP_NODE",
    "recipient_mismatch": "VERIFY_RECIPIENT_IDENTIFIER",
    "proof_invalid": "VERIFY_SIGNATURE",
    "issuer_mismatch": "VERIFY_SIGNATURE",
    "revoked": "ASSERTION_REVOKED",
    "expired": "ASSERTION_TIMESTAMP_CHECKS",
    "not_yet_valid": "ASSERTION_TIMESTAMP_CHECKS",
    "context_invalid": "VALIDATE_PROPERTY",
    "schema_invalid": "VALIDATE_PROPERTY",
    "status_unavailable": "STATUS_UNAVAILABLE",
}


@dataclass
class Profile:
    """A user's identities by type (`email`, `url`, `telephone`, `did`), and which of them are unverified."""

    verified: dict[str, list[str]] = field(default_factory=dict)
    unverified: dict[str, list[str]] = field(default_factory=dict)

    def all_values(self) -> list[str]:
        """Every identity value, verified ones first."""
        out: list[str] = []
        for group in (self.verified, self.unverified):
            for values in group.values():
                out.extend(values)
        return out

    def is_unverified(self, value: str | None) -> bool:
        """Whether `value` is only among the unverified identities (emails compared case-insensitively)."""
        if not value:
            return False
        verified = {v.lower() for vs in self.verified.values() for v in vs}
        unverified = {v.lower() for vs in self.unverified.values() for v in vs}
        return value.lower() in unverified and value.lower() not in verified


@dataclass
class ImportOutcome:
    """What the endpoint needs from one import: the verdict, the Assertion, the envelope parts, the original."""

    ok: bool
    status: int
    report: Report
    assertion: dict[str, Any] | None = None
    dedupe_key: str | None = None
    validation_errors: list[str] = field(default_factory=list)
    non_field_errors: list[str] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    error_code: str | None = None
    warnings: dict[str, list[str]] = field(default_factory=dict)
    original: bytes = b""
    """The input exactly as received (the URL text, the JSON/JWS text, the image bytes), to store."""


def _original_of(url: Any, assertion: Any, image: Any) -> bytes:
    if isinstance(url, str) and url:
        return url.encode("utf-8", "surrogatepass")
    if isinstance(assertion, Mapping):
        return json.dumps(assertion, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if isinstance(assertion, str):
        return assertion.encode("utf-8", "surrogatepass")
    if isinstance(image, bytes):
        return image
    if isinstance(image, str):
        text = image.strip()
        if text.startswith("data:"):
            text = text.partition(",")[2]
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return image.encode("utf-8", "surrogatepass")
    return b""


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("message") or value.get("description") or value)
    return str(value)


def _new_api(result: Any, profile: Profile) -> ImportOutcome:
    envelope: dict[str, Any] = result.to_envelope()
    assertion = result.assertion.to_badgr() if result.ok and result.assertion is not None else None
    if assertion is not None and assertion.get("pending") is None:
        plaintext = (assertion.get("recipient") or {}).get("plaintextIdentity")
        assertion["pending"] = profile.is_unverified(plaintext)
    original = getattr(result, "original", None)
    if isinstance(original, str):
        original = original.encode("utf-8", "surrogatepass")
    return ImportOutcome(
        ok=bool(result.ok), status=int(result.http_status), report=result.report, assertion=assertion,
        dedupe_key=result.dedupe_key,
        validation_errors=[_text(v) for v in envelope.get("validationErrors") or []],
        non_field_errors=[_text(v) for v in envelope.get("nonFieldErrors") or []],
        field_errors={k: [_text(v) for v in vs] for k, vs in (envelope.get("fieldErrors") or {}).items()},
        error_code=envelope.get("errorCode"),
        warnings={k: [_text(v) for v in vs] for k, vs in (envelope.get("warnings") or {}).items()},
        original=original if isinstance(original, bytes) else b"",
    )


def _old_api(result: Any, profile: Profile) -> ImportOutcome:
    report: Report = result.report
    warnings: dict[str, list[str]] = {}
    for item in result.warnings:
        warnings.setdefault(str(item.get("code")), []).append(str(item.get("message")))
    if not result.success:
        code = result.error_code
        return ImportOutcome(
            ok=False, status=400, report=report,
            validation_errors=[_text(v) for v in result.validation_errors],
            non_field_errors=list(result.non_field_errors), field_errors=dict(result.field_errors),
            error_code=_NAMES.get(code, "INVALID_BADGE") if code else None, warnings=warnings,
        )
    assertion = dict(result.result[0])
    for key in ("badgeclass", "issuer"):  # the earlier API put whole documents there; the seed has entity ids
        assertion.pop(key, None)
    original_json = assertion.get("originalJson")
    if original_json is not None and not isinstance(original_json, str):
        assertion["originalJson"] = json.dumps(original_json, ensure_ascii=False)
    recipient = assertion.get("recipient") or {}
    if recipient.get("type") == "emailAddress":
        recipient["type"] = "email"
    assertion["pending"] = profile.is_unverified(recipient.get("plaintextIdentity"))
    refs = (("assertionRef", "assertionUrl", "openBadgeId"), ("badgeRef", "badgeUrl", "badgeclassOpenBadgeId"),
            ("issuerRef", "issuerUrl", "issuerOpenBadgeId"))
    for ref, inner, source in refs:
        assertion.setdefault(ref, {inner: assertion.get(source)})
    badge_id = assertion.get("openBadgeId")
    return ImportOutcome(ok=True, status=201, report=report, assertion=assertion,
                         dedupe_key=badge_id if isinstance(badge_id, str) else None, warnings=warnings)


ONLY_ONE = "Must provide only one of 'url', 'image' or 'assertion'."


def _old_api_guard(url: Any, assertion: Any, image: Any) -> ImportOutcome | None:
    """The request-body checks the earlier `import_badge` lacked (research §2 rows 5-10), so that it is
    never handed a path as `url` or a number as `assertion`. The seed-shaped `import_badge` makes these
    checks itself, with the same texts; this goes when the earlier API is gone."""
    def field(name: str, text: str) -> ImportOutcome:
        return ImportOutcome(ok=False, status=400, report=Report(), field_errors={name: [text]},
                             error_code="INVALID_INPUT")

    if sum(1 for value in (url, assertion, image) if value) != 1:
        return ImportOutcome(ok=False, status=400, report=Report(), non_field_errors=[ONLY_ONE],
                             error_code="INVALID_INPUT")
    if url:
        if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
            return field("url", "Enter a valid URL.")
    elif assertion:
        if not isinstance(assertion, Mapping | str):
            return field("assertion", f'Expected a dictionary of items but got type "{type(assertion).__name__}".')
    elif isinstance(image, str) and not image.strip().lower().startswith(("http://", "https://")):
        text = image.strip()
        if text.startswith("data:"):
            head, _, text = text.partition(",")
            if head[5:].split(";")[0].lower() not in {"image/png", "image/svg+xml"}:
                return field("image", "Invalid MIME type")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return field("image", "The submitted data was not a file. Check the encoding type on the form.")
        if not data.startswith(b"\x89PNG") and b"<svg" not in data[:4096]:
            raster = data.startswith((b"\xff\xd8", b"GIF8", b"BM", b"RIFF"))
            return field("image", "Invalid PNG" if raster else "Invalid image.")
    elif image is not None and not isinstance(image, bytes | str):
        return field("image", "The submitted data was not a file. Check the encoding type on the form.")
    return None


def run_import(
    *,
    url: Any = None,
    assertion: Any = None,
    image: Any = None,
    profile: Profile,
    loader: Loader,
    policy: Any = None,
) -> ImportOutcome:
    """Import one badge for a user with `profile`; never raises for anything the request body holds."""
    from obverify.importer import import_badge

    params = inspect.signature(import_badge).parameters
    new_api = "unverified" in params
    kwargs: dict[str, Any] = {"url": url, "assertion": assertion, "image": image, "loader": loader}
    if policy is not None:
        kwargs["policy"] = policy
    if new_api:
        kwargs["recipient_profile"] = {k: list(v) for k, v in profile.verified.items()}
        kwargs["unverified"] = {k: list(v) for k, v in profile.unverified.items()}
    else:
        refused = _old_api_guard(url, assertion, image)
        if refused is not None:
            return refused
        kwargs["recipient_profile"] = profile.all_values() or ["-"]
        if isinstance(image, str) and image.strip().lower().startswith(("http://", "https://")) and not url:
            kwargs["url"], kwargs["image"] = image.strip(), None  # the earlier API knew no image URLs
    try:
        result = import_badge(**kwargs)
    except (TypeError, ValueError, AttributeError, KeyError, UnicodeError) as exc:
        return ImportOutcome(ok=False, status=400, report=Report(), validation_errors=[str(exc)],
                             error_code="INVALID_BADGE")
    outcome = _new_api(result, profile) if new_api else _old_api(result, profile)
    if not outcome.original:
        outcome.original = _original_of(url, assertion, image)
    return outcome
