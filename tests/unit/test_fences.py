"""Fences around third-party internals (issue 11): every private hook obverify subclasses, calls or patches in
pyld (src/obverify/_engines/jsonld/fence.py) and in requests/urllib3 (src/obverify/_engines/net/transport.py),
named one by one.

An upgrade inside the pinned range that renames, removes or re-signatures one of them fails here, by name,
instead of somewhere deep in a verification (where a renamed `_process_context` would silently lose the
memo, and a renamed `_new_conn` would lose the deadline's socket shutdown). The installed versions must also
lie inside the ranges pyproject.toml pins: the range is what these tests were run against.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]

# (dotted owner, attribute, the parameters obverify passes or overrides, in order; None: not a callable check)
PYLD_HOOKS: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("pyld.jsonld.JsonLdError", "__init__", ("self", "message", "type_", "details", "code")),
    ("pyld.jsonld", "compact", ("input_", "ctx", "options")),
    # _Processor: the memo of processed bundled contexts
    ("pyld.jsonld.JsonLdProcessor", "_process_context",
     ("self", "active_ctx", "local_ctx", "options", "override_protected", "propagate", "validate_scoped", "cycles")),
    # to_rdf without a second expansion
    ("pyld.jsonld.JsonLdProcessor", "_create_node_map", ("self", "input_", "graph_map", "active_graph", "issuer")),
    ("pyld.jsonld.JsonLdProcessor", "_graph_to_rdf", ("self", "graph", "issuer", "options")),
    # _Resolver: bundled contexts keyed by identity
    ("pyld.context_resolver.ContextResolver", "resolve", ("self", "active_ctx", "context", "base", "cycles")),
    ("pyld.context_resolver.ContextResolver", "_get", ("self", "key")),
    ("pyld.context_resolver.ContextResolver", "_cache_resolved_context", ("self", "key", "resolved", "tag")),
    ("pyld.resolved_context", "ResolvedContext", ("document",)),
    ("pyld.identifier_issuer", "IdentifierIssuer", ("prefix",)),
    # _BoundedURDNA2015: RDFC-1.0 with a work limit
    ("pyld.canon.URDNA2015", "__init__", ("self",)),
    ("pyld.canon.URDNA2015", "create_hash", ("self",)),
    ("pyld.canon.URDNA2015", "hash_n_degree_quads", ("self", "id_", "issuer")),
    ("pyld.canon.URDNA2015", "create_hash_to_related", ("self", "id_", "issuer")),
    ("pyld.canon.URDNA2015", "main", ("self", "dataset", "options")),
]

HTTP_HOOKS: list[tuple[str, str, tuple[str, ...] | None]] = [
    # _PinnedAdapter: connect to the checked address, keep the name for SNI and the certificate check
    ("requests.adapters.HTTPAdapter", "get_connection_with_tls_context",
     ("self", "request", "verify", "proxies", "cert")),
    ("requests.adapters.HTTPAdapter", "build_connection_pool_key_attributes", ("self", "request", "verify", "cert")),
    ("requests.adapters.HTTPAdapter", "send", ("self", "request", "stream", "timeout", "verify", "cert", "proxies")),
    # the pool's private connection factory, wrapped so the deadline can shut its sockets down
    ("urllib3.connectionpool.HTTPConnectionPool", "_new_conn", ("self",)),
    ("urllib3.connectionpool.HTTPSConnectionPool", "_new_conn", ("self",)),
    # pool keyword arguments the adapter sets for https
    ("urllib3.connectionpool.HTTPSConnectionPool", "__init__", ("server_hostname", "assert_hostname")),
    # the body read a chunk at a time, undecoded (_RequestsWire.read1)
    ("urllib3.response.HTTPResponse", "read1", ("self", "amt", "decode_content")),
    ("urllib3.response.HTTPResponse", "connection", None),
    ("urllib3.exceptions", "ReadTimeoutError", None),
    ("urllib3.exceptions", "ProtocolError", None),
]


def _resolve(dotted: str) -> Any:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            owner = getattr(owner, name)
        return owner
    raise ImportError(dotted)


def _check(owner_name: str, attribute: str, params: tuple[str, ...] | None) -> None:
    import obverify._engines.jsonld  # noqa: F401 - pyld imported the way obverify imports it

    owner = _resolve(owner_name)
    hook = f"{owner_name}.{attribute}"
    # On a class, the hook must be the class's own: a base class's version is not the implementation obverify
    # relies on (urllib3's BaseHTTPResponse.read1 and requests' BaseAdapter.send only raise NotImplementedError).
    own = attribute in vars(owner) if inspect.isclass(owner) else hasattr(owner, attribute)
    inherited = [k.__qualname__ for k in owner.__mro__[1:] if attribute in vars(k)] if inspect.isclass(owner) else []
    assert own, f"{hook} is gone: obverify relies on it (see tests/unit/test_fences.py)" + (
        f"; only inherited now, from {inherited[0]}" if inherited else "")
    if params is None:
        return
    value = inspect.getattr_static(owner, attribute)
    target = value if not isinstance(value, staticmethod | classmethod) else value.__func__
    actual = list(inspect.signature(target).parameters)
    if attribute == "__init__" and params and params[0] != "self":
        missing = [p for p in params if p not in actual and "conn_kw" not in actual]
        assert not missing, f"{hook} no longer takes {missing}: {actual}"
        return
    assert actual[: len(params)] == list(params), f"{hook} changed its parameters: {actual}, obverify uses {params}"


@pytest.mark.parametrize(("owner", "attribute", "params"), PYLD_HOOKS, ids=[f"{o}.{a}" for o, a, _ in PYLD_HOOKS])
def test_pyld_hook(owner: str, attribute: str, params: tuple[str, ...] | None) -> None:
    _check(owner, attribute, params)


@pytest.mark.parametrize(("owner", "attribute", "params"), HTTP_HOOKS, ids=[f"{o}.{a}" for o, a, _ in HTTP_HOOKS])
def test_http_hook(owner: str, attribute: str, params: tuple[str, ...] | None) -> None:
    _check(owner, attribute, params)


def _pins() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    return {r.name.lower(): r for r in reqs}


@pytest.mark.parametrize("package", ["pyld", "requests", "urllib3"])
def test_installed_version_is_inside_the_pinned_range(package: str) -> None:
    requirement = _pins()[package]
    assert requirement.specifier, f"{package} has no upper bound in pyproject.toml: {requirement}"
    assert any(s.operator in ("<", "<=", "~=", "==") for s in requirement.specifier), requirement
    installed = importlib.metadata.version(package)
    assert requirement.specifier.contains(installed, prereleases=True), f"{package} {installed} outside {requirement}"


# --- the fence fails by name: the checker run against a renamed hook -----------------------------------------------


def _entry(table: list[tuple[str, str, tuple[str, ...] | None]], owner: str, attribute: str) -> tuple[str, ...] | None:
    return next(p for o, a, p in table if (o, a) == (owner, attribute))


@pytest.mark.parametrize(("table", "owner", "attribute", "inherited_from"), [
    (PYLD_HOOKS, "pyld.jsonld.JsonLdProcessor", "_process_context", None),
    (PYLD_HOOKS, "pyld.context_resolver.ContextResolver", "_cache_resolved_context", None),
    (HTTP_HOOKS, "urllib3.connectionpool.HTTPConnectionPool", "_new_conn", None),
    (HTTP_HOOKS, "urllib3.response.HTTPResponse", "read1", "BaseHTTPResponse"),
], ids=["pyld-_process_context", "pyld-_cache_resolved_context", "urllib3-_new_conn", "urllib3-read1"])
def test_a_renamed_hook_fails_by_name(monkeypatch: pytest.MonkeyPatch, table: list[Any], owner: str,
                                      attribute: str, inherited_from: str | None) -> None:
    """An upgrade that renames a pinned hook fails the fence with the hook's full name, not later as a lost memo
    or a deadline that no longer closes sockets. The owner is replaced, where obverify finds it, by a stand-in
    of the same name and bases that has the hook under another name: the installed version does not matter.
    A hook still inherited from a base class counts as gone (urllib3's BaseHTTPResponse.read1 only raises)."""
    module_name, _, class_name = owner.rpartition(".")
    cls = _resolve(owner)
    renamed = type(class_name, cls.__bases__, {f"{attribute}_renamed": lambda self: None})
    monkeypatch.setattr(importlib.import_module(module_name), class_name, renamed)
    with pytest.raises(AssertionError) as failure:
        _check(owner, attribute, _entry(table, owner, attribute))
    message = str(failure.value).splitlines()[0]  # pytest appends its own explanation below
    assert message.startswith(f"{owner}.{attribute} is gone: obverify relies on it"), message
    if inherited_from is not None:
        assert message.endswith(f"only inherited now, from {inherited_from}"), message


def test_a_hook_with_other_parameters_fails_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hook that keeps its name but takes other parameters (obverify's override would be called wrong)."""
    owner, attribute = "pyld.canon.URDNA2015", "hash_n_degree_quads"
    cls = _resolve(owner)

    def hash_n_degree_quads(self: Any, identifier: Any, issuer: Any, options: Any = None) -> Any:
        raise NotImplementedError

    monkeypatch.setattr(cls, attribute, hash_n_degree_quads)
    with pytest.raises(AssertionError) as failure:
        _check(owner, attribute, _entry(PYLD_HOOKS, owner, attribute))
    assert str(failure.value).startswith(f"{owner}.{attribute} changed its parameters: ['self', 'identifier',")
