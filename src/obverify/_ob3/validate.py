"""JSON Schema conformance of OB 3.0 credentials (OB 3.0 §9 step 1; 1EdTech VCCS 1.0; SECURITY.md §15).

- Every `credentialSchema` entry of type `1EdTechJsonSchemaValidator2019` is honoured: an official OB 3.0
  schema URL maps to the project's own equivalent in `schemas/ob3/` (written from OB 3.0 Appendix B, never
  fetched); any other schema is fetched through the loader (and so under its network policy) and applied
  with every remote `$ref` refused. Violations are `schema_invalid`; a schema that cannot be retrieved is
  `fetch_failed`; one that cannot be applied earns a warning that it was not checked.
- With no such declaration, OB 3.0 does not require schema validation; the credential is still checked
  against the project's schema for its kind, and violations become `schema_warning` warnings.

The project's schemas accept the compacted single-value forms of the top-level `proof`, `credentialSchema`
and `termsOfUse` that JSON-LD compaction produces. Findings carry our own messages only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.text import quote, quote_url
from obverify._engines.schemas import SchemaIssue, json_pointer, schema_errors
from obverify._ob3.model import Kind, as_list, require_https, types_of

STAGE = "schemas"
OWN = "https://obverify.invalid/schemas/ob3/"
VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
_OFFICIAL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/"
OFFICIAL_TO_OWN = {
    f"{_OFFICIAL}{form}/ob_v3p0_{name}_schema.json": f"{OWN}{own}.json"
    for form in ("json", "json-ld")
    for name, own in (
        ("achievementcredential", "achievementcredential"),
        ("anyachievementcredential", "anyachievementcredential"),
        ("endorsementcredential", "endorsementcredential"),
        ("anyendorsementcredential", "anyendorsementcredential"),
        ("profile", "profile"),
    )
}
DEFAULT_FOR_KIND = {"achievement": f"{OWN}anyachievementcredential.json",
                    "endorsement": f"{OWN}anyendorsementcredential.json"}
MAX_REPORTED = 10


def own_schema_for(url: str) -> str | None:
    """The project's schema standing in for an official OB 3.0 schema URL (None if not official)."""
    return OFFICIAL_TO_OWN.get(url)


def check_schemas(ctx: RunContext, credential: Mapping[str, Any], kind: Kind, *, base: str = "") -> bool:
    """Apply declared and default schemas; record findings; return False when a declared schema fails."""
    out = ctx.out
    declared = as_list(credential.get("credentialSchema"))
    ok = True
    checked_any = False
    for i, entry in enumerate(declared):
        path = f"{base}/credentialSchema" + (f"/{i}" if isinstance(credential.get("credentialSchema"), list) else "")
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            out.error(Code.SCHEMA_INVALID, "a credentialSchema entry needs an id", stage=STAGE, path=path)
            ok = False
            continue
        url = str(entry["id"])
        if VALIDATOR_TYPE not in types_of(entry):
            out.warn(WarningCode.SCHEMA_NOT_CHECKED,
                     f"credentialSchema {quote_url(url)} of type {quote(entry.get('type'))} "
                     "was not checked (only 1EdTechJsonSchemaValidator2019 is)", stage=STAGE, path=path)
            continue
        own = own_schema_for(url)
        if own is not None:
            issues = own_issues(credential, own)
        else:
            fetched = _fetched_issues(ctx, url, credential, path)
            if fetched is None:
                if out.has_error(Code.FETCH_FAILED, Code.URL_BLOCKED):
                    ok = False
                continue
            issues = fetched
        checked_any = True
        if issues:
            ok = False
            _report(ctx, issues, url, base, error=True)
    if not checked_any:
        issues = own_issues(credential, DEFAULT_FOR_KIND[kind])
        _report(ctx, issues, DEFAULT_FOR_KIND[kind], base, error=False)
    out.check("ob3.schema", "passed" if ok else "failed",
              "declared credentialSchema" if checked_any else "no declared 1EdTech schema; project schema as warnings")
    return ok


def own_issues(credential: Mapping[str, Any], schema_id: str) -> list[SchemaIssue]:
    """Issues of `credential` against one of the project's schemas.

    They run on `obverify._engines.schemas`' own interpreter (the schemas use only its keywords, which
    `tests/unit/test_schemas_ob3.py` checks), so verifying an OB 3.0 credential never imports jsonschema.
    """
    return schema_errors(credential, schema_id)


def _report(ctx: RunContext, issues: list[SchemaIssue], schema: str, base: str, *, error: bool) -> None:
    for issue in issues[:MAX_REPORTED]:
        message = f"does not conform to {quote_url(schema)}: {issue.message}"
        if error:
            ctx.out.error(Code.SCHEMA_INVALID, message, stage=STAGE, path=base + issue.path)
        else:
            ctx.out.warn(WarningCode.SCHEMA_WARNING, message, stage=STAGE, path=base + issue.path)
    if len(issues) > MAX_REPORTED:
        further = f"{len(issues) - MAX_REPORTED} further schema issues"
        if error:
            ctx.out.error(Code.SCHEMA_INVALID, further, stage=STAGE, path=base or None)
        else:
            ctx.out.warn(WarningCode.SCHEMA_WARNING, further, stage=STAGE, path=base or None)


def _fetched_issues(ctx: RunContext, url: str, credential: Mapping[str, Any], path: str) -> list[SchemaIssue] | None:
    """Fetch a non-official schema through the loader and apply it; None when it could not be applied."""
    if not require_https(ctx, url, stage=STAGE, path=path):
        return None
    schema = ctx.fetch_json(url, stage=STAGE, path=path, what="JSON Schema")
    if schema is None:
        return None
    if not isinstance(schema, dict):
        ctx.out.warn(WarningCode.SCHEMA_NOT_CHECKED, f"credentialSchema {quote_url(url)} is not a JSON Schema object; "
                     "not checked", stage=STAGE, path=path, url=url)
        return None
    try:
        import jsonschema
        from referencing import Registry

        def refuse(uri: str) -> Any:
            raise LookupError("remote $ref refused")  # SECURITY.md §6: schemas never pull documents

        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
        validator = cls(schema, registry=Registry(retrieve=refuse))  # type: ignore[call-arg]
        errors = sorted(validator.iter_errors(credential), key=lambda e: list(map(str, e.absolute_path)))
    except Exception as exc:  # a hostile schema must never crash us  # noqa: BLE001
        ctx.out.warn(WarningCode.SCHEMA_NOT_CHECKED, f"credentialSchema {quote_url(url)} could not be applied "
                     f"({type(exc).__name__}); not checked", stage=STAGE, path=path, url=url)
        return None
    return [SchemaIssue(json_pointer(list(e.absolute_path)), f"fails '{e.validator}' (schema {url})")
            for e in errors[:50]]
