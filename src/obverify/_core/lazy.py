"""Deferred imports, for the few heavy edges of an obverify process and nowhere else.

obverify imports plainly, at the top of each module. A handful of edges lead into a subsystem that many runs
never use and that costs tens of milliseconds to import (whole processes, `benchmarks/startup.py`; README,
"Benchmarks"). There, and only there, the module is named through `deferred`:

    if TYPE_CHECKING:
        from obverify._engines.net import transport
    else:
        transport = deferred("obverify._engines.net.transport")

Type checkers, deptry and the layers contract read the plain import; at run time the name is a stand-in that
imports the module on its first attribute access. The stand-in belongs to the module that holds it: nothing
is put in `sys.modules` but the real module, imported the normal way, so every other importer (a host
application included) gets exactly what it would get without obverify.

The edges (each says at its `deferred` what it defers):

- the HTTP transport, requests and urllib3 (`_engines.net.http`, `_engines.net.policy`): imported on a run's
  first real fetch, not when every document comes from `--documents`, a cache or nowhere;
- JSON-LD processing, pyld (which itself imports requests, lxml and asyncio): only for a document whose
  meaning or proof needs expansion or RDFC, never for an OB 2.0 badge in the plain v2 context;
- jsonschema and referencing, for schemas obverify's own interpreter does not cover;
- the command line's commands: `obverify unbake` never imports the verification pipeline.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Deferred:
    """Stands for the module `name` until an attribute is first read, then imports it and reads from it."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        module = self._module
        if module is None:
            module = importlib.import_module(self._name)
            self._module = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<deferred module {self._name!r} ({state})>"


def deferred(name: str) -> Any:
    """A stand-in for module `name`, imported on first use (see the module docstring for where this is used)."""
    return Deferred(name)


__all__ = ["Deferred", "deferred"]
