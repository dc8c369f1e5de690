"""The orchestrator (DESIGN.md §1): sniff → unbake → dispatch to the OB 2.0 or OB 3.0 verifier.

Every problem becomes a finding; an unexpected exception at the boundary becomes an error finding with
the exception's class name (SECURITY.md §15), never a traceback and never a "valid".
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from obverify._core.context import ACCEPT_BADGE, RunContext
from obverify._core.errors import Code
from obverify._core.loader import Document, Loader
from obverify._core.objects import Objects, check_objects, credential_type, refuse_standalone, standalone_type
from obverify._core.policy import VerificationPolicy, policy_of
from obverify._core.report import Collector, Report
from obverify._core.sniff import is_ob3, sniff, without_bom
from obverify._core.stage import run_stage
from obverify._core.strictjson import JSONError, check_value, parse_json
from obverify._core.url import URL
from obverify._engines.net.factory import default_loader

if TYPE_CHECKING:
    from obverify._engines.net.policy import NetworkPolicy

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | Mapping[str, Any] | URL
"""What `verify` takes, each meaning one thing: bytes are content in any badge format,
a `str` is JSON or compact JWS/JWT text, an `os.PathLike` is a local file, a mapping is parsed JSON, and a
`URL` is fetched. A plain `str` never names a file or a URL."""


def verify(
    source: Source,
    *,
    recipients: Iterable[str] = (),
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: VerificationPolicy | NetworkPolicy | None = None,
    objects: Objects = "awarded",
) -> Report:
    """Verify a badge. `source` is one of:

    - `bytes` (or bytearray/memoryview): content in any badge format, sniffed: PNG, SVG, JSON, a compact
      JWS/JWT, or a hosted badge's URL as baked images carry it;
    - `str`: JSON or compact JWS/JWT *text*, nothing else: never a file name and never a URL to fetch
      (anything else is `input_invalid`), so a string from a request body can never open a local file;
    - an `os.PathLike` (e.g. `pathlib.Path`): a local file, read up to the input cap;
    - a `Mapping`: a parsed JSON object;
    - an `obverify.URL`: an http(s) URL, fetched through `loader`.

    Any other type is a programmer error: `TypeError` at the call; bad input is never an exception, it is a
    report. `at` (zone-aware) fixes the instant for every time check; `loader` is the only way to documents
    outside the input (default: the safe HTTP loader under `policy.network`). `policy`, a `VerificationPolicy`
    (default: every limit at its safe default), sets every limit and opt-in of the run; a bare `NetworkPolicy`
    means `VerificationPolicy(network=...)`. `objects="awarded"` (the default)
    judges awarded badges only: a BadgeClass, Profile, key, list or DID document given as the badge is
    `input_invalid`; `objects="any"` judges such a standalone document on its own (`obverify._core.objects`).
    The report's `object_type` says which kind of object was judged.
    """
    if isinstance(recipients, str):
        raise TypeError("`recipients` must be an iterable of identities, not one string")
    if not isinstance(source, bytes | bytearray | memoryview | str | os.PathLike | Mapping | URL):
        raise TypeError(f"cannot verify a {type(source).__name__}: give bytes, str (JSON/JWS text), "
                        "an os.PathLike, a Mapping or an obverify.URL")
    choice = check_objects(objects)
    ctx = new_run(at=at, loader=loader, policy=policy, recipients=tuple(recipients))
    ctx.objects = choice
    report = ctx.out.report
    guarded(ctx, _run, source, what="badge")
    if "type" not in report.related and report.version == "3.0" and report.badge is not None:
        report.related["type"] = credential_type(report.badge)
    if ctx.recipients and not report.recipient.checked and report.valid:
        ctx.out.error(Code.RECIPIENT_MISMATCH, "the recipient could not be checked", stage="recipient")
    if ctx.policy.require_recipient and not ctx.recipients:
        ctx.out.error(Code.RECIPIENT_MISMATCH, "no recipient was given, and the policy requires the recipient to be "
                      "checked (require_recipient)", stage="recipient")
    return ctx.out.finish()


def new_run(
    *, at: datetime | None, loader: Loader | None, policy: VerificationPolicy | NetworkPolicy | None,
    recipients: tuple[str, ...] = (),
) -> RunContext:
    """The context of one top-level verification: `at` zone-aware (default now), an empty report, the run's
    `VerificationPolicy` and loader (default: the safe HTTP loader under `policy.network`). Shared by `verify`
    and `verify_status_list`. A policy using an `unsafe_*` option is logged (WARNING, `obverify` logger)."""
    run_policy = policy_of(policy)
    if at is None:
        at = datetime.now(UTC)
    elif at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be a timezone-aware datetime")
    run_policy.warn_if_unsafe()
    out = Collector(Report(checked_at=at), max_errors=run_policy.max_errors, max_warnings=run_policy.max_warnings)
    return RunContext(
        loader=loader if loader is not None else default_loader(run_policy.network),
        at=at, recipients=recipients, out=out, policy=run_policy,
    )


def guarded(ctx: RunContext, work: Callable[[RunContext, Any], None], source: Any, *, what: str) -> None:
    """Run `work(ctx, source)` behind the stage boundary (`obverify._core.stage`): an unexpected exception
    becomes `input_invalid` and a failed stage, so the {what} can never come out valid."""
    run_stage(ctx, f"pipeline ({what})", Code.INPUT_INVALID, lambda: work(ctx, source), None)


def _run(ctx: RunContext, source: Source) -> None:
    report = ctx.out.report
    if isinstance(source, Mapping):
        report.original = source
        report.kind = "json"
        try:  # a caller's object meets the same rules and bounds as parsed text
            check_value(source, max_values=ctx.policy.max_json_values, max_depth=ctx.policy.max_json_depth)
        except JSONError as exc:
            ctx.out.error(Code.INPUT_INVALID, f"input is not usable JSON: {exc}", stage="sniff")
            return
        dispatch_json(ctx, dict(source))
        return
    if isinstance(source, URL):
        report.original = str(source)
        report.kind = "url"
        verify_url(ctx, str(source), nesting=0)
        return
    if isinstance(source, str):
        report.original = source
        _verify_text(ctx, source)
        return
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, os.PathLike):
        try:
            with Path(source).open("rb") as fh:
                data = fh.read(ctx.policy.max_input_bytes + 1)
        except (OSError, TypeError, ValueError) as exc:  # ValueError: a NUL in the path; TypeError: bytes fspath
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            ctx.out.error(Code.INPUT_INVALID, f"cannot read input file: {reason}", stage="sniff")
            return
    else:  # verify() checked the type at the call
        raise TypeError(f"cannot verify a {type(source).__name__}")
    report.original = data
    if len(data) > ctx.policy.max_input_bytes:
        ctx.out.error(Code.INPUT_INVALID, f"input larger than {ctx.policy.max_input_bytes} bytes", stage="sniff")
        return
    verify_bytes(ctx, data, nesting=0)


def _verify_text(ctx: RunContext, text: str) -> None:
    """A `str` source: JSON or compact JWS/JWT text, and nothing else (never a path, never a URL to fetch)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        ctx.out.error(Code.INPUT_INVALID, "input text holds a lone surrogate", stage="sniff")
        return
    if len(data) > ctx.policy.max_input_bytes:
        ctx.out.error(Code.INPUT_INVALID, f"input larger than {ctx.policy.max_input_bytes} bytes", stage="sniff")
        return
    kind = sniff(data)
    if kind not in ("json", "jws"):
        hint = {"url": "a URL to fetch must be given as obverify.URL",
                "png": "an image must be given as bytes", "svg": "an image must be given as bytes",
                "svgz": "an image must be given as bytes"}.get(kind, "a file must be given as an os.PathLike")
        ctx.out.error(Code.INPUT_INVALID, f"a str input is JSON or compact JWS/JWT text; {hint}", stage="sniff")
        return
    verify_bytes(ctx, data, nesting=0)


def verify_bytes(ctx: RunContext, data: bytes, *, nesting: int, fetched: Document | None = None) -> None:
    """Sniff `data` and verify what it is: an image, JSON, a compact JWS/JWT or a URL."""
    kind = sniff(data)
    report = ctx.out.report
    if report.kind is None:
        report.kind = kind
    if kind in ("png", "svg", "svgz"):
        from obverify._orchestration.unbake import unbake  # the bakery on first use: JSON and JWS inputs never need it

        baked = unbake(data, policy=ctx.policy)
        if not baked.ok or baked.payload is None:
            ctx.out.error(Code.UNBAKE_FAILED, baked.error or "the image holds no badge", stage="unbake")
            ctx.out.check("unbake", "failed", baked.error)
            return
        ctx.out.check("unbake", "passed", baked.location)
        verify_bytes(ctx, baked.payload.encode("utf-8"), nesting=nesting + 1)
        return
    if kind == "json":
        try:
            value = parse_json(data, max_bytes=ctx.policy.max_input_bytes, max_values=ctx.policy.max_json_values,
                               max_depth=ctx.policy.max_json_depth)
        except JSONError as exc:
            ctx.out.error(Code.INPUT_INVALID, f"input is not usable JSON: {exc}", stage="sniff")
            return
        if not isinstance(value, dict):
            ctx.out.error(Code.INPUT_INVALID, "input JSON must be an object", stage="sniff")
            return
        dispatch_json(ctx, value, fetched=fetched)
        return
    if kind == "jws":
        # sniff matched the token after one BOM and surrounding whitespace: ASCII by its pattern
        dispatch_jws(ctx, without_bom(data).strip().decode("ascii"))
        return
    if kind == "url":
        if nesting >= ctx.policy.max_indirections:
            ctx.out.error(Code.INPUT_INVALID, "too many levels of indirection", stage="resolve")
            return
        try:
            url = without_bom(data).strip().decode("utf-8")
        except UnicodeDecodeError:
            ctx.out.error(Code.INPUT_INVALID, "the badge URL is not valid UTF-8", stage="sniff")
            return
        verify_url(ctx, url, nesting=nesting + 1)
        return
    ctx.out.error(Code.INPUT_INVALID, "input is no known badge format (PNG, SVG, JSON, JWS/JWT, URL)", stage="sniff")


def verify_url(ctx: RunContext, url: str, *, nesting: int) -> None:
    """Fetch a badge URL and verify what it answers with (hosted JSON, a baked image, a JWS)."""
    doc = ctx.fetch(url, stage="resolve", accept=ACCEPT_BADGE, what="badge")
    if doc is None:
        return
    if doc.status == 410:
        # a hosted OB 2.0 assertion answering 410 Gone is revoked (OB 2.0 "Hosted verification")
        _ob2(ctx, url, fetched=doc)
        return
    kind = sniff(doc.content)
    if kind == "json":
        verify_bytes(ctx, doc.content, nesting=nesting, fetched=doc)
    elif kind == "url":
        ctx.out.error(Code.INPUT_INVALID, "a badge URL answered with another URL", stage="resolve", url=url)
    else:
        verify_bytes(ctx, doc.content, nesting=nesting)


def dispatch_json(ctx: RunContext, value: dict[str, Any], *, fetched: Document | None = None) -> None:
    """Route a JSON object to the OB 3.0 or OB 0.5-2.0 verifier (a non-awarded object only if the run allows)."""
    if ctx.objects == "awarded" and refuse_standalone(ctx, standalone_type(value)):
        return
    if is_ob3(value):
        _ob3(ctx, value)
    else:
        _ob2(ctx, value, fetched=fetched)


def _b64url_json(segment: str) -> Any:
    padded = segment + "=" * (-len(segment) % 4)
    return parse_json(base64.urlsafe_b64decode(padded.encode("ascii")))


def dispatch_jws(ctx: RunContext, token: str) -> None:
    """Route a compact JWS: a VC-JWT (a `vc` claim or a VC payload) to OB 3.0, else OB 2.0 signed."""
    try:
        header = _b64url_json(token.split(".")[0])
        claims = _b64url_json(token.split(".")[1])
    except (JSONError, ValueError):
        ctx.out.error(Code.INPUT_INVALID, "compact JWS header or payload is not base64url JSON", stage="sniff")
        return
    if not isinstance(header, dict) or not isinstance(claims, dict):
        ctx.out.error(Code.INPUT_INVALID, "compact JWS header and payload must be JSON objects", stage="sniff")
        return
    if ctx.objects == "awarded" and refuse_standalone(ctx, standalone_type(claims.get("vc", claims))):
        return
    if "vc" in claims or is_ob3(claims):
        _ob3(ctx, token)
    else:
        _ob2(ctx, token)


# The version verifiers are imported on first use: a process verifying one OB 2.0 badge never pays for the
# OB 3.0 machinery (JSON-LD, Data Integrity suites), and vice versa — the whole `obverify verify` process has
# a 150 ms budget.
def _ob2(ctx: RunContext, payload: Any, *, fetched: Document | None = None) -> None:
    from obverify._ob2.verify import verify_ob2

    verify_ob2(ctx, payload, fetched=fetched)


def _ob3(ctx: RunContext, payload: Any) -> None:
    from obverify._ob3.verify import verify_ob3

    verify_ob3(ctx, payload)
