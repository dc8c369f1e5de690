"""What is checked is what is signed (DESIGN.md §1): a JSON-LD document must be its own compact form.

An RDFC-1.0 proof (eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020) signs the RDF of a credential, not
its JSON: `"https://www.w3.org/2018/credentials#credentialStatus": …` and `"credentialStatus": …`, a date as
`{"@value": …, "@type": xsd:dateTime}` or as a string, `"@id"` or `"id"`, are the same RDF and verify with
the same signature. The checks (status, validity, issuer binding, recipient, schemas, display) read the
compact JSON keys the OB 3.0 and VC contexts define, so any other spelling would let a holder hide a
`credentialStatus` or a `validUntil` from them while the proof still verifies.

The rule, applied to every OB 3.0 credential (every proof suite, VC-JWT payloads included), to status-list
credentials and to each proof's options: the document is expanded and compacted again under its own
top-level `@context` (`obverify._engines.jsonld.compact_round_trip`), and must come out as it went in. Every
difference is `schema_invalid`, its message naming the key or value and how the context writes it; the
checks then read the compacted form (so a hidden revocation or expiry is still found and reported), never
the input's own spelling. Where the meaning cannot be established at all (not JSON-LD, an unloadable
context) the checks read the input, and `revoked`/`expired` may not be reported as False.

Differences that are no difference to any check, and so are accepted:

- a one-element array where the compact form has the single value, and the reverse (the checks read the
  input in the compact form's shapes, `reshaped`, so `[date]` is read as the date it means);
- an embedded `@context` (an embedded endorsement's, a JCS proof's): the compact form under the top-level
  context already reproduced the node's keys and values, so they mean there what the checks take them to
  mean (embedded credentials are verified on their own, against their own context);
- the OB 3.0 contexts' own ambiguity: they give a few classes the IRIs of properties (`Criteria`/`criteria`,
  `Image`/`image`, `GeoCoordinates`/`geo`, and in the unversioned `context.json` also `Achievement`/
  `achievement`, `Profile`/`creator`, `Address`/`address`), and compaction writes either name for the other.
  The property name as a key and the class name as a `type` are accepted; the class name as a key is
  refused, since the checks read the property name (`PROPERTY_CLASS`; `tests/unit/test_spelling.py` checks
  that the bundled contexts hold no other pair of terms for one IRI);
- a defined term that compaction cannot use because its type coercion does not fit the value (it then
  writes the absolute IRI ending in that term; `identifier` in `context.json`), when every context is bundled;
- under a JCS proof or in a VC-JWT (the JSON text is what is signed), a name the contexts leave undefined
  (`endorsementJwt`, which no OB 3.0 context defines): a `jsonld_undefined_term` warning.

A context obverify does not bundle (from a trusted document store, or with `allow_remote_contexts`) could
define a new, shorter alias for a pinned term, which compaction would then prefer; the document is therefore
also compacted under its bundled contexts alone, and any name that reads differently there is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.lazy import deferred
from obverify._core.text import quote

if TYPE_CHECKING:
    from obverify._engines import jsonld
else:
    # pyld (~75 ms of a process with the requests, lxml and asyncio it imports itself) is imported by the first
    # document that needs JSON-LD work, never by an OB 2.0 badge in the plain v2 context
    jsonld = deferred("obverify._engines.jsonld")

MAX_REPORTED = 8
"""Differences reported one by one; the rest are counted in one more finding."""

PROPERTY_CLASS = frozenset({("achievement", "Achievement"), ("address", "Address"), ("creator", "Profile"),
                            ("criteria", "Criteria"), ("geo", "GeoCoordinates"), ("image", "Image")})
"""(property, class) term pairs the bundled OB 3.0 contexts give one IRI (`tests/unit/test_spelling.py` finds
them all): compaction writes either for the other, so the property name as a key and the class name as a
`type` are accepted, and the class name as a key is refused (the checks read the property name)."""
CLASS_KEYS = {cls: prop for prop, cls in PROPERTY_CLASS}


class Difference(NamedTuple):
    """One place where a document is not its own compact form: a JSON pointer into the input, and why.

    `undefined`: the key or `type` value is a plain name the contexts do not define, so it has no JSON-LD
    meaning at all (rather than another spelling of a defined one).
    """

    path: str
    message: str
    undefined: bool = False


def _plain(name: Any) -> bool:
    return isinstance(name, str) and bool(name) and ":" not in name and not name.startswith("@")


class Spelling(NamedTuple):
    """The outcome of the rule for one document.

    `ok`: the input is its compact form (up to the accepted differences). `reading`: what the checks must read
    — the input in its compact form's array shapes (`reshaped`) when `ok`, the compacted form when it differs,
    None when its meaning could not be established
    (then the checks read the input, and nothing read from it may be reported as "not revoked/expired").
    """

    ok: bool
    reading: Mapping[str, Any] | None
    differences: list[Difference]


def _pointer(path: str, key: str | int) -> str:
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return quote(text, 80)


def _single(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _same_scalar(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


@cache
def pinned_iris() -> frozenset[str]:
    """Every IRI a term of a bundled context names (scoped contexts included; compact IRIs expanded).

    A key written as one of these IRIs (or as a compact IRI for one) is refused even when the compact form
    keeps it, as it does when the value does not fit the term's type coercion (`"…#validUntil": "2025-…"`, a
    plain string where the term wants an xsd:dateTime): the checks read the term, never its IRI.
    """
    from obverify._engines.contexts import bundled_context, bundled_urls

    found: set[str] = set()

    def walk(ctx: Any, prefixes: dict[str, str]) -> None:
        if isinstance(ctx, list):
            for c in ctx:
                walk(c, prefixes)
            return
        if not isinstance(ctx, dict):
            return
        local = {**prefixes, **{t: d for t, d in ctx.items() if isinstance(d, str) and d.endswith(("#", "/"))}}
        for term, definition in ctx.items():
            iri = definition if isinstance(definition, str) else (
                definition.get("@id") if isinstance(definition, dict) else None)
            if isinstance(iri, str) and not term.startswith("@"):
                found.add(_expand_prefix(iri, local))
            if isinstance(definition, dict) and "@context" in definition:
                walk(definition["@context"], local)

    for url in bundled_urls():
        document = bundled_context(url)
        if isinstance(document, dict):
            walk(document.get("@context"), {})
    return frozenset(i for i in found if "://" in i)


def _expand_prefix(name: str, prefixes: Mapping[str, str]) -> str:
    prefix, sep, suffix = name.partition(":")
    if sep and not suffix.startswith("//") and prefix in prefixes:
        return prefixes[prefix] + suffix
    return name


@cache
def _all_prefixes() -> dict[str, frozenset[str]]:
    """Every prefix a bundled context defines (scoped contexts included), with each IRI it stands for."""
    from obverify._engines.contexts import bundled_context, bundled_urls

    found: dict[str, set[str]] = {}
    stack: list[Any] = []
    for url in bundled_urls():
        document = bundled_context(url)
        stack.append(document.get("@context") if isinstance(document, dict) else None)
    while stack:
        ctx = stack.pop()
        for c in ctx if isinstance(ctx, list) else [ctx]:
            if not isinstance(c, dict):
                continue
            for term, definition in c.items():
                if isinstance(definition, str) and definition.endswith(("#", "/")) and not term.startswith("@"):
                    found.setdefault(term, set()).add(definition)
                elif isinstance(definition, dict) and "@context" in definition:
                    stack.append(definition["@context"])
    return {k: frozenset(v) for k, v in found.items()}


def _pinned_iri_key(key: str) -> bool:
    if ":" not in key or key.startswith("@"):
        return False
    prefix, _, suffix = key.partition(":")
    expansions = {key} | {base + suffix for base in _all_prefixes().get(prefix, frozenset())}
    return not expansions.isdisjoint(pinned_iris())


def _partner(key: str, missing: list[str], lenient: bool) -> str | None:
    """The compact form's name for the same property as `key`, when the difference is one of the accepted ones."""
    if not _plain(key):
        return None
    for m in missing:
        if (key, m) in PROPERTY_CLASS:
            return m
    if lenient:
        for m in missing:
            if ":" in m and not m.startswith("@") and (m.endswith("#" + key) or m.endswith("/" + key)):
                return m
    return None


def differences(original: Any, compacted: Any, *, relative_base: str = "", lenient: bool = True,
                limit: int = 1_000) -> list[Difference]:
    """Where `original` is not `compacted` (its compact form), up to `limit` places, in document order.

    `relative_base` is the base the expansion resolved relative IRIs against (an undefined `type` name comes
    back under it). `lenient`: every context is bundled, so a defined term that compaction could not use (its
    type coercion does not fit the value; it then writes the absolute IRI ending in that term) is accepted.
    Walks both trees once (the documents are bounded by `VerificationPolicy.max_jsonld_values`).
    """
    found: list[Difference] = []
    stack: list[tuple[Any, Any, str, bool]] = [(original, compacted, "", False)]
    while stack and len(found) < limit:
        a, b, path, in_type = stack.pop()
        if isinstance(a, list) != isinstance(b, list):
            a, b = _single(a), _single(b)
        if isinstance(a, dict) and isinstance(b, dict):
            extra = [k for k in a if k not in b and k != "@context"]
            missing = [k for k in b if k not in a and k != "@context"]
            pending = [(a[k], b[k], _pointer(path, k), k == "type") for k in a if k in b and k != "@context"]
            for k in [k for k in a if k in b and k in CLASS_KEYS]:
                found.append(Difference(_pointer(path, k), f"key {quote(k)} is a class name; the property is "
                                        f"written {quote(CLASS_KEYS[k])}"))
            for k in [k for k in a if k in b and _pinned_iri_key(k)]:
                found.append(Difference(_pointer(path, k), f"key {quote(k, 100)} is the IRI of a term the "
                                        "contexts define (with a value that does not fit the term): use the term"))
            for k in list(extra):
                m = _partner(k, missing, lenient)
                if m is not None:
                    extra.remove(k)
                    missing.remove(m)
                    pending.append((a[k], b[m], _pointer(path, k), False))
            if len(extra) == 1 and len(missing) == 1:
                found.append(Difference(_pointer(path, extra[0]), f"key {quote(extra[0], 100)} is written "
                                        f"{quote(missing[0], 100)} by the document's @context"))
            else:
                for k in extra:
                    if a[k] is None:
                        found.append(Difference(_pointer(path, k), f"key {quote(k, 100)} is null, which JSON-LD "
                                                "ignores (it has no JSON-LD meaning)", undefined=True))
                        continue
                    if _plain(k) and not missing:
                        found.append(Difference(_pointer(path, k), f"key {quote(k, 100)} is not defined by the "
                                                "document's @context (it has no JSON-LD meaning)", undefined=True))
                        continue
                    found.append(Difference(_pointer(path, k), f"key {quote(k, 100)} is not a term of the "
                                            "document's @context (an absolute IRI, keyword, alias or undefined term)"))
                for k in missing:
                    found.append(Difference(_pointer(path, k), f"the document's @context writes a {quote(k, 100)} "
                                            "here that the document spells another way"))
            stack.extend(reversed(pending))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            items = [(x, y, _pointer(path, i), in_type) for i, (x, y) in enumerate(zip(a, b, strict=True))]
            stack.extend(reversed(items))
        elif _same_scalar(a, b) or (in_type and isinstance(a, str) and isinstance(b, str) and (b, a) in PROPERTY_CLASS):
            continue
        elif in_type and _plain(a) and relative_base and b == relative_base + a:
            found.append(Difference(path, f"type {quote(a, 100)} is not defined by the document's @context (it has "
                                    "no JSON-LD meaning)", undefined=True))
        elif isinstance(a, str) and relative_base and b == relative_base + a:
            found.append(Difference(path or "/", f"{quote(a, 100)} is not an absolute IRI (JSON-LD resolves it "
                                    "against a base the document does not have)"))
        elif isinstance(a, dict) and not isinstance(b, dict):
            found.append(Difference(path or "/", f"{_show(a)} is written {_show(b)} by the document's @context"))
        else:
            found.append(Difference(path or "/", f"{_show(a)} differs from its compact form {_show(b)}"))
    return found


def reshaped(original: Any, compacted: Any, *, lenient: bool = True) -> Any:
    """`original` with each one-element array unwrapped where its compact form has the single value.

    What the checks read when the document passes the rule: its own keys, in the compact form's shapes, so a
    date, an issuer or a status purpose written as `[value]` is read as the value (no check has to know that
    an array of one means the same), never refused for a spelling JSON-LD accepts and never losing an expiry
    or revocation the plain spelling would have shown.
    """
    if isinstance(original, list) and not isinstance(compacted, list) and len(original) == 1:
        return reshaped(original[0], compacted, lenient=lenient)
    if isinstance(original, dict) and isinstance(compacted, dict):
        missing = [k for k in compacted if k not in original]
        out: dict[str, Any] = {}
        for key, value in original.items():
            partner = key if key in compacted else _partner(key, missing, lenient)
            out[key] = value if partner is None or key == "@context" else reshaped(value, compacted[partner],
                                                                                     lenient=lenient)
        return out
    if isinstance(original, list) and isinstance(compacted, list) and len(original) == len(compacted):
        return [reshaped(x, y, lenient=lenient) for x, y in zip(original, compacted, strict=True)]
    return original


def _term(name: Any) -> bool:
    return _plain(name)


def aliases(compacted: Any, pinned: Any, *, limit: int = 1_000) -> list[Difference]:
    """Where `compacted` (under the document's contexts) uses a name for which the bundled contexts alone have
    another term: an alias, defined by a context we do not pin, for vocabulary the checks read by its name.

    Both are compactions of one expanded document, so their nodes correspond and each node's keys come in the
    same order (pyld compacts a node's expanded properties in sorted order); only the names differ. New
    vocabulary is fine: the bundled contexts have no term for it (an absolute or compact IRI there).
    """
    found: list[Difference] = []
    stack: list[tuple[Any, Any, str, bool]] = [(compacted, pinned, "", False)]
    while stack and len(found) < limit:
        a, b, path, in_type = stack.pop()
        if isinstance(a, list) != isinstance(b, list):
            a, b = _single(a), _single(b)
        if isinstance(a, dict) and isinstance(b, dict):
            keys_a = [k for k in a if k != "@context"]
            keys_b = [k for k in b if k != "@context"]
            if len(keys_a) != len(keys_b):
                found.append(Difference(path or "/", "this node reads differently under the bundled contexts alone "
                                        "(a context obverify does not pin redefines its vocabulary)"))
                continue
            for ka, kb in zip(keys_a, keys_b, strict=True):
                if ka != kb and _term(kb):
                    found.append(Difference(_pointer(path, ka), f"key {quote(ka, 100)} is an alias of "
                                            f"{quote(kb, 100)}, defined by a context obverify does not pin"))
                    continue
                stack.append((a[ka], b[kb], _pointer(path, ka), kb == "type"))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            stack.extend((x, y, _pointer(path, i), in_type) for i, (x, y) in enumerate(zip(a, b, strict=True)))
        elif in_type and isinstance(a, str) and a != b and _term(b) and (b, a) not in PROPERTY_CLASS:
            found.append(Difference(path, f"type {quote(a, 100)} is an alias of {quote(b, 100)}, defined by a "
                                    "context obverify does not pin"))
    return found


def v2_differences(doc: Mapping[str, Any], *, limit: int = MAX_REPORTED) -> list[Difference]:
    """The rule for an OB 2.0 document whose `@context` is exactly the v2 URL, which the OB 2.0 checks read as
    it is (any other is compacted into the v2 context first, so they read its meaning by construction).

    The v2 context is JSON-LD 1.0, with no scoped contexts, so no JSON-LD processing is needed: a key written
    as the absolute or compact IRI of a v2 term (`https://w3id.org/security#expiration` for `expires`) and a
    JSON-LD value object (`{"@value": …}`, `@type`d or plain) are what compaction would rewrite, and what the
    checks would miss. A language-tagged value (`@language`) has no plainer form and is read as such.
    `@id`/`@type` need no rule here: the OB 2.0 checks read them as `id`/`type`. A node with its own
    `@context` (an extension) is left to that context.
    """
    from obverify._engines.ob2_vocabulary import V2_CONTEXT, expand_v2_iri

    iris = _v2_term_iris(V2_CONTEXT)
    found: list[Difference] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack and len(found) < limit:
        node, path = stack.pop()
        if isinstance(node, list):
            stack.extend((v, _pointer(path, i)) for i, v in reversed(list(enumerate(node))))
            continue
        if not isinstance(node, Mapping) or (path and "@context" in node):
            continue
        for key, value in node.items():
            where = _pointer(path, key)
            if ":" in key and expand_v2_iri(key) in iris:
                found.append(Difference(where, f"key {quote(key, 100)} is the IRI of the OB v2 term "
                                        f"{quote(iris[expand_v2_iri(key)])}: the checks read the term"))
            elif isinstance(value, Mapping) and "@value" in value and not {"@language", "@direction"} & set(value):
                found.append(Difference(where, f"{_show(value)} is a JSON-LD value object; the v2 context writes "
                                        "it as a plain value"))
            elif key != "@context":
                stack.append((value, where))
    return found


@cache
def _v2_term_iris(url: str) -> dict[str, str]:
    """IRI → term for every term (not prefix) of the bundled OB v2 context."""
    from obverify._engines.contexts import bundled_context
    from obverify._engines.ob2_vocabulary import expand_v2_iri

    document = bundled_context(url)
    context = document.get("@context") if isinstance(document, dict) else None
    out: dict[str, str] = {}
    for term, definition in (context or {}).items():
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if term.startswith("@") or not isinstance(target, str) or target.endswith(("#", "/")) or target.startswith("@"):
            continue
        out.setdefault(expand_v2_iri(term), term)
    return out


def check_v2_spelling(ctx: RunContext, doc: Mapping[str, Any], *, url: str | None, label: str) -> bool:
    """Record `schema_invalid` for each `v2_differences` of an OB 2.0 document; return whether there were none."""
    found = v2_differences(doc)
    for d in found:
        ctx.out.error(Code.SCHEMA_INVALID, f"{label}: not written as its @context writes it (what is checked must "
                      f"be what is signed): {d.message}", stage="schemas", path=d.path, url=url)
    return not found


def check_spelling(ctx: RunContext, doc: Mapping[str, Any], *, base: str = "", stage: str = "schemas",
                   what: str = "credential", json_signed: bool = False) -> Spelling:
    """Apply the rule to `doc`; record a `schema_invalid` finding per difference (at most `MAX_REPORTED`).

    `json_signed`: the JSON text itself is what is signed (eddsa-jcs-2022, ecdsa-jcs-2019, a VC-JWT), so a
    name the contexts leave undefined is still signed as written and is read as the OB 3.0 data model names
    it (`endorsementJwt`, which no OB 3.0 context defines, is one): a `jsonld_undefined_term` warning. Under
    RDFC-1.0 such a name is not signed at all (safe mode refuses it too), so it is an error like any other.
    """
    out = ctx.out
    try:
        compacted, pinned = jsonld.compact_round_trip(dict(doc), ctx, stage=stage)
    except jsonld.JsonLdProcessingError as exc:
        code = Code.CONTEXT_INVALID if exc.code is Code.CONTEXT_INVALID else Code.SCHEMA_INVALID
        out.error(code, f"the {what}'s JSON-LD meaning cannot be established, so its keys cannot be trusted to mean "
                  f"what they say: {exc.message}", stage=stage, path=base or None)
        return Spelling(False, None, [])
    if not isinstance(compacted, dict):
        out.error(Code.SCHEMA_INVALID, f"the {what} is not one JSON-LD node", stage=stage, path=base or None)
        return Spelling(False, None, [])
    found = differences(dict(doc), compacted, relative_base=jsonld.RELATIVE_BASE, lenient=pinned is None)
    if pinned is not None:
        found.extend(aliases(compacted, pinned))
    undefined = [d for d in found if d.undefined] if json_signed else []
    wrong = [d for d in found if not (json_signed and d.undefined)]
    for d in undefined[:MAX_REPORTED]:
        out.warn(WarningCode.JSONLD_UNDEFINED_TERM,
                 f"{d.message}; the {what}'s JSON is what is signed, so it is read as "
                 "written", stage=stage, path=base + d.path)
    if not wrong:
        return Spelling(True, reshaped(dict(doc), compacted, lenient=pinned is None), found)
    for d in wrong[:MAX_REPORTED]:
        out.error(Code.SCHEMA_INVALID, f"not written as its @context writes it (what is checked must be what is "
                  f"signed): {d.message}", stage=stage, path=base + d.path)
    if len(wrong) > MAX_REPORTED:
        out.error(Code.SCHEMA_INVALID, f"{len(wrong) - MAX_REPORTED} more keys or values are not written as the "
                  "@context writes them", stage=stage, path=base or None)
    # the checks read the pinned vocabulary by name: the form under the bundled contexts alone, when it differs
    reading = compacted if pinned is None or not isinstance(pinned, dict) else pinned
    reading.pop("@context", None)
    return Spelling(False, {"@context": doc.get("@context"), **reading}, found)
