"""Hypothesis properties of the OB 3.0 verifier: hostile input yields findings, never an exception.

SECURITY.md checklist: "malformed input yields a finding, never an exception". The strategies build
credential-shaped JSON with arbitrary values in every slot the verifier reads, arbitrary compact tokens, and
arbitrary status-list contents; each run must end in a Report whose verdict is consistent with its errors.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from obverify import DocumentStore
from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._ob3.status import _inflate
from obverify._ob3.verify import verify_ob3

AT = datetime(2026, 1, 1, tzinfo=UTC)
STATUS = "https://status.example/list"

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=30),
                    st.sampled_from(["2025-01-01T00:00:00Z", "did:example:x", "sha256$00", "urn:uuid:1",
                                     "https://x.example/", "VerifiableCredential", "OpenBadgeCredential"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=3)),
                      max_leaves=12)
SLOTS = ["@context", "id", "type", "issuer", "validFrom", "validUntil", "issuanceDate", "expirationDate",
         "credentialSubject", "credentialStatus", "credentialSchema", "proof", "endorsement", "name", "image",
         "verifiableCredential"]


def base() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer"}, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:l", "identifier": [], "achievement": {}},
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusListCredential": STATUS,
                             "statusListIndex": "3", "statusPurpose": "revocation"},
    }


def run(payload: Any, docs: dict[str, bytes] | None = None, recipients: tuple[str, ...] = ()) -> Report:
    out = Collector(Report())
    verify_ob3(RunContext(loader=DocumentStore(docs or {}), at=AT, recipients=recipients, out=out), payload)
    report = out.finish()
    json.loads(report.to_json())
    return report


@given(st.dictionaries(st.sampled_from(SLOTS), values, max_size=6), st.lists(st.text(max_size=20), max_size=2))
def test_any_credential_shape_gives_a_report(changes: dict[str, Any], recipients: list[str]) -> None:
    credential = base()
    credential.update(changes)
    report = run(credential, recipients=tuple(recipients))
    assert report.version == "3.0"
    assert not report.valid  # no proof can verify here
    if "credentialStatus" not in changes:
        assert report.revoked is not False  # the status list is not in the store: never "not revoked"


@given(st.text(max_size=200))
def test_any_token_gives_a_report(token: str) -> None:
    report = run(token)
    assert not report.valid


@given(values, values)
def test_any_jwt_header_and_payload_give_a_report(header: Any, payload: Any) -> None:
    def seg(v: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")

    report = run(f"{seg(header)}.{seg(payload)}.c2ln")
    assert not report.valid


@given(st.binary(max_size=300), st.dictionaries(st.sampled_from(["encodedList", "statusPurpose", "type"]), values,
                                                max_size=3))
def test_any_status_list_is_revoked_false_only_when_read(blob: bytes, subject: dict[str, Any]) -> None:
    listed = {"id": STATUS, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
              "issuer": "did:example:issuer", "credentialSubject": subject}
    report = run(base(), {STATUS: json.dumps(listed).encode(), "https://other.example/": blob})
    # the list carries no proof, so its status can never be established
    assert report.revoked is None
    assert "status_unavailable" in report.codes()


@given(st.binary(max_size=2000), st.integers(0, 70_000))
def test_inflate_never_raises_and_respects_the_cap(blob: bytes, want: int) -> None:
    out, _ = _inflate(blob, want)
    assert out is None or len(out) <= want
