"""Warning codes are an enum beside `Code` (issue 11): `obverify.WarningCode`, documented member by member,
listed in the README, and the only thing the collector's `warn` accepts (a typo fails `mypy --strict`)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import obverify
import obverify.report
from obverify import Code, WarningCode
from obverify._core.report import Collector, Report

ROOT = Path(__file__).resolve().parents[2]
ERRORS_PY = ROOT / "src" / "obverify" / "_core" / "errors.py"


def _readme_table(heading: str) -> list[str]:
    """The first column of the README table whose header row starts with `| heading |`."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"| {heading} |")))
    codes = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        codes.append(line.split("|")[1].strip())
    return codes


def test_readme_tables_list_exactly_the_codes_in_order() -> None:
    assert _readme_table("code") == [c.value for c in Code]
    assert _readme_table("warning code") == [c.value for c in WarningCode]


def test_every_warning_code_is_documented_in_the_enum() -> None:
    tree = ast.parse(ERRORS_PY.read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "WarningCode")
    documented = {
        stmt.targets[0].id  # type: ignore[attr-defined]
        for stmt, after in zip(cls.body, cls.body[1:], strict=False)
        if isinstance(stmt, ast.Assign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
        and isinstance(after.value.value, str) and after.value.value.strip()
    }
    assert documented == set(WarningCode.__members__)


def test_warning_codes_are_public_and_apart_from_error_codes() -> None:
    assert obverify.WarningCode is WarningCode
    assert obverify.report.WarningCode is WarningCode
    assert "WarningCode" in obverify.__all__
    assert "WarningCode" in obverify.report.__all__
    assert not {c.value for c in WarningCode} & {c.value for c in Code}
    assert all(re.fullmatch(r"[a-z0-9_]+", c.value) and c.value == c.name.lower() for c in WarningCode)


def test_the_json_keeps_the_plain_strings() -> None:
    out = Collector(Report())
    out.warn(WarningCode.WEAK_HASH, "md5", stage="recipient", path="/recipient/identity")
    report = out.finish()
    assert type(report.warnings[0].code) is str
    assert report.warnings[0].code == "weak_hash"
    assert json.loads(report.to_json())["warnings"][0]["code"] == "weak_hash"


def test_no_stage_warns_with_a_bare_string() -> None:
    """Every `.warn(` in src/ names a `WarningCode` member (or relays a child report's, converted back)."""
    found = []
    for path in (ROOT / "src" / "obverify").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\.warn\(\s*[\"'fr]", text)]
    assert found == []


@pytest.mark.slow  # a mypy --strict run of its own
def test_a_misspelt_warning_code_fails_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "typo.py").write_text(textwrap.dedent("""
        from obverify import WarningCode
        from obverify._core.report import Collector

        out = Collector()
        out.warn(WarningCode.WEAK_HASH, "fine", stage="recipient")
        out.warn("weak_hsah", "a typo", stage="recipient")
        out.warn(WarningCode.WEAK_HSAH, "a typo", stage="recipient")
    """))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"),
         "--python-executable", sys.executable, "typo.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert 'typo.py:7: error: Argument 1 to "warn" of "Collector" has incompatible type "str"' in out, out
    assert 'typo.py:8: error: "type[WarningCode]" has no attribute "WEAK_HSAH"' in out, out
    assert "typo.py:6:" not in out, out
