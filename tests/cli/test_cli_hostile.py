"""SECURITY.md §15: the CLI on hostile input, under a memory limit and a time limit.

Every hostile fixture case (bombs, lying lengths, XXE, billion laughs, deep nesting …) and a set of hostile
JSON/JWS texts made here must end in exit 1 with exactly one JSON object under 64 KiB on stdout, the expected
code, and no traceback on stderr — in a child process limited to 1 GiB of address space.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
HOSTILE_CODES = {"input_invalid", "unbake_failed"}
LIMIT_AS = 1024 * 1024 * 1024
DEADLINE_S = 60  # a guard against a hang, not a timing assertion


def _hostile_cases() -> list[Path]:
    out = []
    for case in sorted(CASES.iterdir()) if CASES.is_dir() else []:
        exp_path = case / "expected.json"
        if exp_path.is_file():
            expected = json.loads(exp_path.read_text())
            if not expected["valid"] and HOSTILE_CODES & set(expected["codes"]):
                out.append(case)
    return out


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_AS, LIMIT_AS))


def _run(path: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "obverify", "verify", str(path), "--json", "--offline", *extra],
        capture_output=True, timeout=DEADLINE_S, preexec_fn=_limit, check=False,
    )
    stdout = proc.stdout.decode("utf-8")
    assert len(proc.stdout) < 64 * 1024
    assert stdout.count("\n") == 1, stdout[:500]
    return proc.returncode, json.loads(stdout), proc.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("case", _hostile_cases(), ids=lambda p: p.name)
def test_hostile_fixture_case(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    code, report, stderr = _run(
        case / expected["input"], "--documents", str(case / "documents"), "--at", expected["at"]
    )
    assert code == 1
    assert "Traceback" not in stderr
    codes = {e["code"] for e in report["errors"]}  # type: ignore[attr-defined]
    assert set(expected["codes"]) <= codes


def _wide_credential(alignments: int) -> bytes:
    """The signed eddsa-rdfc-2022 fixture with `alignments` more alignments: below the input cap, above what
    pyld's node map can merge in bounded time (its duplicate check is quadratic in a property's values)."""
    case = CASES / "ob3-eddsa-rdfc-valid" / "input.json"
    if not case.is_file():
        return b"{}"
    doc = json.loads(case.read_text())
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": f"t{i}", "targetUrl": f"https://f.example/{i}"}
        for i in range(alignments)
    ]
    return json.dumps(doc).encode()


HOSTILE_TEXTS = {
    "wide-credential.json": _wide_credential(12_000),  # 60,000 values; unbounded, 72 million comparisons
    "deep-array.json": b"[" * 100_000 + b"]" * 100_000,
    "deep-object.json": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "nan.json": b'{"@context": "https://w3id.org/openbadges/v2", "x": NaN}',
    "duplicate-keys.json": b'{"id": "https://a.example/1", "id": "https://b.example/1"}',
    "lone-surrogate.json": b'{"name": "\\ud800"}',
    "utf16.json": '{"a": 1}'.encode("utf-16"),
    "huge-number.json": b'{"n": ' + b"9" * 1_000_000 + b"}",
    "jwe.txt": b"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d",
    "jws-garbage.txt": b"e30.bm90IGpzb24.c2ln",
    "binary.bin": bytes(range(256)) * 64,
    "truncated-png.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00",
    "control-chars.json": b'{"@context": "https://w3id.org/openbadges/v2", "id": "\x1b[31m"}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_hostile_text(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE_TEXTS[name])
    code, report, stderr = _run(path, "--at", "2024-06-01T00:00:00Z")
    assert code == 1
    assert "Traceback" not in stderr
    assert report["valid"] is False
    assert report["errors"]
    assert "\x1b" not in json.dumps(report, ensure_ascii=False)
