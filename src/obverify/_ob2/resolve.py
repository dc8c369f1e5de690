"""Resolve the documents of an Open Badge (OB 2.0 "Data Validation": "All required Badge Objects are
appropriately linked and available ... with an eventual 200 OK"): Assertion → BadgeClass → issuer Profile,
keys and revocation lists, every one through `RunContext.fetch_json` (the Loader seam).

A linked node with an http(s) `id` is always taken from where its id points, even when a copy is embedded:
an embedded copy is only the presenter's claim (mozilla/openbadges-backpack #1003: an attacker-hosted
assertion embedding a real issuer's badge class). A fetched document must declare the `id` it was fetched
from (ANCHORS.md "Flags a fetched node whose declared id differs"), else `issuer_mismatch` and it is not used.

JSON-LD (OB 2.0 "Open Badges in Linked Data"): a document whose `@context` is exactly the v2 context string
is read as is; any other context is compacted into the v2 context with pyld, serving only bundled contexts
(or the trusted store) through `obverify._engines.jsonld.document_loader`. pyld is imported only on that path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.lazy import deferred
from obverify._core.text import quote_url
from obverify._ob2.common import (
    OBI,
    STAGE_RESOLVE,
    STAGE_SCHEMAS,
    V2_CONTEXT,
    as_list,
    is_http_url,
    node_id,
    type_iris,
)
from obverify._ob2.upgrade import Version, detect_version, is_exact_v2, upgrade_badgeclass, upgrade_issuer

if TYPE_CHECKING:
    from obverify._engines import jsonld
else:
    # pyld (~75 ms of a process with the requests, lxml and asyncio it imports itself) is imported by the first
    # document that needs JSON-LD work, never by an OB 2.0 badge in the plain v2 context
    jsonld = deferred("obverify._engines.jsonld")


def compact_v2(ctx: RunContext, doc: dict[str, Any], *, url: str | None, label: str) -> dict[str, Any] | None:
    """`doc` compacted into the OB v2 context (bundled contexts only); None (and `context_invalid`) on failure.

    A document already on the exact v2 URL is read as is, after the "checked is signed" rule
    (`obverify._engines.spelling.check_v2_spelling`): a v2 term written as its IRI or as a JSON-LD value object is
    `schema_invalid`, and such a document is then read compacted like any other, so nothing it says is lost."""
    if is_exact_v2(doc):
        from obverify._engines.spelling import check_v2_spelling

        if check_v2_spelling(ctx, doc, url=url, label=label):
            return doc
    try:
        result = jsonld.compact(doc, V2_CONTEXT, ctx, stage=STAGE_SCHEMAS)
    except Exception as exc:  # pyld raises many types; any failure means the context is unusable  # noqa: BLE001
        ctx.out.error(
            Code.CONTEXT_INVALID, f"{label}: its JSON-LD @context cannot be processed ({type(exc).__name__})",
            stage=STAGE_SCHEMAS, path="/@context", url=url,
        )
        return None
    if not isinstance(result, dict):
        return None
    language = _default_language(doc)
    if language is not None:
        result = {**_untag(result, language), "@language": language}
    result["@context"] = V2_CONTEXT
    ctx.out.check(f"jsonld.{label}", "passed", "compacted into the OB v2 context")
    return result


def _default_language(doc: dict[str, Any]) -> str | None:
    """The default language a document's own top-level context objects set (`{"@language": "en"}`), if any."""
    language = None
    for item in as_list(doc.get("@context")):
        if isinstance(item, dict) and "@language" in item:
            value = item["@language"]
            language = value if isinstance(value, str) else None  # a later context object overrides (null too)
    return language


def _untag(value: Any, language: str) -> Any:  # a dict stays a dict
    """Compacting into the v2 context (which sets no default language) turns every string of a
    document with a default language into `{"@value": s, "@language": L}`. Read with that default, which the
    result then carries as its own `@language`, those are plain strings again: the same JSON-LD meaning."""
    if isinstance(value, list):
        return [_untag(v, language) for v in value]
    if isinstance(value, dict):
        tagged = set(value) == {"@value", "@language"} and value["@language"] == language
        if tagged and isinstance(value["@value"], str):
            return value["@value"]
        return {k: _untag(v, language) for k, v in value.items()}
    return value


def read_document(
    ctx: RunContext, doc: Any, *, url: str | None, label: str, default_version: Version = "2.0",
    extensions: bool = True,
) -> tuple[dict[str, Any], Version] | None:
    """Check a parsed document is an object with a known OB context; compact 2.0 documents into v2.

    `extensions`: validate the OB 2.0 document's extension nodes (`obverify._ob2.extensions`), as written, before
    compaction renames their terms; off for a presented copy that is only a pointer to the verified one.
    """
    read = _read_document(ctx, doc, url=url, label=label, default_version=default_version)
    if read is not None and extensions and read[1] == "2.0" and isinstance(doc, dict):
        from obverify._ob2.extensions import check_extensions

        check_extensions(ctx, doc, url=url, label=label)
    return read


def _read_document(
    ctx: RunContext, doc: Any, *, url: str | None, label: str, default_version: Version
) -> tuple[dict[str, Any], Version] | None:
    if not isinstance(doc, dict):
        ctx.out.error(Code.SCHEMA_INVALID, f"{label} must be a JSON object", stage=STAGE_SCHEMAS, url=url)
        return None
    if "@context" not in doc:
        # no JSON-LD context: an OB 0.5/1.0 object, read by its shape (OB 1.0 had no contexts)
        if default_version != "2.0":
            return doc, default_version
        return doc, detect_version(doc) or "1.0"
    version = detect_version(doc)
    if version is None and has_inline_context(doc):
        return _read_by_meaning(ctx, doc, url=url, label=label)
    if version is None:
        ctx.out.error(
            Code.CONTEXT_INVALID, f"{label} has no Open Badges @context", stage=STAGE_SCHEMAS, path="/@context", url=url
        )
        return None
    if version == "2.0":
        compacted = compact_v2(ctx, doc, url=url, label=label)
        if compacted is None:
            return None
        return compacted, version
    return doc, version


def in_parent_context(ctx: RunContext, doc: Any, *, url: str, label: str) -> bool:
    """Whether a related document fetched for an OB 2.0 badge has no `@context`, so that it
    is read in the OB 2.0 context of the badge that links it; says so in the warning `context_missing`.

    Older platforms and OB 1.1 hosting habits serve BadgeClass, Profile, CryptographicKey, RevocationList and
    Endorsement documents without one. Only a document that declares a `type` is read as OB 2.0: its type and
    properties are then validated as usual (a context-less document claiming another class is
    `schema_invalid`). One without `type` keeps the OB 1.0 reading (no contexts existed then). A document with
    a context that is not Open Badges stays `context_invalid` (`read_document`).
    """
    if not isinstance(doc, dict) or "@context" in doc:
        return False
    ctx.out.warn(WarningCode.CONTEXT_MISSING,
                 f"{label} at {quote_url(url)} has no @context; read in the OB 2.0 context of "
                 "the badge that links it", stage=STAGE_SCHEMAS, url=url)
    return "type" in doc or "@type" in doc


OB2_CLASSES = frozenset({
    OBI + "Assertion", OBI + "BadgeClass", OBI + "Issuer", OBI + "Profile", OBI + "RevocationList",
    "https://w3id.org/credentials#Credential", "https://w3id.org/security#Key",
})
"""The IRIs of the OB 2.0 classes a document given by itself may be (Endorsement is `cred:Credential`,
CryptographicKey `sec:Key` in the v2 context)."""


def has_inline_context(doc: dict[str, Any]) -> bool:
    """Whether the `@context` holds a context object (alone or in an array) rather than only URLs."""
    return any(isinstance(c, dict) for c in as_list(doc.get("@context")))


def _read_by_meaning(
    ctx: RunContext, doc: dict[str, Any], *, url: str | None, label: str
) -> tuple[dict[str, Any], Version] | None:
    """A document whose context is given inline (an object, or objects with other URLs) and
    names no Open Badges context URL is OB 2.0 when its meaning says so: compacted into the v2 context (JSON-LD
    Compaction, bundled contexts only), its `type` must be an OB 2.0 class. Raw keys are never read: a local
    context that maps `type` or a class name elsewhere changes the compacted result, not what is checked."""
    compacted = compact_v2(ctx, doc, url=url, label=label)
    if compacted is None:
        return None
    if not type_iris(compacted) & OB2_CLASSES:
        ctx.out.error(Code.CONTEXT_INVALID, f"{label}: its inline @context does not make it an Open Badges 2.0 object",
                      stage=STAGE_SCHEMAS, path="/@context", url=url)
        return None
    ctx.out.warn(WarningCode.CONTEXT_INLINE,
                 f"{label}: its @context is given inline; read by its meaning in the OB v2 context",
                 stage=STAGE_SCHEMAS, path="/@context", url=url)
    return compacted, "2.0"


def fetch_document(ctx: RunContext, url: str, *, label: str, path: str | None = None) -> Any | None:
    """Fetch and parse `url` (findings on failure)."""
    return ctx.fetch_json(url, stage=STAGE_RESOLVE, path=path, what=label)


def check_declared_id(ctx: RunContext, doc: dict[str, Any], url: str, *, label: str) -> bool:
    """A fetched node must declare the id it was fetched from."""
    declared = doc.get("id")
    if declared != url:
        ctx.out.error(
            Code.ISSUER_MISMATCH,
            f"{label} fetched from {quote_url(url)} declares another id; it is not trusted",
            stage=STAGE_RESOLVE, path="/id", url=url,
        )
        return False
    return True


def resolve_node(
    ctx: RunContext, ref: Any, *, label: str, kind: str, version: Version, path: str
) -> tuple[dict[str, Any], str | None] | None:
    """Resolve a linked BadgeClass or issuer Profile: (document in the 2.0 shape, URL it came from or None).

    `ref` is an IRI or an embedded document. Embedded documents are used as they are only when their id
    cannot be dereferenced (urn:uuid, blank node): those are covered by the enclosing proof. OB 0.5 badge
    classes and issuers are always embedded and have no ids of their own.
    """
    ident = node_id(ref)
    upgrade = upgrade_badgeclass if kind == "badgeclass" else upgrade_issuer
    if isinstance(ref, dict) and (version == "0.5" or not is_http_url(ident)):
        # 0.5 badges embed their badge class and issuer (no ids); the upgrade already read them
        read = read_document(ctx, ref, url=None, label=label, default_version=version) if "@context" in ref else (
            ref, version
        )
        if read is None:
            return None
        doc, doc_version = read
        return upgrade(doc, doc_version), None
    if not is_http_url(ident):
        ctx.out.error(
            Code.FETCH_FAILED, f"{label} is not linked by an http(s) URL and is not embedded",
            stage=STAGE_RESOLVE, path=path,
        )
        return None
    assert ident is not None
    raw = fetch_document(ctx, ident, label=label, path=path)
    if raw is None:
        return None
    if version == "2.0" and in_parent_context(ctx, raw, url=ident, label=label):
        raw = {"@context": V2_CONTEXT, **raw}
    read = read_document(ctx, raw, url=ident, label=label, default_version=version if version != "2.0" else "1.0")
    if read is None:
        return None
    doc, doc_version = read
    doc = upgrade(doc, doc_version, source_url=ident)
    declared = doc.get("id")
    if declared != ident and is_http_url(declared) and kind in ("badgeclass", "issuer"):
        assert isinstance(declared, str)
        return _follow_declared_id(ctx, ident, declared, label=label, kind=kind, version=version, path=path)
    if not check_declared_id(ctx, doc, ident, label=label):
        return None
    return doc, ident


def _follow_declared_id(
    ctx: RunContext, fetched_from: str, declared: str, *, label: str, kind: str, version: Version, path: str
) -> tuple[dict[str, Any], str] | None:
    """A BadgeClass or issuer Profile fetched from one URL that declares another http(s) id (an
    alias, a moved badge class) is what badgecheck follows. The copy at the declared id is fetched through the
    same loader and policy, once, and used only if it declares that same id, with the warning
    `declared_id_differs` ("fetched from X, declares Y"); a copy declaring yet another id is `issuer_mismatch`.
    Everything else (scope, keys, origin rules) then applies to the declared id. The hosted assertion itself
    and hosted endorsements keep the strict rule (`check_declared_id`)."""
    upgrade = upgrade_badgeclass if kind == "badgeclass" else upgrade_issuer
    raw = fetch_document(ctx, declared, label=label, path=path)
    if raw is None:
        return None
    if version == "2.0" and in_parent_context(ctx, raw, url=declared, label=label):
        raw = {"@context": V2_CONTEXT, **raw}
    read = read_document(ctx, raw, url=declared, label=label, default_version=version if version != "2.0" else "1.0")
    if read is None:
        return None
    doc = upgrade(read[0], read[1], source_url=declared)
    if doc.get("id") != declared:
        ctx.out.error(
            Code.ISSUER_MISMATCH,
            f"{label} fetched from {quote_url(fetched_from)} declares {quote_url(declared)}, whose copy declares "
            "another id; it is not trusted", stage=STAGE_RESOLVE, path="/id", url=declared,
        )
        return None
    ctx.out.warn(WarningCode.DECLARED_ID_DIFFERS, f"{label} fetched from {quote_url(fetched_from)} declares "
                 f"{quote_url(declared)}; verified the copy at the declared id", stage=STAGE_RESOLVE, url=declared)
    return doc, declared
