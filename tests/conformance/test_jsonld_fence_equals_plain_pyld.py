"""The pyld fence's contract on the corpus (issue 11): obverify's memoized, subclassed JSON-LD path gives exactly
the output of plain pyld.

obverify does not call pyld the plain way: `_Processor` memoizes processed bundled contexts by identity,
`_Resolver` keys bundled contexts by identity instead of their JCS text, canonicalization goes through
`_BoundedURDNA2015` after its own node-map/graph-to-RDF calls, and one run's expansion is reused by identity of
the document's members. Each is meant to change the cost and nothing else. This test holds them to that on every
JSON-LD document the project and the shared interop corpus hold: fixtures/cases/*/ (inputs, documents/, the
payloads of the JWTs and their `vc` claim) and OBVERIFY_INTEROP_DIR (every .json/.jsonld/.jwt there).

The reference is plain pyld (`jsonld.expand`, `jsonld.normalize` with URDNA2015 and N-Quads output,
`jsonld.compact`) with a document loader that serves the bundled contexts (schemas/contexts/index.json) as fresh
copies and nothing else; obverify runs with a `DocumentStore` holding nothing, so it too has only the bundle (a
fetch-pinned context such as OB v1 is refused by both). Every document runs through obverify twice: once with
every process-wide memo emptied (cold) and once right after, in a new run (warm); both must equal plain pyld.

Where obverify refuses and plain pyld does not, the refusal must be safe mode's (a property the contexts do not
define, a relative IRI: VC Data Integrity §4), checked here on plain pyld's own expansion, or one of obverify's
limits (`check_context_entries`: a context listed twice); where plain pyld fails, obverify must fail too (never
valid by accident).

SHA-384 (RDFC-1.0's hash for ECDSA P-384): plain pyld 3.x cannot choose the hash (`normalize` accepts only the
algorithm name; `URDNA2015.create_hash` is `hashlib.sha256()`), so there is no plain reference. The SHA-384 output
is held to what can be checked against plain pyld: the same quads once blank node labels are erased, as many
distinct blank nodes, and exactly plain pyld's output when the document has no blank nodes.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from obverify import DocumentStore
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.contexts import bundled_context
from obverify._engines.jsonld import (
    JsonLdProcessingError,
    canonize,
    canonize_expanded,
    check_context_entries,
    compact_round_trip,
    expand_safe,
)

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"

# The process-wide memos of the JSON-LD path (emptied for the cold run). Looked up in every loaded module of the
# `obverify._engines.jsonld` package, wherever a refactoring puts them; each must be found, or "cold" means nothing.
MEMOS = ("_SHARED_CACHE", "_PROCESSED", "_TRUSTED", "_BUNDLED_COPIES", "_EXPANDED")

_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
_BLANK = re.compile(r"_:[A-Za-z0-9]+")


def _empty_memos() -> None:
    found: set[str] = set()
    for name, module in list(sys.modules.items()):
        if name == "obverify._engines.jsonld" or name.startswith("obverify._engines.jsonld."):
            for memo in MEMOS:
                value = getattr(module, memo, None)
                if value is not None and hasattr(value, "clear") and memo not in found:
                    value.clear()
                    found.add(memo)
    missing = set(MEMOS) - found
    assert not missing, f"memos not found in obverify._engines.jsonld: {sorted(missing)} (renamed? update MEMOS)"


def _plain_loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """The bundled contexts, a fresh copy each time, and nothing else."""
    bundled = bundled_context(url)
    if bundled is None:
        raise jsonld.JsonLdError(f"{url} is not bundled", "jsonld.LoadDocumentError", code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": copy.deepcopy(bundled)}


def _jwt_payloads(text: str) -> Iterator[tuple[str, Any]]:
    parts = text.strip().split(".")
    if len(parts) != 3:
        return
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return
    yield "#payload", payload
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
        yield "#vc", payload["vc"]


def _documents(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every JSON-LD document (a JSON object with `@context`) in the files under `root`, named by path."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        candidates: list[tuple[str, Any]] = []
        if path.suffix in (".json", ".jsonld"):
            try:
                candidates = [("", json.loads(path.read_bytes()))]
            except ValueError:
                continue
        elif path.suffix == ".jwt":
            candidates = list(_jwt_payloads(path.read_text("utf-8", "replace")))
        for suffix, value in candidates:
            if isinstance(value, dict) and "@context" in value:
                found.append((f"{path.relative_to(root)}{suffix}", value))
    return found


def _ctx() -> RunContext:
    return RunContext(loader=DocumentStore(), at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(),
                      out=Collector(Report()))


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except JsonLdProcessingError as exc:
        return "refused", f"{exc.code}: {exc.message}"


def _obverify(doc: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """One run's results, in a verification's order: the round trip, then expansion and canonicalization (which
    reuse the round trip's expansion within the run)."""
    ctx = _ctx()
    out = {"compact": _outcome(lambda: compact_round_trip(doc, ctx)),
           "expand": _outcome(lambda: expand_safe(doc, ctx)),
           "canonize": _outcome(lambda: canonize(doc, ctx)),
           "canonize384": _outcome(lambda: canonize(doc, ctx, hash_algorithm="sha384"))}
    if out["expand"][0] == "ok":
        out["canonize_expanded"] = _outcome(lambda: canonize_expanded(out["expand"][1], _ctx()))
    return out


def _plain(call: Any) -> tuple[str, Any]:
    try:
        return "ok", call()
    except (jsonld.JsonLdError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return "failed", f"{type(exc).__name__}: {exc}"  # pyld's own errors, and its crashes on odd input


def _unsafe(expanded: Any, dropped: list[Any]) -> bool:
    """Whether plain pyld's expansion shows what safe mode refuses: a dropped property, a relative IRI."""
    if dropped:
        return True
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@id", "@type"):
                    for v in value if isinstance(value, list) else [value]:
                        relative = isinstance(v, str) and not v.startswith("@") and (
                            not _ABSOLUTE.match(v) or v.startswith(getattr(jsonld, "DEFAULT_BASE_IRI", "\0")))
                        if relative:
                            return True
                elif not key.startswith("@") and (key.startswith("_:") or not _ABSOLUTE.match(key)):
                    return True
                elif key != "@value":
                    stack.append(value)
    return False


def _no_labels(nquads: str) -> Counter[str]:
    return Counter(_BLANK.sub("_:", line) for line in nquads.splitlines())


def _compare(name: str, doc: dict[str, Any]) -> None:
    pristine = copy.deepcopy(doc)
    dropped: list[Any] = []
    expanded = _plain(lambda: jsonld.expand(copy.deepcopy(doc), {"documentLoader": _plain_loader},
                                            on_property_dropped=dropped.append))
    nquads = _plain(lambda: jsonld.normalize(copy.deepcopy(doc), {
        "algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _plain_loader}))
    options = {"documentLoader": _plain_loader, "compactArrays": True, "graph": False}
    compacted = _plain(lambda: jsonld.compact(copy.deepcopy(doc), {"@context": doc["@context"]}, options))
    context = doc["@context"]
    entries = context if isinstance(context, list) else [context]
    pinned = [e for e in entries if isinstance(e, str) and bundled_context(e) is not None]
    under_pinned: tuple[str, Any] = ("ok", None)
    if len(pinned) != len(entries) and compacted[0] == "ok":
        # the form under the bundled contexts alone; with none, under no context (an empty object: pyld 3.x fails
        # on the equivalent empty list with a KeyError)
        alone: Any = {"@context": pinned} if pinned else {}
        under_pinned = _plain(lambda: jsonld.compact(copy.deepcopy(doc), alone, options))

    try:  # obverify's own bound on contexts (repeated or too many entries) refuses before pyld runs: stricter
        check_context_entries(doc)
        budget = ""
    except JsonLdProcessingError as exc:
        budget = exc.message

    _empty_memos()
    runs = {"cold": _obverify(doc), "warm": _obverify(doc)}
    assert doc == pristine, f"{name}: obverify changed the document"
    for run, got in runs.items():
        where = f"{name} ({run} memo)"
        # expansion
        if expanded[0] == "failed":
            assert got["expand"][0] == "refused", f"{where}: plain pyld fails ({expanded[1]}), obverify expands"
        elif got["expand"][0] == "refused":
            assert budget or _unsafe(expanded[1], dropped), f"{where}: obverify refuses ({got['expand'][1]}), " \
                "plain pyld expands it, and neither a limit nor anything unsafe in that expansion explains it"
        else:
            assert got["expand"][1] == expanded[1], f"{where}: expansion differs from plain pyld"
            assert got["canonize_expanded"] == ("ok", nquads[1]), f"{where}: canonize_expanded differs from plain"
        # canonicalization (SHA-256): exactly plain pyld whenever safe-mode expansion succeeded
        if got["expand"][0] == "ok":
            assert nquads[0] == "ok", f"{where}: plain pyld cannot normalize ({nquads[1]}), obverify expands"
            assert got["canonize"] == ("ok", nquads[1]), f"{where}: canonical N-Quads differ from plain pyld"
            status, n384 = got["canonize384"]
            assert status == "ok", f"{where}: SHA-384 canonicalization refused: {n384}"
            assert _no_labels(n384) == _no_labels(nquads[1]), f"{where}: SHA-384 quads differ beyond blank labels"
            assert len(set(_BLANK.findall(n384))) == len(set(_BLANK.findall(nquads[1]))), \
                f"{where}: SHA-384 output has another number of blank nodes"
            if not _BLANK.search(nquads[1]):
                assert n384 == nquads[1], f"{where}: SHA-384 differs from plain pyld without any blank node"
        else:
            assert got["canonize"][0] == "refused", f"{where}: canonize accepts what expand_safe refuses"
        # the "checked is signed" round trip
        if budget:
            assert got["compact"][0] == "refused", f"{where}: the round trip ignores obverify's limit ({budget})"
        elif compacted[0] == "failed":
            assert got["compact"][0] == "refused", f"{where}: plain compaction fails ({compacted[1]}), obverify's not"
        else:
            assert got["compact"] == ("ok", (compacted[1], under_pinned[1])), \
                f"{where}: compact round trip differs from plain pyld ({got['compact'][0]})"


def _compare_all(root: Path) -> int:
    """Compare every document under `root`; fail naming each document that differs (all of them, not the first)."""
    documents = _documents(root)
    differences: list[str] = []
    for name, doc in documents:
        try:
            _compare(name, doc)
        except AssertionError as exc:
            differences.append(str(exc).splitlines()[0])
    assert not differences, f"{len(differences)} of {len(documents)} documents differ:\n" + "\n".join(differences)
    return len(documents)


@pytest.mark.slow  # ~8 s here: every fixture document through plain pyld and twice through obverify
def test_fixture_documents_give_plain_pyld_output() -> None:
    compared = _compare_all(CASES)
    assert compared >= 900, f"only {compared} JSON-LD documents found under fixtures/cases"


@pytest.mark.slow
@pytest.mark.interop
def test_interop_documents_give_plain_pyld_output(interop_dir: Path) -> None:
    compared = _compare_all(interop_dir)
    assert compared >= 200, f"only {compared} JSON-LD documents found in {interop_dir}"
