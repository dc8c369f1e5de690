"""The README's `$ obverify ...` examples are real output: each is run again and must print exactly what is shown.

Issue 17 asks the README to show a real run of a valid and a revoked badge; this keeps the copy honest as the
human view changes.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from obverify.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _examples() -> list[tuple[list[str], str]]:
    """(argv after `obverify`, expected stdout) for every indented `$ obverify` block of the README."""
    lines = (ROOT / "README.md").read_text().splitlines()
    out: list[tuple[list[str], str]] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("    $ obverify "):
            i += 1
            continue
        command = lines[i][len("    $ "):]
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        shown: list[str] = []
        while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()) \
                and not lines[i].startswith("    $ "):
            shown.append(lines[i][4:])
            i += 1
        while shown and not shown[-1]:
            shown.pop()
        out.append((shlex.split(command)[1:], "\n".join(shown) + "\n"))
    return out


def test_the_readme_has_examples_of_a_valid_and_a_revoked_badge() -> None:
    firsts = [expected.splitlines()[0] for _, expected in _examples()]
    assert any(line.startswith("Genuine Open Badge") for line in firsts)
    assert "NOT VALID: the issuer has revoked this badge" in firsts


def _id(value: object) -> str:
    return " ".join(value)[:60] if isinstance(value, list) else ""


@pytest.mark.parametrize(("argv", "expected"), _examples(), ids=_id)
def test_readme_example_is_real_output(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    main(argv)  # exit 1 for the revoked examples: returned, not raised
    assert capsys.readouterr().out == expected
