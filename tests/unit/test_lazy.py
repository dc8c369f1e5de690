"""`obverify._core.lazy.deferred`: the one helper for the heavy edges' deferred imports.

A stand-in imports its module on the first attribute read and never before; what lands in `sys.modules` is the
real module, imported the normal way (so every other importer gets the real thing); an import error surfaces at
that first read, as a plain import would raise it.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from obverify._core.lazy import Deferred, deferred


def _probe_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    (tmp_path / f"{name}.py").write_text("IMPORTS = []\nIMPORTS.append('imported')\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_nothing_is_imported_until_an_attribute_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "obverify_lazy_probe_a"
    _probe_module(tmp_path, monkeypatch, name)
    stand_in = deferred(name)
    assert isinstance(stand_in, Deferred)
    assert name not in sys.modules
    assert "not imported yet" in repr(stand_in)
    assert stand_in.VALUE == 42
    real = sys.modules[name]
    assert type(real) is types.ModuleType  # the real module, not the stand-in
    assert real.VALUE == 42
    assert "(imported)" in repr(stand_in)


def test_the_module_is_imported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "obverify_lazy_probe_b"
    _probe_module(tmp_path, monkeypatch, name)
    first, second = deferred(name), deferred(name)
    assert first.IMPORTS == ["imported"]
    assert second.IMPORTS == ["imported"]  # a second stand-in finds the module already imported
    assert first.IMPORTS is sys.modules[name].IMPORTS


def test_a_missing_module_fails_at_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    stand_in = deferred("obverify_lazy_probe_missing")
    with pytest.raises(ModuleNotFoundError):
        _ = stand_in.anything
    assert "obverify_lazy_probe_missing" not in sys.modules


def test_a_missing_attribute_is_an_attribute_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "obverify_lazy_probe_c"
    _probe_module(tmp_path, monkeypatch, name)
    with pytest.raises(AttributeError):
        _ = deferred(name).NOT_THERE
