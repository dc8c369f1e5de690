"""What a user's tools see of obverify (issue 11): `dir(obverify)` lists exactly the public names, and the
package ships `py.typed`, so a user's `mypy --strict` checks calls against obverify's own annotations."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import obverify

SRC = Path(obverify.__file__).resolve().parent


def test_dir_lists_exactly_the_public_names() -> None:
    code = (
        "import obverify, sys; print(' '.join(dir(obverify)));"
        " print('obverify._orchestration.pipeline' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    names, pipeline_loaded = done.stdout.split("\n")[:2]
    assert names.split() == sorted(obverify.__all__)
    assert "__version__" in names.split()
    assert "importlib" not in names.split()
    assert "_LAZY" not in names.split()
    # listing the names loads nothing: the lazy imports stay lazy
    assert pipeline_loaded == "False"


def test_dir_is_the_same_after_lazy_names_are_loaded() -> None:
    assert obverify.verify is not None
    assert obverify.Report is not None
    errors = importlib.import_module("obverify._core.errors")  # a submodule import adds an attribute, not a public name
    assert obverify._core.errors is errors
    assert dir(obverify) == sorted(obverify.__all__)


def test_py_typed_ships_in_the_package() -> None:
    """hatch puts every file of src/obverify into the wheel; the marker is one of them."""
    assert (SRC / "py.typed").is_file()


GOOD = """
    from datetime import UTC, datetime

    import obverify
    from obverify import URL, DocumentStore, Report, verify

    report: Report = verify(b"{}", loader=DocumentStore(), at=datetime(2024, 1, 1, tzinfo=UTC))
    valid: bool = report.valid
    codes: list[str] = [f.code for f in report.errors]
    url = URL("https://issuer.example/a")
    version: str = obverify.__version__
"""

BAD = """
    from obverify import DocumentStore, verify

    report = verify(b"{}", loader=DocumentStore())
    valid: str = report.valid
    report.no_such_attribute
    report.revoked = True
"""


@pytest.mark.slow  # a mypy --strict run of its own
def test_user_scripts_are_checked_by_mypy_strict(tmp_path: Path) -> None:
    """One mypy run over two user scripts: the correct one is clean, the wrong one fails on exactly its three
    mistakes. Without py.typed both fail alike ("missing library stubs or py.typed marker")."""
    (tmp_path / "good_user.py").write_text(textwrap.dedent(GOOD))
    (tmp_path / "bad_user.py").write_text(textwrap.dedent(BAD))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--python-executable", sys.executable, "good_user.py", "bad_user.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "good_user.py" not in out, out
    assert 'bad_user.py:5: error: Incompatible types in assignment (expression has type "bool"' in out, out
    assert 'bad_user.py:6: error: "Report" has no attribute "no_such_attribute"' in out, out
    assert 'bad_user.py:7: error: Property "revoked" defined in "Report" is read-only' in out, out  # frozen
    assert "missing library stubs or py.typed" not in out, out


def test_entry_functions_stay_functions_after_private_imports() -> None:
    """No module is named like a public function (issue 11: the `_Package` module-class swap is gone), so
    importing the private packages that hold them never turns `obverify.audit` & co. into modules."""
    code = (
        "import types, obverify, obverify._orchestration.audit, obverify._orchestration.bake,"
        " obverify._orchestration.unbake, obverify._orchestration.pipeline, obverify._orchestration.importer,"
        " obverify.report, obverify.policy, obverify.loaders, obverify.importing\n"
        "for name in ('audit', 'bake', 'unbake', 'verify', 'import_badge', 'verify_status_list'):\n"
        "    value = getattr(obverify, name)\n"
        "    assert callable(value) and not isinstance(value, types.ModuleType), (name, value)\n"
        "print(type(obverify).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "module"


def test_facades_re_export_the_public_records() -> None:
    import obverify.importing
    import obverify.loaders
    import obverify.policy
    import obverify.report

    assert obverify.report.Report is obverify.Report
    assert obverify.report.Code is obverify.Code
    assert obverify.policy.NetworkPolicy is obverify.NetworkPolicy
    assert obverify.loaders.HttpLoader is obverify.HttpLoader
    assert obverify.loaders.DocumentStore is obverify.DocumentStore
    assert obverify.importing.import_badge is obverify.import_badge
    for facade in (obverify.report, obverify.policy, obverify.loaders, obverify.importing):
        assert all(hasattr(facade, name) for name in facade.__all__)
