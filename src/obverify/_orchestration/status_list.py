"""`verify_status_list`: a status list credential judged on its own (the entry; the judging is the OB 3.0
status stage's, `obverify._ob3.status.judge_list`).

It reads its input as `verify` does (the same run, size bound and stage boundary, from
`obverify._orchestration.pipeline`), so it lives in orchestration: the stage below never imports the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.report import Report
from obverify._core.strictjson import JSONError, check_value, parse_json
from obverify._core.url import URL
from obverify._ob3.model import require_https
from obverify._ob3.status import STAGE, judge_list
from obverify._orchestration.pipeline import guarded, new_run

if TYPE_CHECKING:
    from datetime import datetime

    from obverify._core.loader import Loader
    from obverify._core.policy import VerificationPolicy
    from obverify._engines.net.policy import NetworkPolicy

__all__ = ["verify_status_list"]


def verify_status_list(
    source: bytes | bytearray | memoryview | str | Mapping[str, Any] | URL,
    *,
    at: datetime | None = None,
    loader: Loader | None = None,
    policy: VerificationPolicy | NetworkPolicy | None = None,
) -> Report:
    """Whether a status list credential is usable for status checks at `at`, judged on its own.

    For an auditor or a status service checking the lists themselves, as `verify` checks badges. `source`
    is the list credential's JSON (bytes, `str` text or a parsed object; a `str` is always JSON text, never
    a URL or a path) or an `obverify.URL` of https scheme (fetched through `loader`, default the safe HTTP
    loader under `policy`, a `VerificationPolicy` or a bare `NetworkPolicy`, as `verify` takes it); any other
    type is a `TypeError` at the call. It must be a `BitstringStatusListCredential`
    (or `StatusList2021Credential`) inside its validity window, carry a proof by its own issuer's key, and
    hold a `credentialSubject` whose `encodedList` decodes: the checks a credential's status check makes,
    each problem here with its own code (`schema_invalid`, `not_yet_valid`, `expired`, `proof_invalid`, …)
    where the credential's check says `status_unavailable`. Never raises for bad input; the input is kept
    in `Report.original`.
    """
    if not isinstance(source, bytes | bytearray | memoryview | str | Mapping | URL):
        raise TypeError(f"cannot verify a {type(source).__name__} as a status list: give bytes, str (JSON "
                        "text), a Mapping or an obverify.URL")
    ctx = new_run(at=at, loader=loader, policy=policy)
    guarded(ctx, _judge_list, source, what="status list")
    return ctx.out.finish()


def _judge_list(ctx: RunContext, source: bytes | bytearray | memoryview | str | Mapping[str, Any] | URL) -> None:
    """Read `source` into the list credential (kept as `report.original`), then judge it in the OB 3.0 stage."""
    report, out = ctx.out.report, ctx.out
    limits = ctx.policy
    report.original = str(source) if isinstance(source, URL) else \
        bytes(source) if isinstance(source, memoryview | bytearray) else source
    url: str | None = None
    if isinstance(source, Mapping):
        report.kind = "json"
        try:
            check_value(source, max_values=limits.max_json_values, max_depth=limits.max_json_depth)
        except JSONError as exc:
            out.error(Code.INPUT_INVALID, f"not JSON: {exc}", stage="sniff")
            return
        doc: Any = dict(source)
    elif isinstance(source, URL):
        report.kind = "url"
        url = str(source)
        if not require_https(ctx, url, stage=STAGE, path=""):
            return
        doc = ctx.fetch_json(url, stage=STAGE, what="status list")
        if doc is None:
            return
    elif isinstance(source, str | bytes | bytearray | memoryview):
        report.kind = "json"
        try:
            data = source.encode("utf-8") if isinstance(source, str) else bytes(source)
        except UnicodeEncodeError:
            out.error(Code.INPUT_INVALID, "input text holds a lone surrogate", stage="sniff")
            return
        if len(data) > limits.max_input_bytes:
            out.error(Code.INPUT_INVALID, f"input larger than {limits.max_input_bytes} bytes", stage="sniff")
            return
        try:
            doc = parse_json(data, max_bytes=limits.max_input_bytes, max_values=limits.max_json_values,
                             max_depth=limits.max_json_depth)
        except JSONError as exc:
            out.error(Code.INPUT_INVALID, f"not JSON: {exc}", stage="sniff")
            return
    else:
        raise TypeError(f"cannot verify a {type(source).__name__}")
    judge_list(ctx, doc, url)
