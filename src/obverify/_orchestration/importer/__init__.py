"""`import_badge`: the backpack import call behind the seed's `POST /v2/backpack/import` (DESIGN.md §2).

Exactly one of `url` (an http(s) URL), `assertion` (a JSON object, or JSON or compact JWS/JWT text) or
`image` (PNG/SVG bytes, a data URI, raw base64, or an http(s) URL of a baked image) is taken, as any JSON
request body can carry them: every other type or shape is a field or non-field error with Badgr's texts,
never an exception and never a local file read. The badge must verify, be an *awarded* badge (not a
BadgeClass, Profile, key or list) and belong to one of the user's identities. The result maps one to one
onto the seed's response envelope (`ImportResult.to_envelope()`); the endpoint adds ids, timestamps,
acceptance and storage. `reverify_import` verifies a stored import again from its `original`.

Modules: `inputs` (the request body), `profile` (the user's identities), `mapping` (report → Assertion,
research §3), `stored` (the verified document's exact text), `texts` (Badgr's names and messages),
`result` (the returned records).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from obverify._core.errors import Code, LoadError
from obverify._core.objects import AWARDED, not_awarded_message
from obverify._core.report import Collector, Report
from obverify._core.url import URL
from obverify._orchestration.importer import texts
from obverify._orchestration.importer.inputs import (
    BodyErrors,
    Input,
    InputKind,
    check_image_bytes,
    guess_kind,
    read_body,
)
from obverify._orchestration.importer.mapping import dedupe_key, map_assertion, verification_of
from obverify._orchestration.importer.profile import RecipientProfile, make_profile
from obverify._orchestration.importer.result import (
    ImportedAssertion,
    ImportedImage,
    ImportedRecipient,
    ImportFinding,
    ImportResult,
)
from obverify._orchestration.importer.stored import presented_text, text_of_badge, verified_text

if TYPE_CHECKING:
    from datetime import datetime

    from obverify._core.loader import Loader
    from obverify._core.policy import VerificationPolicy
    from obverify._engines.net.policy import NetworkPolicy

__all__ = [
    "ImportFinding",
    "ImportResult",
    "ImportedAssertion",
    "ImportedImage",
    "ImportedRecipient",
    "Reverification",
    "import_badge",
    "reverify_import",
]

_MEDIA_TYPES = {"png": "image/png", "svg": "image/svg+xml", "svgz": "image/svg+xml"}


def import_badge(
    *,
    url: object = None,
    assertion: object = None,
    image: object = None,
    recipient_profile: Mapping[str, Iterable[str]],
    unverified: Iterable[str] | Mapping[str, Iterable[str]] = (),
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: VerificationPolicy | NetworkPolicy | None = None,
) -> ImportResult:
    """Verify a badge for import into the backpack of a user, as `POST /v2/backpack/import` would.

    `url`, `assertion`, `image`: the request body's fields, any JSON value (or bytes); exactly one must be
    given (None and empty values count as absent). `recipient_profile` maps identity types to the user's
    identities, e.g. `{"email": ["alice@example.org"], "url": [...], "telephone": [...], "did": [...]}`;
    `unverified` names those the user has not verified (a list of identities from the profile, or a mapping
    by type adding them), and a badge matched only through one of them is `pending`. `at` fixes the
    instant of every time check (default now); `loader` (default: the safe HTTP loader under `policy`'s
    `network`) is the only way to the network; `policy` (a `VerificationPolicy`, or a bare `NetworkPolicy`) is
    the verification's, as `verify` takes it.

    Raises only on programmer errors: `TypeError` for a `recipient_profile` that is not a mapping of lists
    of strings (a bare string included), `ValueError` for a profile with no identity or a naive `at`.
    """
    profile = make_profile(recipient_profile, unverified)
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        raise ValueError("`at` must be a timezone-aware datetime")
    body = read_body(url, assertion, image)
    if isinstance(body, BodyErrors):
        return ImportResult(ok=False, report=_refused_body(body, at), input_kind=None, original=None,
                            field_errors=body.field_errors, non_field_errors=tuple(body.non_field_errors))
    return _import(body, profile, at=at, loader=loader, policy=policy)


def _refused_body(body: BodyErrors, at: datetime | None) -> Report:
    """The report of a request body refused before any verification: never valid, saying why."""
    out = Collector(Report(checked_at=at))
    for name, messages in body.field_errors.items():
        out.error(Code.INPUT_INVALID, f"{name}: {' '.join(messages)}", stage="request", path=f"/{name}")
    for message in body.non_field_errors:
        out.error(Code.INPUT_INVALID, message, stage="request")
    return out.finish()


def _import(body: Input, profile: RecipientProfile, *, at: datetime | None, loader: Loader | None,
            policy: VerificationPolicy | NetworkPolicy | None) -> ImportResult:
    from obverify._core.policy import policy_of
    from obverify._engines.net.factory import default_loader
    from obverify._orchestration.pipeline import verify

    policy = policy_of(policy)
    run_loader = loader if loader is not None else default_loader(policy.network)
    image_bytes: bytes | None = body.source if body.kind == "image" and isinstance(body.source, bytes) else None
    if body.image_url is not None:
        fetched = _fetch_image(run_loader, body.image_url, at)
        if isinstance(fetched, ImportResult):
            return _with_input(fetched, body)
        if isinstance(fetched, list):
            refused = BodyErrors({"image": fetched}, [])
            return ImportResult(ok=False, report=_refused_body(refused, at), input_kind=body.kind,
                                original=body.original, field_errors=refused.field_errors)
        image_bytes = fetched
    source: str | bytes | URL = image_bytes if image_bytes is not None else body.source
    if isinstance(source, str):  # `verify` fetches only an obverify.URL; a plain str would be badge text
        try:
            source = URL(source)
        except ValueError:  # read_body checked the shape already; the URL type is stricter still
            refused = BodyErrors({body.kind: [texts.URL_INVALID]}, [])
            return ImportResult(ok=False, report=_refused_body(refused, at), input_kind=body.kind,
                                original=body.original, field_errors=refused.field_errors)
    report = verify(source, recipients=profile.candidates(), at=at, loader=run_loader, policy=policy)
    if image_bytes is None and body.kind == "url" and isinstance(body.source, str):
        answered = report.originals.get(body.source)
        if answered is not None and check_image_bytes(answered) is None:
            image_bytes = answered  # the URL answered with a baked image: keep it, it is the badge's image
    return _judge(report, body, profile, image_bytes)


def _with_input(result: ImportResult, body: Input) -> ImportResult:
    return ImportResult(ok=result.ok, report=result.report, input_kind=body.kind, original=body.original,
                        errors=result.errors, warnings=result.warnings)


def _fetch_image(loader: Loader, url: str, at: datetime | None) -> bytes | list[str] | ImportResult:
    """Fetch an image given by URL: its bytes, field errors if it is no PNG/SVG, or a failed result."""
    try:
        doc = loader.load(url, accept="image/png, image/svg+xml;q=0.9")
    except LoadError as exc:
        out = Collector(Report(checked_at=at))
        out.error(exc.code, f"could not load image {url}: {exc.reason}", stage="resolve", url=url)
        report = out.finish()
        return ImportResult(ok=False, report=report, input_kind="image", original=url,
                            errors=_findings(report, hosted=False))
    if doc.status != 200 and not 200 <= doc.status < 300:
        out = Collector(Report(checked_at=at))
        out.error(Code.FETCH_FAILED, f"image {url} answered HTTP {doc.status}", stage="resolve", url=url)
        report = out.finish()
        return ImportResult(ok=False, report=report, input_kind="image", original=url,
                            errors=_findings(report, hosted=False))
    problem = check_image_bytes(doc.content)
    return problem if problem else doc.content


def _object_type(report: Report) -> str | None:
    """Which kind of object the report judged (`Assertion`, `BadgeClass`, `OpenBadgeCredential`, …)."""
    kind = report.related.get("type")
    if isinstance(kind, str):
        return kind
    if report.version == "3.0" and isinstance(report.badge, Mapping):
        types = report.badge.get("type")
        names = types if isinstance(types, list) else [types]
        for name in ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"):
            if name in names:
                return name
        return next((n for n in names if isinstance(n, str) and n != "VerifiableCredential"), None)
    return None


def _findings(report: Report, *, hosted: bool, not_awarded: str | None = None) -> tuple[ImportFinding, ...]:
    out: list[ImportFinding] = []
    said = not_awarded is not None and any(f.message == not_awarded_message(not_awarded) for f in report.errors)
    if not_awarded is not None and not said:  # the verifier refuses these itself; this is the second line
        detail = not_awarded_message(not_awarded)
        out.append(ImportFinding(str(Code.INPUT_INVALID), texts.INVALID_INPUT_TYPE, detail, detail))
    for f in report.errors:
        refused = not_awarded is not None and f.message == not_awarded_message(not_awarded)
        name, message = texts.name_and_message(f.code, f.message, hosted=hosted, not_awarded=refused)
        out.append(ImportFinding(f.code, name, message, f.message, "error", f.path, f.url))
    if not out and not report.valid:  # cannot happen today; never answer "ok" for an invalid report
        out.append(ImportFinding("input_invalid", texts.UNABLE_TO_VERIFY, texts.UNABLE_TO_VERIFY_TEXT, ""))
    return tuple(out)


def _warnings(report: Report) -> tuple[ImportFinding, ...]:
    return tuple(ImportFinding(w.code, w.code.upper(), w.message, w.message, "warning", w.path, w.url)
                 for w in report.warnings)


def _recipient_problem(report: Report, profile: RecipientProfile) -> str | None:
    """The badge must be addressed to an identity the user holds *under the type the badge names*."""
    matched = report.recipient.matched
    if matched is None:
        return None
    if profile.lookup(matched, report.recipient.identity_type) is None:
        kind = report.recipient.identity_type or "unknown"
        return f"the badge is addressed to an identity of type {kind}, and none of your {kind} identities matches"
    return None


def _judge(report: Report, body: Input, profile: RecipientProfile, image_bytes: bytes | None) -> ImportResult:
    hosted = verification_of(report) == "hosted"
    object_type = _object_type(report)
    not_awarded = object_type if object_type is not None and object_type not in AWARDED else None
    problem = _recipient_problem(report, profile)
    if problem is not None:
        out = Collector(report)
        out.error(Code.RECIPIENT_MISMATCH, problem, stage="recipient")
        report = out.finish()
    errors = _findings(report, hosted=hosted, not_awarded=not_awarded)
    presented = presented_text(body.kind, body.source if image_bytes is None else b"", report, image_bytes)
    original_json = verified_text(report, presented) or text_of_badge(report)
    key = dedupe_key(report, original_json) if report.badge is not None else None
    ok = not errors and report.valid and not_awarded is None and original_json is not None
    assertion = None
    if ok:
        assert original_json is not None
        image = None
        if image_bytes is not None:
            from obverify._core.sniff import sniff

            image = ImportedImage(image_bytes, _MEDIA_TYPES.get(sniff(image_bytes), "application/octet-stream"))
        assertion = ImportedAssertion(**map_assertion(
            report, profile=profile, original_json=original_json, input_kind=body.kind, original=body.original,
            image=image, given_url=body.source if body.kind == "url" and isinstance(body.source, str) else None,
        ))
    return ImportResult(ok=ok, report=report, input_kind=body.kind, original=body.original, assertion=assertion,
                        errors=errors, warnings=_warnings(report), dedupe_key=key if ok else None)


@dataclass(frozen=True, slots=True)
class Reverification:
    """The outcome of verifying a stored import again (`reverify_import`).

    `result` is the fresh `ImportResult`; `revoked`/`expired` the fresh flags (None where unknown);
    `changes` names what is different from the stored import, which was valid: `revoked`, `expired`, and
    the code of every other error that now appears (`recipient_mismatch`, `proof_invalid`, `fetch_failed`, …).
    """

    result: ImportResult
    revoked: bool | None
    expired: bool | None
    changes: tuple[str, ...]

    @property
    def still_valid(self) -> bool:
        """Whether the badge verifies today as it did at import."""
        return self.result.ok


def reverify_import(
    original: bytes | str,
    *,
    recipient_profile: Mapping[str, Iterable[str]],
    unverified: Iterable[str] | Mapping[str, Iterable[str]] = (),
    input_kind: InputKind | None = None,
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: VerificationPolicy | NetworkPolicy | None = None,
) -> Reverification:
    """Verify a stored import again from its `original` (`ImportedAssertion.original`) at the instant `at`.

    The input kind is taken from `input_kind` if given (the `ImportedAssertion.input_kind` stored with it),
    else guessed from `original` (an http(s) URL, JSON/JWS text, or image bytes / data URI / base64). A
    hosted badge is fetched again, status lists and revocation lists are read again, and the validity window
    is judged at `at`, so a badge revoked or expired since its import says so in `changes`.
    """
    kind = input_kind if input_kind is not None else guess_kind(original)
    if kind not in ("url", "assertion", "image"):
        raise ValueError("input_kind must be 'url', 'assertion' or 'image'")
    fields: dict[str, Any] = {kind: original}
    result = import_badge(**fields, recipient_profile=recipient_profile, unverified=unverified, at=at,
                          loader=loader, policy=policy)
    report = result.report
    changes: list[str] = []
    if report.revoked:
        changes.append("revoked")
    if report.expired:
        changes.append("expired")
    for finding in result.errors:
        if finding.code not in changes:
            changes.append(finding.code)
    if result.field_errors or result.non_field_errors:
        changes.append("input_invalid")
    return Reverification(result=result, revoked=report.revoked, expired=report.expired, changes=tuple(changes))
