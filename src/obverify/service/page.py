"""The verification page at `/`: drop a badge file or paste a URL, JSON or JWT, and read the verdict.

Rendered on the server from the same report `/v1/verify` returns: a plain HTML form posts to `/` (so a
URL paste works without JavaScript, a file upload too), and the answer is a page showing the verdict
first, in plain words, then the badge (image, name, issuer, recipient check, dates, revocation), then
every check and the raw report. `static/page.js` only adds drag-and-drop and submit-on-choose.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from obverify._core.report import Report
from obverify.service.envelope import ApiError
from obverify.service.inputs import read_inputs
from obverify.service.state import state_of
from obverify.service.verifyapi import run_verify

router = APIRouter(include_in_schema=False)

# What each error code means, for a person (the finding's own message follows it).
PLAIN = {
    "input_invalid": "This is not a badge obverify can read.",
    "unbake_failed": "The image holds no badge.",
    "fetch_failed": "A document the badge depends on could not be fetched.",
    "url_blocked": "The badge points at an address obverify will not contact.",
    "context_invalid": "The badge uses an unknown or disallowed vocabulary (@context).",
    "schema_invalid": "The badge is malformed: a required field is missing or has the wrong type.",
    "proof_invalid": "The signature does not match: the badge was changed after it was issued, "
                     "or it was not signed by its issuer.",
    "issuer_mismatch": "The badge was not issued by whom it claims.",
    "recipient_mismatch": "The badge was not awarded to the recipient given.",
    "not_yet_valid": "The badge is not valid yet.",
    "expired": "The badge has expired.",
    "revoked": "The issuer has revoked the badge.",
    "status_unavailable": "Whether the badge was revoked could not be checked.",
}

STYLE_VERSION = "2"


def _asset(name: str) -> bytes:
    return resources.files("obverify.service").joinpath("static", name).read_bytes()


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _layout(main: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>obverify — verify an Open Badge</title>
<link rel="stylesheet" href="/static/page.css?v={STYLE_VERSION}"></head>
<body><header><h1><a href="/">obverify</a></h1><p>Is this Open Badge genuine? Drop it here.</p></header>
<main>{main}</main>
<footer>Open Badges 0.5–3.0 · <a href="/openapi.json">API (OpenAPI)</a> · <a href="/docs">API docs</a></footer>
<script src="/static/page.js?v={STYLE_VERSION}" defer></script></body></html>"""


FORM = """<form id="verify-form" method="post" action="/" enctype="multipart/form-data">
<label class="drop" id="drop">Drop a badge image (PNG, SVG) or JSON file here, or choose one:
<input type="file" name="image" id="file" accept=".png,.svg,.json,.jws,.jwt,image/png,image/svg+xml,application/json">
</label>
<label for="pasted">…or paste a badge URL, its JSON or a JWT:</label>
<textarea name="pasted" id="pasted" rows="3" placeholder="https://issuer.example/assertions/1"></textarea>
<label for="recipient">Recipient to check (optional, e.g. an email):</label>
<input type="text" name="recipient" id="recipient" autocomplete="email">
<button type="submit">Verify</button>
</form>"""


def _verdict(report: Report) -> str:
    if report.valid:
        extra = " and it belongs to the recipient given" if report.recipient.matched else ""
        return (f'<section id="verdict" class="verdict genuine"><h2>Genuine</h2><p>This badge is authentic, '
                f"unchanged and currently valid{extra}.</p></section>")
    reasons = "".join(
        f'<li><strong>{_e(PLAIN.get(f.code, f.code))}</strong> <span class="detail">{_e(f.message)}</span> '
        f'<code>{_e(f.code)}</code></li>' for f in report.errors)
    return (f'<section id="verdict" class="verdict not-genuine"><h2>Not genuine</h2>'
            f'<p>obverify could not confirm this badge:</p><ul id="reasons">{reasons}</ul></section>')


def _image(summary: dict[str, Any], upload: bytes | None) -> str:
    """The badge's picture: a PNG thumbnail Pillow re-encoded from the upload's pixels, or a note saying why not.

    Never the uploaded bytes themselves, never SVG markup and never an image URL the badge names: the page
    shows only pixels obverify decoded (at most 96×96, a few KiB as a data: URI), so a polyglot upload or an
    SVG's markup never reaches the browser, and the viewer's browser never fetches from a badge's URL.
    """
    from obverify._core.sniff import sniff

    kind = sniff(upload) if upload is not None else None
    if upload is not None and kind == "png":
        from obverify._engines.images import check_png, thumbnail_data_uri

        uri = thumbnail_data_uri(upload)
        if uri is not None:
            return f'<img class="badge-image" alt="badge image" src="{uri}">'
        return f'<p class="badge-image-note">The image is not shown: {_e(check_png(upload))}.</p>'
    if kind in ("svg", "svgz"):
        return ('<p class="badge-image-note">SVG image: not shown (obverify does not render SVG images, '
                "whose markup can carry scripts and links).</p>")
    image = summary.get("image")
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        return f'<p class="badge-image-note">Image at <code>{_e(image)}</code> (not loaded).</p>'
    return ""


def _badge(report: Report, picture: str) -> str:
    summary = report.summary() or {}
    issuer = summary.get("issuer")
    issuer_name = summary.get("issuerName") or (issuer.get("name") if isinstance(issuer, dict) else issuer)
    issuer_id = summary.get("issuerId") or (issuer.get("id") if isinstance(issuer, dict) else None)
    rec = report.recipient
    recipient = (f"matches {_e(rec.matched)}" if rec.matched else
                 "does not match the recipient given" if rec.checked else "not checked (no recipient given)")
    revoked = {True: "revoked" + (f": {_e(report.revocation_reason)}" if report.revocation_reason else ""),
               False: "not revoked", None: "unknown"}[report.revoked]
    rows = [
        ("Badge", _e(summary.get("name"))),
        ("Description", _e(summary.get("description"))),
        ("Issuer", f'<span id="issuer">{_e(issuer_name)}</span> <code>{_e(issuer_id)}</code>'),
        ("Recipient", recipient),
        ("Issued", _e(summary.get("issuedOn") or summary.get("validFrom"))),
        ("Expires", _e(summary.get("expires") or summary.get("validUntil") or "never")),
        ("Revocation", revoked),
        ("Open Badges version", _e(report.version)),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    title = "The badge" if report.valid else "The badge, as it describes itself (not confirmed)"
    return f'<section id="badge"><h2>{title}</h2>{picture}<table>{table}</table></section>'


def _checks(report: Report) -> str:
    items = "".join(
        f'<tr class="{_e(c.status)}"><td>{_e(c.name)}</td><td>{_e(c.status)}</td><td>{_e(c.detail)}</td></tr>'
        for c in report.checks)
    warnings = "".join(f"<li><code>{_e(w.code)}</code> {_e(w.message)}</li>" for w in report.warnings)
    raw = _e(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str))
    return (f'<section id="checks"><h2>Every check</h2><table><tr><th>check</th><th>result</th><th>detail</th></tr>'
            f'{items}</table>' + (f"<h3>Warnings</h3><ul>{warnings}</ul>" if warnings else "") +
            f'</section><section id="raw"><h2>Raw report</h2><details><summary>JSON</summary><pre>{raw}</pre>'
            f"</details></section>")


@router.get("/", response_class=HTMLResponse)
async def page() -> HTMLResponse:
    """The empty form."""
    return HTMLResponse(_layout(FORM))


@router.post("/", response_class=HTMLResponse)
async def page_post(request: Request) -> HTMLResponse:
    """Verify what the form sent and show the result above the form."""
    try:
        fields = await read_inputs(request)
    except ApiError as exc:
        return HTMLResponse(_layout(_problem(exc) + FORM), status_code=exc.status)
    upload = fields.get("image") if isinstance(fields.get("image"), bytes) and fields.get("image") else None
    pasted = str(fields.get("pasted") or "").strip()
    inputs: dict[str, Any] = {"recipient": fields.get("recipient"), "at": fields.get("at")}
    if upload is not None:
        inputs["image"] = upload
    elif pasted.lower().startswith(("http://", "https://")):
        inputs["url"] = pasted
    elif pasted:
        inputs["assertion"] = pasted
    try:
        report = await run_verify(state_of(request), inputs)
    except ApiError as exc:
        return HTMLResponse(_layout(_problem(exc) + FORM), status_code=exc.status)
    # Pillow's decoding runs off the event loop, in the verifier's bounded threads (up to ~0.5 s at the pixel cap)
    picture = await state_of(request).verifier.run(_image, report.summary() or {}, upload)
    return HTMLResponse(_layout(_verdict(report) + _badge(report, picture) + _checks(report) + FORM))


def _problem(exc: ApiError) -> str:
    texts = exc.non_field_errors + exc.validation_errors + [t for v in exc.field_errors.values() for t in v]
    if not texts:
        texts = [exc.description]
    if exc.non_field_errors and "Must provide only one" in exc.non_field_errors[0]:
        texts = ["Choose a badge file, or paste a URL, JSON or JWT."]
    items = "".join(f"<li>{_e(t)}</li>" for t in texts)
    return f'<section id="verdict" class="verdict problem"><h2>Nothing verified</h2><ul>{items}</ul></section>'


@router.get("/static/{name}")
async def static(name: str) -> Response:
    """The page's stylesheet and script (two fixed names; nothing else is served)."""
    types = {"page.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}
    if name not in types:
        raise ApiError(404, error_code="NOT_FOUND")
    return Response(_asset(name), media_type=types[name], headers={"Cache-Control": "max-age=3600"})
