"""obverify leaves a host application's pyld as pyld made it, whichever of the two is imported first.

obverify once registered a bare `pyld` package in `sys.modules` (skipping pyld's `__init__` and its network
document loaders), a stand-in `lxml.html`, and replaced pyld's default document loader: a host application
that imported pyld after obverify got a different pyld than one that imported it before. Now every pyld call
of ours passes its own `documentLoader`, and nothing of pyld's or lxml's is rewritten.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"

# Verifies an eddsa-rdfc-2022 credential (expansion + RDFC through pyld), then reports what the process's
# pyld and lxml look like. `pyld_first` decides whether the host imports pyld before or after obverify.
_PROBE = """
import json, sys, types
from pathlib import Path
case = Path(sys.argv[1])
pyld_first = sys.argv[2] == "pyld-first"
if pyld_first:
    import pyld
    loader_before = pyld.jsonld.get_document_loader()
from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime
expected = json.loads((case / "expected.json").read_text())
report = verify((case / expected["input"]).read_bytes(), at=parse_datetime(expected["at"]),
                loader=DocumentStore.from_directory(case / "documents"))
import pyld
import pyld.jsonld
html = sys.modules.get("lxml.html")
print(json.dumps({
    "valid": report.valid,
    "pyld_type": type(sys.modules["pyld"]).__name__,
    "pyld_init_ran": "RequestsDocumentLoader" in vars(pyld),
    "pyld_requests_loader": sys.modules.get("pyld.documentloader.requests") is not None,
    "lxml_html_type": None if html is None else type(html).__name__,
    "lxml_html_file": None if html is None else getattr(html, "__file__", None) is not None,
    "default_loader": type(pyld.jsonld.get_document_loader()).__name__,
    "default_loader_kept": (pyld.jsonld.get_document_loader() is loader_before) if pyld_first else None,
}))
"""


@pytest.mark.parametrize("order", ["obverify-first", "pyld-first"])
def test_pyld_and_lxml_are_the_real_packages_in_either_import_order(order: str) -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(CASES / "ob3-eddsa-rdfc-valid"), order],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["valid"] is True  # the probe really went through pyld's expansion and RDFC
    assert seen["pyld_type"] == "module"
    assert seen["pyld_init_ran"] is True
    assert seen["pyld_requests_loader"] is True
    # pyld.jsonld imports lxml.html itself; it must be lxml's own module, not a stand-in
    assert seen["lxml_html_type"] == "module"
    assert seen["lxml_html_file"] is True
    # pyld's default loader is pyld's own (requests-based), not replaced by obverify
    assert seen["default_loader"] == "RequestsDocumentLoader"
    if order == "pyld-first":
        assert seen["default_loader_kept"] is True


def _verify_case(name: str) -> Any:
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text())
    return verify((case / expected["input"]).read_bytes(), at=parse_datetime(expected["at"]),
                  recipients=expected.get("recipients", ()),
                  loader=DocumentStore.from_directory(case / "documents"))


@pytest.mark.parametrize("name", ["ob3-eddsa-rdfc-valid", "ob2-hosted-valid", "ob2-jsonld-extended-context"])
def test_no_pyld_call_falls_back_to_pyld_default_loader(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON-LD operation passes obverify's guarded loader: pyld's default loader (which fetches with
    requests) is never asked for anything, so leaving it alone opens no second way out to the network."""
    asked: list[str] = []

    def tripwire(url: str, options: Any = None) -> Any:
        asked.append(url)
        raise jsonld.JsonLdError("pyld's default loader was used", "jsonld.LoadDocumentError")

    monkeypatch.setattr(jsonld, "_default_document_loader", tripwire)
    report = _verify_case(name)
    assert asked == []
    expected = json.loads((CASES / name / "expected.json").read_text())
    assert report.valid is expected["valid"]
