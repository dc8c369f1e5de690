"""The service's one door to `obverify.import_badge`: inputs in, an `ImportOutcome` out.

`import_badge` is the one place that checks the request body's fields and maps a report to the seed's
Assertion; this module only turns its `ImportResult` into what the endpoint stores and answers,
and wraps `reverify_import` for the re-check on read. Nothing a request body holds makes either raise;
a programmer error inside the library would still surface as a 500 and is not masked here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from obverify._core.loader import Loader
from obverify._core.policy import VerificationPolicy
from obverify._core.report import Report
from obverify._orchestration.importer import import_badge, reverify_import


@dataclass
class Profile:
    """A user's identities by type (`email`, `url`, `telephone`, `did`), verified and unverified apart."""

    verified: dict[str, list[str]] = field(default_factory=dict)
    unverified: dict[str, list[str]] = field(default_factory=dict)

    def all_values(self) -> list[str]:
        """Every identity value, verified ones first."""
        return [v for group in (self.verified, self.unverified) for values in group.values() for v in values]

    def arguments(self) -> dict[str, Any]:
        """`recipient_profile` and `unverified` as `import_badge` takes them."""
        return {"recipient_profile": {k: list(v) for k, v in self.verified.items()},
                "unverified": {k: list(v) for k, v in self.unverified.items()}}


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
    input_kind: str = "assertion"
    original: bytes = b""
    """The input exactly as received (the URL text, the JSON/JWS text, the image bytes), to store."""
    image: bytes | None = None
    image_type: str | None = None
    """The baked image itself (decoded from a data URI or base64, or fetched), when there was one."""


def run_import(*, url: Any = None, assertion: Any = None, image: Any = None, profile: Profile, loader: Loader,
               policy: VerificationPolicy | None = None) -> ImportOutcome:
    """Import one badge for a user with `profile` (at least one identity, verified or not)."""
    result = import_badge(url=url, assertion=assertion, image=image, loader=loader, policy=policy,
                          **profile.arguments())
    original = result.original
    envelope = result.to_envelope()
    image = result.assertion.image_data if result.assertion is not None else None
    return ImportOutcome(
        ok=result.ok, status=result.http_status, report=result.report,
        assertion=envelope["result"][0] if result.ok else None, dedupe_key=result.dedupe_key,
        validation_errors=envelope["validationErrors"], non_field_errors=envelope["nonFieldErrors"],
        field_errors=envelope["fieldErrors"], error_code=envelope["errorCode"], warnings=envelope["warnings"],
        input_kind=result.input_kind or "assertion",
        original=original.encode("utf-8", "surrogatepass") if isinstance(original, str) else original or b"",
        image=image.content if image is not None and image.baked else None,
        image_type=image.media_type if image is not None and image.baked else None,
    )


def recheck(original: bytes, input_kind: str, profile: Profile, loader: Loader,
            policy: VerificationPolicy | None = None) -> tuple[bool | None, str | None, bool | None]:
    """Verify a stored original again, now: (revoked, revocation reason, expired), None where unknown."""
    source: bytes | str = original if input_kind == "image" else original.decode("utf-8", "surrogatepass")
    kind: Any = input_kind if input_kind in ("url", "assertion", "image") else None
    again = reverify_import(source, input_kind=kind, loader=loader, policy=policy, **profile.arguments())
    return again.revoked, again.result.report.revocation_reason, again.expired
