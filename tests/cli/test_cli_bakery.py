"""`obverify unbake FILE [--json]` and `obverify bake IMAGE PAYLOAD -o OUT` (DESIGN.md §3, issue 3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import pngkit as k
from obverify import unbake
from obverify.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, MAX_INPUT_BYTES, main

ASSERTION = {"@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/assertions/1",
             "type": "Assertion", "verification": {"type": "hosted"}}
JWT = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>\n'


def test_bake_then_unbake_json_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.png").write_bytes(k.small_png())
    (tmp_path / "a.json").write_text(json.dumps(ASSERTION))
    out = tmp_path / "out.png"
    assert main(["bake", str(tmp_path / "in.png"), str(tmp_path / "a.json"), "-o", str(out)]) == EXIT_OK
    assert main(["unbake", str(out), "--json"]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert (result["ok"], result["image"], result["version"], result["kind"]) == (True, "png", "2.0", "json")
    assert result["location"] == "iTXt openbadges"
    assert json.loads(result["payload"]) == ASSERTION
    assert result["error"] is None


def test_bake_url_and_jwt_into_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in.svg").write_bytes(SVG)
    out = tmp_path / "out.svg"
    assert main(["bake", str(tmp_path / "in.svg"), "https://issuer.example/assertions/1", "-o", str(out)]) == EXIT_OK
    assert unbake(out.read_bytes()).payload == "https://issuer.example/assertions/1"
    (tmp_path / "t.jwt").write_text(JWT + "\n")
    assert main(["bake", str(out), str(tmp_path / "t.jwt"), "-o", str(out)]) == EXIT_OK
    assert main(["unbake", str(out)]) == EXIT_OK
    text = capsys.readouterr().out
    assert text.splitlines() == [JWT]  # the payload alone, so `obverify unbake a.svg > a.jwt` works


def test_unbake_failure_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "plain.png").write_bytes(k.small_png())
    assert main(["unbake", str(tmp_path / "plain.png")]) == EXIT_INVALID
    out, err = capsys.readouterr()
    assert (out, err.startswith("unbake_failed: PNG holds no Open Badges chunk")) == ("", True)
    assert main(["unbake", str(tmp_path / "plain.png"), "--json"]) == EXIT_INVALID
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert "no Open Badges chunk" in result["error"]


def test_unbake_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    data = k.small_png(k.itxt(b"openbadges", JWT.encode()))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["unbake", "-", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["payload"] == JWT


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as missing:
        main(["unbake", str(tmp_path / "nope.png")])
    assert missing.value.code == EXIT_USAGE
    (tmp_path / "x.gif").write_bytes(b"GIF89a")
    with pytest.raises(SystemExit) as not_image:
        main(["bake", str(tmp_path / "x.gif"), "https://a.example/1", "-o", str(tmp_path / "o")])
    assert not_image.value.code == EXIT_USAGE
    assert "neither PNG nor SVG" in capsys.readouterr().err
    (tmp_path / "i.png").write_bytes(k.small_png())
    (tmp_path / "bad.json").write_text("{oops")
    with pytest.raises(SystemExit) as bad_payload:
        main(["bake", str(tmp_path / "i.png"), str(tmp_path / "bad.json"), "-o", str(tmp_path / "o")])
    assert bad_payload.value.code == EXIT_USAGE
    assert not (tmp_path / "o").exists()


def test_input_cap_matches_the_policy() -> None:
    from obverify._core.policy import DEFAULT_POLICY

    assert DEFAULT_POLICY.max_input_bytes == MAX_INPUT_BYTES


def test_unbake_console_entry_prints_the_payload(tmp_path: Path) -> None:
    """The console entry point (`obverify.cli:run`, which also sets up the collector) unbakes in a process of
    its own and exits 0 with the payload; how fast it starts is measured by benchmarks/startup.py."""
    path = tmp_path / "b.png"
    path.write_bytes(k.small_png(k.itxt(b"openbadges", JWT.encode())))
    code = (
        "import sys\n"
        f"sys.argv = ['obverify', 'unbake', {str(path)!r}]\n"
        "from obverify.cli import run\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert JWT in proc.stdout


def test_verify_runs_the_pipeline_on_a_baked_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`obverify verify` on a baked image unbakes it first: a badge-less image is unbake_failed."""
    (tmp_path / "plain.svg").write_bytes(SVG)
    assert main(["verify", str(tmp_path / "plain.svg"), "--offline", "--json"]) == EXIT_INVALID
    report = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in report["errors"]] == ["unbake_failed"]
