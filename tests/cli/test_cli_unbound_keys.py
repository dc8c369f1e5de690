"""Issue 15 class 12: `--unsafe-accept-unbound-keys`, the one explicit opt-in for keys nothing binds to the issuer."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from obverify import VerificationPolicy, verify
from obverify._core.timeparse import parse_datetime
from obverify._engines.net.store import DocumentStore
from obverify.cli import main

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _argv(case: str, *extra: str) -> list[str]:
    d = CASES / case
    expected = json.loads((d / "expected.json").read_text())
    return ["verify", str(d / expected["input"]), "--documents", str(d / "documents"), "--offline",
            "--at", expected["at"], "--json", *extra]


@pytest.mark.parametrize("case", ["ob3-tol12-jwt-header-jwk", "ob3-tol12-di-did-key-urn-issuer"])
def test_default_refuses_and_the_flag_accepts_with_a_warning(
    case: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="obverify"):
        assert main(_argv(case)) == 1
    report = json.loads(capsys.readouterr().out)
    assert [e["code"] for e in report["errors"]] == ["issuer_mismatch"]
    assert "nothing ties to the issuer" in report["errors"][0]["message"]
    assert not [r for r in caplog.records if r.name == "obverify"]
    with caplog.at_level(logging.WARNING, logger="obverify"):
        assert main(_argv(case, "--unsafe-accept-unbound-keys")) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert "key_unbound" in [w["code"] for w in report["warnings"]]
    logged = [r for r in caplog.records if r.name == "obverify" and r.levelno == logging.WARNING]
    assert logged
    assert "unsafe_accept_unbound_keys" in logged[0].getMessage()


def test_the_opt_in_must_be_exactly_true() -> None:
    """A truthy non-bool (a string from a config file, say "false") never switches the opt-in on: the policy
    refuses it when it is made, and the default refuses the credential."""
    d = CASES / "ob3-tol12-jwt-header-jwk"
    data = (d / "input.jwt").read_bytes()
    at = parse_datetime("2026-01-01T00:00:00Z")
    for value in ("false", 1, "yes"):
        with pytest.raises(TypeError, match="unsafe_accept_unbound_keys"):
            VerificationPolicy(unsafe_accept_unbound_keys=value)  # type: ignore[arg-type]
    report = verify(data, at=at, loader=DocumentStore(), policy=VerificationPolicy())
    assert not report.valid
    assert report.codes() == ["issuer_mismatch"]
