"""Credential status of OB 3.0 credentials (OB 3.0 §9 step 4; SECURITY.md §12).

Every `credentialStatus` entry is checked, not just the first:

- `BitstringStatusListEntry` (W3C Bitstring Status List v1.0): purposes `revocation`, `suspension` and
  `message`; `statusSize` (bits per entry, default 1) and `statusMessage`; the list's `encodedList` is a
  multibase base64url (`u` prefix) GZIP bitstring, index 0 being the most significant bit of the first byte.
- `StatusList2021Entry` (W3C StatusList2021): the same bitstring, base64url without the multibase prefix.
- `1EdTechRevocationList` (1EdTech VCRL 1.0): the list at the entry's `id` names revoked credentials under
  `revokedCredentials` (ids or `{id, revocationReason}` objects).

The status-list credential is itself verified in a child context: its proof (`check_embedded_proofs`), its
validity window at `ctx.at`, its type and purpose, and an issuer equal to the credential's. Inflation stops at
the bytes needed (at most 16 MiB). Anything that cannot complete is `status_unavailable` and `revoked` stays
None — never "not revoked". A suspension is reported as `revoked` with the reason "suspended". A complete
list shorter than `VerificationPolicy.min_status_list_bits` (131,072 by default, the Bitstring minimum; OB 3.0
sets no bound) earns a warning only.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.report import Collector, Report
from obverify._core.text import quote, quote_url
from obverify._ob3.model import as_list, node_id, require_https, types_of
from obverify._ob3.validity import window_problem

STAGE = "status"
MIN_LIST_BITS = 131_072
"""Bitstring Status List v1.0, Validate Algorithm: the minimum bitstring length (16 KiB); the floor and default of
`VerificationPolicy.min_status_list_bits`."""
Outcome = Literal["ok", "revoked", "suspended", "unavailable"]


class _VerifiedList(NamedTuple):
    """A status list credential that passed verification, with its decoded-on-demand bitstring source.

    A `NamedTuple`, not a dataclass: importing `dataclasses` pulls in `inspect`, `ast` and `dis` at start-up
    (see `obverify._core.baked`).
    """

    compressed: bytes
    purposes: list[str]


def check_status(ctx: RunContext, credential: Mapping[str, Any], issuer_id: str | None, *, base: str = "",
                 set_report: bool = True) -> bool | None:
    """Check every status entry; return revoked (True/False) or None when it cannot be known."""
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        ctx.out.check("ob3.status", "skipped", "the credential declares no credentialStatus")
        if set_report:
            ctx.out.report.revoked = False
        return False
    lists: dict[str, _VerifiedList | None] = {}
    outcomes: list[Outcome] = []
    for i, entry in enumerate(entries):
        path = f"{base}/credentialStatus" + (f"/{i}" if isinstance(credential.get("credentialStatus"), list) else "")
        outcomes.append(_check_entry(ctx, credential, entry, issuer_id, path, lists))
    if any(o in ("revoked", "suspended") for o in outcomes):
        revoked: bool | None = True
        ctx.out.check("ob3.status", "failed", "revoked or suspended")
    elif any(o == "unavailable" for o in outcomes):
        revoked = None
        ctx.out.check("ob3.status", "failed", "the status could not be checked")
    else:
        revoked = False
        ctx.out.check("ob3.status", "passed", f"{len(entries)} status entr{'y' if len(entries) == 1 else 'ies'}")
    if set_report:
        ctx.out.report.revoked = revoked
        if "suspended" in outcomes and "revoked" not in outcomes:
            ctx.out.report.revocation_reason = ctx.out.report.revocation_reason or "suspended"
    return revoked


def _unavailable(ctx: RunContext, message: str, path: str, url: str | None = None) -> Outcome:
    ctx.out.error(Code.STATUS_UNAVAILABLE, message, stage=STAGE, path=path, url=url)
    return "unavailable"


def _check_entry(ctx: RunContext, credential: Mapping[str, Any], entry: Any, issuer_id: str | None, path: str,
                 lists: dict[str, _VerifiedList | None]) -> Outcome:
    if not isinstance(entry, Mapping):
        return _unavailable(ctx, "a credentialStatus entry must be an object", path)
    kinds = types_of(entry)
    if "BitstringStatusListEntry" in kinds:
        return _check_bitstring(ctx, entry, issuer_id, path, lists, legacy=False)
    if "StatusList2021Entry" in kinds:
        return _check_bitstring(ctx, entry, issuer_id, path, lists, legacy=True)
    if "1EdTechRevocationList" in kinds:
        return _check_1edtech(ctx, credential, entry, issuer_id, path)
    return _unavailable(ctx, f"unsupported credentialStatus type {quote(kinds)}", f"{path}/type")


def _int_field(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None


def _check_bitstring(ctx: RunContext, entry: Mapping[str, Any], issuer_id: str | None, path: str,
                     lists: dict[str, _VerifiedList | None], *, legacy: bool) -> Outcome:
    url = entry.get("statusListCredential")
    index = _int_field(entry.get("statusListIndex"))
    size = _int_field(entry.get("statusSize", 1))
    purpose = entry.get("statusPurpose")
    if not isinstance(url, str) or not url:
        return _unavailable(ctx, "the status entry has no statusListCredential URL", f"{path}/statusListCredential")
    if index is None:
        return _unavailable(ctx, "statusListIndex must be a non-negative integer", f"{path}/statusListIndex", url)
    if size is None or size < 1 or size > 64 or (legacy and size != 1):
        return _unavailable(ctx, "statusSize must be a positive integer", f"{path}/statusSize", url)
    if purpose not in ("revocation", "suspension", "message"):
        return _unavailable(ctx, f"unsupported statusPurpose {quote(purpose)}", f"{path}/statusPurpose", url)
    messages = entry.get("statusMessage")
    if size > 1 and purpose == "message" and not isinstance(messages, list):
        return _unavailable(ctx, "a statusSize above 1 requires statusMessage", f"{path}/statusMessage", url)

    if url not in lists:
        lists[url] = _load_list(ctx, url, issuer_id, path, legacy=legacy)
    verified = lists[url]
    if verified is None:
        return "unavailable"
    if purpose not in verified.purposes:
        return _unavailable(ctx, f"the status list's purpose does not include {quote(purpose)}", path, url)

    start = index * size
    needed = (start + size + 7) // 8
    if needed > ctx.policy.max_status_list_bytes:
        return _unavailable(ctx, "statusListIndex lies beyond any list obverify will inflate", path, url)
    bits, complete = _inflate(verified.compressed, max(needed, _min_bytes(ctx)))
    if bits is None:
        return _unavailable(ctx, "the status list's encodedList is not valid GZIP data", path, url)
    if len(bits) < needed:
        return _unavailable(ctx, "statusListIndex lies outside the status list", f"{path}/statusListIndex", url)
    _warn_if_short(ctx, bits, complete, path, url)
    value = 0
    for k in range(start, start + size):
        value = (value << 1) | ((bits[k // 8] >> (7 - k % 8)) & 1)
    text = _status_message(messages, value, size)
    if purpose == "message":
        ctx.out.warn(WarningCode.STATUS_MESSAGE,
                     f"status message: {quote(text) if text else value}", stage=STAGE, path=path)
        return "ok"
    if value == 0:
        return "ok"
    reason = "revoked" if purpose == "revocation" else "suspended"
    detail = f" ({quote(text)})" if text else ""
    ctx.out.error(Code.REVOKED, f"the status list marks the credential as {reason}{detail}", stage=STAGE, path=path,
                  url=url)
    if purpose == "revocation" and text:
        ctx.out.report.revocation_reason = text
    return "revoked" if purpose == "revocation" else "suspended"


def _min_bytes(ctx: RunContext) -> int:
    """Bytes to inflate to tell whether a list meets the policy's minimum (never past `max_status_list_bytes`)."""
    return min(-(-ctx.policy.min_status_list_bits // 8), ctx.policy.max_status_list_bytes)


def _warn_if_short(ctx: RunContext, bits: bytes, complete: bool, path: str, url: str | None) -> None:
    """A complete list under the policy's minimum (by default the Bitstring Status List one) is accepted, with a
    warning (OB 3.0 sets no bound)."""
    minimum = ctx.policy.min_status_list_bits
    if complete and len(bits) * 8 < minimum:
        ctx.out.warn(WarningCode.STATUS_LIST_SHORT,
                     f"the status list holds fewer than {minimum} bits (Bitstring Status "
                     f"List minimum{'' if minimum == MIN_LIST_BITS else ', raised by the policy'})", stage=STAGE,
                     path=path, url=url)


def _status_message(messages: Any, value: int, size: int) -> str | None:
    if not isinstance(messages, list):
        return None
    wanted = f"0x{value:x}"
    for m in messages:
        if isinstance(m, Mapping) and isinstance(m.get("status"), str) and isinstance(m.get("message"), str):
            status = m["status"].lower()
            if status == wanted or (status.startswith("0x") and _hex(status) == value):
                return str(m["message"])
    return None


def _hex(text: str) -> int | None:
    try:
        return int(text, 16)
    except ValueError:
        return None


def _inflate(compressed: bytes, want: int) -> tuple[bytes | None, bool]:
    """Inflate at most `want` bytes of a GZIP (or zlib) stream: (bytes, whether the stream ended)."""
    d = zlib.decompressobj(wbits=47)
    out = bytearray()
    data = compressed
    try:
        while len(out) < want:
            chunk = d.decompress(data, want - len(out))
            out += chunk
            data = d.unconsumed_tail
            if not chunk or d.eof:
                break
    except zlib.error:
        return None, False
    return bytes(out), d.eof


def _decode_list(encoded: Any, *, legacy: bool) -> bytes | None:
    if not isinstance(encoded, str) or not encoded.isascii():
        return None
    if encoded.startswith("u"):
        body = encoded[1:]
    elif legacy:
        body = encoded
    else:
        return None
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None


def _load_list(ctx: RunContext, url: str, issuer_id: str | None, path: str, *, legacy: bool) -> _VerifiedList | None:
    if not require_https(ctx, url, stage=STAGE, path=path, consequence=Code.STATUS_UNAVAILABLE):
        return None
    doc = ctx.fetch_json(url, stage=STAGE, consequence=Code.STATUS_UNAVAILABLE, path=path, what="status list")
    if doc is None:
        return None
    if not isinstance(doc, dict):
        _unavailable(ctx, "the status list is not a JSON object", path, url)
        return None
    want_type = _list_type(legacy)
    if want_type not in types_of(doc):
        _unavailable(ctx, f"the status list credential is not a {want_type}", path, url)
        return None
    list_issuer = node_id(doc.get("issuer"))
    if list_issuer is None or issuer_id is None or list_issuer != issuer_id:
        _unavailable(ctx, f"the status list is issued by {quote(list_issuer)}, not by the credential's issuer", path,
                     url)
        # a stable warning code so callers (and the interop harness) can tell this policy refusal from an outage:
        # SECURITY.md §12 refuses a foreign-issued list, so `revoked` stays None whatever its bit says
        ctx.out.warn(WarningCode.STATUS_LIST_FOREIGN_ISSUER, "status list issuer differs from the credential issuer",
                     stage="status", path=path, url=url)
        return None
    checked = _check_list_credential(ctx, doc, list_issuer, url, legacy=legacy)
    if isinstance(checked, _VerifiedList):
        return checked
    _unavailable(ctx, checked.message, path, url)
    return None


class _ListProblem(NamedTuple):
    """Why a status list credential is unusable: the code it earns on its own, and the message."""

    code: Code
    message: str


def _list_type(legacy: bool) -> str:
    return "StatusList2021Credential" if legacy else "BitstringStatusListCredential"


def _check_list_credential(ctx: RunContext, doc: dict[str, Any], list_issuer: str, url: str | None, *,
                           legacy: bool) -> _VerifiedList | _ListProblem:
    """Validity window, proof (by `list_issuer`), subject and encoding of a status list credential of the
    right type. One check for a credential's status (which reports any problem as `status_unavailable`) and
    for `verify_status_list` (which reports the problem's own code)."""
    spelled = _spelling_problem(ctx, doc)
    if spelled is not None:
        return spelled
    problem = window_problem(doc, ctx.at)
    if problem is not None:
        return _ListProblem(problem[0], f"the status list credential is not valid now: {problem[1]}")
    if not as_list(doc.get("proof")):
        return _ListProblem(Code.PROOF_INVALID, "the status list credential carries no proof")
    from obverify._ob3.proofs import check_embedded_proofs

    child = ctx.child(Collector(Report()))
    proven = check_embedded_proofs(child, doc, issuer_id=list_issuer, stage=STAGE, path="/proof")
    if not proven or not child.out.report.valid:
        codes = sorted({f.code for f in child.out.report.errors}) or ["proof_invalid"]
        where = quote_url(url) + " " if url else ""
        known = {c.value: c for c in Code}
        code = Code.PROOF_INVALID if Code.PROOF_INVALID in codes else known.get(codes[0], Code.PROOF_INVALID)
        return _ListProblem(code, f"the status list credential {where}failed verification ({', '.join(codes)})")
    subject = doc.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return _ListProblem(Code.SCHEMA_INVALID, "the status list credential has no credentialSubject")
    compressed = _decode_list(subject.get("encodedList"), legacy=legacy)
    if compressed is None:
        return _ListProblem(Code.SCHEMA_INVALID,
                            "the status list's encodedList is not base64url" + ("" if legacy else " multibase"))
    purposes = [p for p in as_list(subject.get("statusPurpose")) if isinstance(p, str)]
    return _VerifiedList(compressed=compressed, purposes=purposes)


def _spelling_problem(ctx: RunContext, doc: dict[str, Any]) -> _ListProblem | None:
    """"What is checked is what is signed" (`obverify._engines.spelling`) for the list credential: otherwise
    unusable."""
    from obverify._ob3.meaning import credential_meaning

    child = ctx.child(Collector(Report()))
    if credential_meaning(child, doc, what="status list credential").ok:
        return None
    first = child.out.report.errors[0] if child.out.report.errors else None
    detail = f" ({first.path}: {first.message})" if first is not None else ""
    code = first.code if first is not None and first.code == Code.CONTEXT_INVALID else Code.SCHEMA_INVALID
    return _ListProblem(Code(code), f"the status list credential is not written as its @context writes it{detail}")


def _check_1edtech(ctx: RunContext, credential: Mapping[str, Any], entry: Mapping[str, Any], issuer_id: str | None,
                   path: str) -> Outcome:
    url = entry.get("id")
    if not isinstance(url, str) or not url:
        return _unavailable(ctx, "a 1EdTechRevocationList entry needs the list URL as its id", f"{path}/id")
    if not require_https(ctx, url, stage=STAGE, path=path, consequence=Code.STATUS_UNAVAILABLE):
        return "unavailable"
    doc = ctx.fetch_json(url, stage=STAGE, consequence=Code.STATUS_UNAVAILABLE, path=path, what="revocation list")
    if doc is None:
        return "unavailable"
    if not isinstance(doc, Mapping) or not isinstance(doc.get("revokedCredentials"), list):
        return _unavailable(ctx, "the revocation list has no revokedCredentials list", path, url)
    list_issuer = node_id(doc.get("issuer"))
    if list_issuer is not None and list_issuer != issuer_id:
        return _unavailable(ctx, "the revocation list belongs to another issuer", path, url)
    cred_id = credential.get("id")
    if not isinstance(cred_id, str):
        return _unavailable(ctx, "a credential without an id cannot be looked up in a revocation list", path, url)
    for item in doc["revokedCredentials"]:
        if node_id(item) == cred_id:
            reason = item.get("revocationReason") if isinstance(item, Mapping) else None
            ctx.out.error(Code.REVOKED, "the issuer's revocation list names this credential"
                          + (f" ({quote(reason)})" if isinstance(reason, str) else ""), stage=STAGE, path=path, url=url)
            if isinstance(reason, str):
                ctx.out.report.revocation_reason = reason
            return "revoked"
    return "ok"


# --- a status list credential on its own ------------------------------------------------------------------


def judge_list(ctx: RunContext, doc: Any, url: str | None) -> None:
    """Judge a status list credential `doc` on its own (`verify_status_list`, which reads the input in
    `obverify._orchestration.status_list`): usable for status checks at the run's time, or errors saying why.
    `url` is where it was fetched from, None when it was given."""
    report, out = ctx.out.report, ctx.out
    if not isinstance(doc, dict):
        out.error(Code.INPUT_INVALID, "a status list credential must be a JSON object", stage="sniff")
        return
    kinds = types_of(doc)
    legacy = _list_type(True) in kinds and _list_type(False) not in kinds
    if _list_type(legacy) not in kinds:
        out.error(Code.SCHEMA_INVALID, "the credential is neither a BitstringStatusListCredential nor a "
                  "StatusList2021Credential", stage=STAGE, path="/type")
        return
    issuer = node_id(doc.get("issuer"))
    if issuer is None:
        out.error(Code.SCHEMA_INVALID, "the status list credential names no issuer", stage=STAGE, path="/issuer")
        return
    checked = _check_list_credential(ctx, doc, issuer, url, legacy=legacy)
    if isinstance(checked, _ListProblem):
        out.error(checked.code, checked.message, stage=STAGE)
        return
    bits, complete = _inflate(checked.compressed, _min_bytes(ctx))  # the minimum is all a verdict needs
    if bits is None:
        out.error(Code.SCHEMA_INVALID, "the status list's encodedList is not valid GZIP data", stage=STAGE,
                  path="/credentialSubject/encodedList")
        return
    _warn_if_short(ctx, bits, complete, "/credentialSubject/encodedList", url)
    report.badge = doc
    out.check("status.list", "passed", f"{_list_type(legacy)} by {quote(issuer, 120)}, purposes "
              f"{', '.join(checked.purposes) or '(none)'}")
