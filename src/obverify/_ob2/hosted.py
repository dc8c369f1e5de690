"""OB 2.0 "HostedBadge Verification" and the issuer's verification scope (SECURITY.md §11).

- The presented JSON is only a pointer: the Assertion is (re)fetched from its `id` (1.0: `verify.url`), and
  the fetched copy must declare that same id. "If starting with a full assertion that indicates HostedBadge
  verification, the input data should only be trusted to identify the URI of the hosted verification file."
- A hosted Assertion answering `410 Gone`, or declaring `revoked: true`, is revoked ("Revoking Hosted
  Assertions"), with its `revocationReason` kept.
- Scope (OB 2.0 "VerificationObject", "HostedBadge Verification"): the Assertion *and* its BadgeClass must be
  on the issuer Profile `id`'s origin (scheme, host, port) unless the issuer's VerificationObject declares
  `allowedOrigins` (exact, ASCII case-insensitive host match; one or many) and/or `startsWith` (string
  prefix; one or many). A `startsWith` without a trailing `/` earns a warning: `https://a.example/b` also
  admits `https://a.example/bad-actor/...`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.loader import Document
from obverify._core.recipient import ascii_lower
from obverify._core.strictjson import JSONError, parse_json
from obverify._core.text import quote, quote_url
from obverify._ob2.common import STAGE_PROOFS, STAGE_RESOLVE, as_list, host_of, is_http_url, origin


class HostedCopy:
    """The hosted document as fetched: parsed JSON (or None), HTTP status, and the URL it came from."""

    def __init__(self, url: str, value: Any, status: int) -> None:
        self.url = url
        self.value = value
        self.status = status


def fetch_hosted(ctx: RunContext, url: str, *, fetched: Document | None, label: str) -> HostedCopy | None:
    """The hosted copy at `url`: `fetched` when it came from that URL, else fetched now; None on failure."""
    if fetched is not None and fetched.url == url:
        doc: Document | None = fetched
    else:
        doc = ctx.fetch(url, stage=STAGE_RESOLVE, what=label)
    if doc is None:
        return None
    if _left_origin(url, doc.final_url):
        # an open redirect on the issuer's site must not let another host answer for the id: the copy that is
        # verified has to come from the origin the id names (an http -> https upgrade of the same host is fine)
        ctx.out.error(
            Code.ISSUER_MISMATCH,
            f"hosted {label} {quote_url(url)} redirected to another origin ({quote_url(doc.final_url or '')})",
            stage=STAGE_PROOFS, url=url,
        )
        return None
    try:
        value = parse_json(doc.content)
    except JSONError as exc:
        if doc.status == 410:
            return HostedCopy(url, None, 410)
        ctx.out.error(
            Code.FETCH_FAILED, f"hosted {label} at {quote_url(url)} is not usable JSON: {exc}",
            stage=STAGE_RESOLVE, url=url,
        )
        return None
    return HostedCopy(url, value, doc.status)


def _left_origin(url: str, final_url: str | None) -> bool:
    """Whether following redirects from `url` ended on another origin (scheme upgrade to https excepted)."""
    if not final_url or final_url == url:
        return False
    a, b = urlsplit(url), urlsplit(final_url)
    try:
        same_host = (a.hostname or "").lower() == (b.hostname or "").lower() and a.port == b.port
    except ValueError:
        return True
    return not (same_host and (a.scheme == b.scheme or (a.scheme == "http" and b.scheme == "https")))


def record_revoked(ctx: RunContext, reason: Any, *, url: str | None, how: str) -> None:
    """Mark the report revoked, keeping the issuer's reason (quoted within limits)."""
    report = ctx.out.report
    report.revoked = True
    if isinstance(reason, str):
        report.revocation_reason = quote(reason, 500)
    why = f": {quote(reason)}" if isinstance(reason, str) else ""
    ctx.out.error(Code.REVOKED, f"the issuer has revoked this badge ({how}){why}", stage="status", url=url)
    ctx.out.check("revocation", "failed", how)


def _prefixes(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str)]


def check_scope(ctx: RunContext, issuer: dict[str, Any], targets: list[tuple[str, Any]]) -> bool:
    """Check that each (label, id) target lies in the issuer's hosted verification scope; record findings."""
    issuer_id = issuer.get("id")
    verification = issuer.get("verification")
    policy = verification if isinstance(verification, dict) else {}
    prop = policy.get("verificationProperty")
    ok = True
    if prop is not None and prop not in ("id", "@id"):
        ctx.out.error(
            Code.ISSUER_MISMATCH, "issuer verificationProperty other than 'id' is not supported",
            stage=STAGE_PROOFS, path="/verification/verificationProperty", url=issuer_id if isinstance(issuer_id, str)
            else None,
        )
        ok = False
    allowed = [ascii_lower(h) for h in _prefixes(policy.get("allowedOrigins"))]
    starts = _prefixes(policy.get("startsWith"))
    for prefix in starts:
        if not prefix.endswith("/"):
            ctx.out.warn(
                WarningCode.STARTS_WITH_WITHOUT_SLASH,
                f"issuer startsWith {quote_url(prefix)} does not end with '/', so it also admits sibling paths",
                stage=STAGE_PROOFS, path="/verification/startsWith",
            )
    issuer_origin = origin(issuer_id) if isinstance(issuer_id, str) else None
    if issuer_origin is None and (allowed or starts):
        # a profile with a urn:uuid or blank-node id was never loaded from an id its issuer controls: anyone can
        # embed the same id with their own allowedOrigins/startsWith, so such a policy widens nothing
        ctx.out.error(
            Code.ISSUER_MISMATCH, "the issuer id is not an http(s) URL, so its allowedOrigins/startsWith cannot be "
            "trusted", stage=STAGE_PROOFS, path="/verification",
        )
        ok = False
    for label, target in targets:
        if not is_http_url(target):
            ctx.out.error(
                Code.ISSUER_MISMATCH, f"hosted {label} id is not an http(s) URL, so it cannot be in the issuer's scope",
                stage=STAGE_PROOFS,
            )
            ok = False
            continue
        assert isinstance(target, str)
        if (allowed or starts) and issuer_origin is not None:
            if allowed and host_of(target) not in allowed:
                ctx.out.error(
                    Code.ISSUER_MISMATCH, f"hosted {label} {quote_url(target)} is not on a host the issuer allows",
                    stage=STAGE_PROOFS, url=target,
                )
                ok = False
            if starts and not any(target.startswith(p) for p in starts):
                ctx.out.error(
                    Code.ISSUER_MISMATCH,
                    f"hosted {label} {quote_url(target)} does not start with a prefix the issuer allows",
                    stage=STAGE_PROOFS, url=target,
                )
                ok = False
        elif issuer_origin is None or origin(target) != issuer_origin:
            ctx.out.error(
                Code.ISSUER_MISMATCH,
                f"hosted {label} {quote_url(target)} is not on the issuer's origin and the issuer allows no other",
                stage=STAGE_PROOFS, url=target,
            )
            ok = False
    ctx.out.check("hosted.scope", "passed" if ok else "failed", "assertion and badge class within issuer scope")
    return ok
