"""`--policy NAME=VALUE` on `obverify verify` and `obverify audit`, and `OBVERIFY_POLICY` for the service:
the same `VerificationPolicy` fields, checked when read (a bad one is a usage error, never a silent default)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from obverify import VerificationPolicy, audit
from obverify._core.timeparse import parse_datetime
from obverify.cli import main
from obverify.service.settings import Settings

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "cases" / "ob2-hosted-valid"
EXPECTED = json.loads((CASE / "expected.json").read_text())


def _argv(*extra: str) -> list[str]:
    return ["verify", str(CASE / "input.json"), "--documents", str(CASE / "documents"), "--offline",
            "--at", EXPECTED["at"], "--recipient", EXPECTED["recipients"][0], "--json", *extra]


def test_verify_policy_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_argv()) == 0
    capsys.readouterr()
    assert main(_argv("--policy", "max_documents=1")) == 1
    report = json.loads(capsys.readouterr().out)
    assert "fetch_failed" in [e["code"] for e in report["errors"]]
    assert main(_argv("--policy", "max_documents=64", "--policy", "require_recipient=true")) == 0


@pytest.mark.parametrize("bad", ["max_documents", "max_documents=-1", "max_documents=many", "nonsense=1",
                                 "require_recipient=maybe", "network=x"])
def test_a_bad_policy_option_is_a_usage_error(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(_argv("--policy", bad))
    assert exit_info.value.code == 2
    assert "--policy" in capsys.readouterr().err


def test_stdin_is_read_up_to_the_policy_s_input_cap(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    data = (CASE / "input.json").read_bytes()
    argv = ["verify", "-", "--documents", str(CASE / "documents"), "--offline", "--at", EXPECTED["at"], "--json"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main([*argv, "--policy", f"max_input_bytes={len(data) - 1}"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in report["errors"]] == ["input_invalid"]


def test_audit_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    at = parse_datetime(EXPECTED["at"])
    results = list(audit([CASE / "input.json"], documents=CASE / "documents", offline=True, at=at, jobs=1,
                         recipients=EXPECTED["recipients"], engine="thread"))
    assert [r.valid for _, r in results] == [True]
    results = list(audit([CASE / "input.json"], documents=CASE / "documents", offline=True, at=at, jobs=1,
                         recipients=EXPECTED["recipients"], engine="thread",
                         policy=VerificationPolicy(max_documents=1)))
    assert [r.valid for _, r in results] == [False]
    argv = ["audit", str(CASE / "input.json"), "--documents", str(CASE / "documents"), "--offline", "--at",
            EXPECTED["at"], "--recipient", EXPECTED["recipients"][0], "--jobs", "1", "--quiet"]
    assert main(argv) == 0
    assert main([*argv, "--policy", "max_documents=1"]) == 1
    capsys.readouterr()


def test_service_policy_setting(tmp_path: Path) -> None:
    from obverify.service.state import ServiceState
    from obverify.service.verifyapi import run_verify

    assert Settings.from_env({}).policy == ()
    settings = Settings.from_env({"OBVERIFY_POLICY": "max_documents=1, require_recipient=true",
                                  "OBVERIFY_DATA": str(tmp_path), "OBVERIFY_OFFLINE": "1",
                                  "OBVERIFY_DOCUMENTS": str(CASE / "documents")})
    assert settings.policy == ("max_documents=1", "require_recipient=true")
    for bad in ("max_documents=-3", "bogus=1", "max_documents"):
        with pytest.raises(ValueError, match="OBVERIFY_POLICY"):
            Settings.from_env({"OBVERIFY_POLICY": bad})
    state = ServiceState(settings)
    try:
        assert state.policy.max_documents == 1
        assert state.policy.require_recipient
        report = asyncio.run(run_verify(state, {"assertion": (CASE / "input.json").read_text(),
                                                "at": EXPECTED["at"], "recipient": EXPECTED["recipients"]}))
        assert "fetch_failed" in report.codes()
    finally:
        state.verifier.close()
        state.engine.dispose()
