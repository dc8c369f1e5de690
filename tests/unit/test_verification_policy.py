"""`VerificationPolicy` (issue 11): every limit of README's security section is a field with that default, and
changing each one changes what a real verification reports; the object is frozen, checked when made, and
every `unsafe_*` option in force is logged. A raised limit admits what its field names and nothing else.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from obverify import URL, DocumentStore, NetworkPolicy, Report, VerificationPolicy, verify, verify_status_list
from obverify._core.loader import Document
from obverify._core.policy import DEFAULT_POLICY, LIMITS, SWITCHES, parse_options, policy_of
from obverify._core.timeparse import parse_datetime

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
MiB = 1024 * 1024


def case(name: str) -> tuple[bytes, dict[str, Any], DocumentStore]:
    """A fixture case's input bytes, its expected.json and a fresh store of its documents."""
    d = CASES / name
    expected = json.loads((d / "expected.json").read_text())
    store = DocumentStore.from_directory(d / "documents") if (d / "documents").is_dir() else DocumentStore()
    return (d / expected["input"]).read_bytes(), expected, store


def run(name: str, policy: VerificationPolicy | None = None, *, data: bytes | None = None,
        wrap: Callable[[Any], Any] | None = None) -> Report:
    raw, expected, store = case(name)
    loader = wrap(store) if wrap is not None else store
    return verify(raw if data is None else data, recipients=expected.get("recipients", ()),
                  at=parse_datetime(expected["at"]), loader=loader, policy=policy)


def messages(report: Report) -> str:
    return "\n".join(f.message for f in [*report.errors, *report.warnings])


# --- the README table is the contract ---------------------------------------------------------------------


def _readme_table() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("### VerificationPolicy fields", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"^\| `([a-z0-9_.]+)` \| ([^|]+) \|", line)
        if m:
            rows[m.group(1)] = m.group(2).strip()
    return rows


def _number(text: str) -> object:
    if text in ("true", "false"):
        return text == "true"
    if text == "none":
        return None
    m = re.fullmatch(r"([\d,.]+)( MiB| s)?", text)
    assert m, f"cannot read the README default {text!r}"
    value = float(m.group(1).replace(",", "")) if m.group(2) == " s" else int(m.group(1).replace(",", ""))
    return value * MiB if m.group(2) == " MiB" else value


def test_the_readme_table_lists_every_field_with_its_default() -> None:
    rows = _readme_table()
    fields = {name for name in VerificationPolicy.FIELDS if name != "network"}
    assert fields <= set(rows), f"fields missing from README: {sorted(fields - set(rows))}"
    network = NetworkPolicy()
    for name, shown in rows.items():
        if name.startswith("network."):
            assert getattr(network, name.removeprefix("network.")) == _number(shown), name
        else:
            assert name in VerificationPolicy.FIELDS, f"README lists {name}, which is no field"
            assert getattr(DEFAULT_POLICY, name) == _number(shown), name
    for name in ("max_bytes", "connect_timeout_s", "read_timeout_s", "deadline_s", "max_redirects"):
        assert f"network.{name}" in rows  # the network policy's limits, where they live


def test_the_security_prose_states_the_same_figures() -> None:
    """The prose of README "Security model" names these defaults in words; a changed default must change it."""
    text = (ROOT / "README.md").read_text().split("## Security model", 1)[1].split("\n## ", 1)[0]
    p = DEFAULT_POLICY
    for phrase in (f"at most {p.max_documents} documents per verification",
                   f"Input: {p.max_input_bytes // MiB} MiB, JSON nested at most {p.max_json_depth} deep",
                   f"past {p.max_json_values:,}", f"more than {p.max_context_entries} entries",
                   f"at most {p.max_jsonld_values:,} JSON values", f"more than {p.max_node_map_comparisons:,} value",
                   f"up to {p.max_endorsements} endorsements", f"past {p.max_rdfc_steps:,} for a document",
                   f"({p.rdfc_steps_per_verification:,}",
                   f"at most {p.max_errors} errors and {p.max_warnings} warnings"):
        assert phrase in text, phrase
    assert p.jsonld_values_per_verification == 2 * p.max_jsonld_values  # "twice those amounts in all"
    assert p.node_map_comparisons_per_verification == 2 * p.max_node_map_comparisons


def test_no_fixed_format_rule_is_left_in_the_prose() -> None:
    """The length rules of formats are fields now: the prose names them as fields and states no fixed figure."""
    text = (ROOT / "README.md").read_text().split("## Security model", 1)[1].split("\n## ", 1)[0]
    for phrase in ("stay fixed", "outside the policy", "Not policy fields", "more than 1,024 bytes",
                   "more than 4,096 characters", "16,384 in base64url"):
        assert phrase not in text, phrase
    for name in ("max_jws_chars", "max_jws_header_bytes", "max_multibase_chars"):
        assert f"`{name}`" in text


# --- the object itself --------------------------------------------------------------------------------------


def test_frozen() -> None:
    policy = VerificationPolicy()
    with pytest.raises(AttributeError, match="frozen"):
        policy.max_documents = 1
    with pytest.raises(AttributeError):
        del policy.max_documents
    with pytest.raises(AttributeError):
        policy.anything = 1
    assert policy.max_documents == 32


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_limit_below_its_floor_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        DEFAULT_POLICY.replace(**{name: -1})
    with pytest.raises(TypeError, match=name):
        DEFAULT_POLICY.replace(**{name: "10"})
    with pytest.raises(TypeError, match=name):
        DEFAULT_POLICY.replace(**{name: True})  # a bool is no number here


def test_nonsense_numbers_are_refused() -> None:
    for bad in (0, 0.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="max_seconds"):
            VerificationPolicy(max_seconds=bad)
    for name in ("max_input_bytes", "max_json_values", "max_json_depth", "max_context_entries"):
        with pytest.raises(ValueError, match=name):
            DEFAULT_POLICY.replace(**{name: 0})
    with pytest.raises(TypeError, match="max_documents"):
        VerificationPolicy(max_documents=2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="network"):
        VerificationPolicy(network={"max_bytes": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        VerificationPolicy(max_document=3)  # type: ignore[call-arg]


@pytest.mark.parametrize("name", sorted(SWITCHES))
def test_a_switch_must_be_a_bool(name: str) -> None:
    for value in ("false", 1, None):
        with pytest.raises(TypeError, match=name):
            DEFAULT_POLICY.replace(**{name: value})


def test_value_semantics_replace_and_pickle() -> None:
    policy = VerificationPolicy(max_documents=5, network=NetworkPolicy(max_redirects=1))
    assert policy == VerificationPolicy(max_documents=5, network=NetworkPolicy(max_redirects=1))
    assert hash(policy) == hash(VerificationPolicy(max_documents=5, network=NetworkPolicy(max_redirects=1)))
    assert policy != DEFAULT_POLICY
    assert policy.replace(max_documents=32, network=None) == DEFAULT_POLICY
    assert pickle.loads(pickle.dumps(policy)) == policy  # noqa: S301 - our own bytes; the audit's worker processes receive it
    assert repr(DEFAULT_POLICY) == "VerificationPolicy()"
    assert "max_documents=5" in repr(policy)
    with pytest.raises(ValueError, match="max_errors"):
        policy.replace(max_errors=-5)
    with pytest.raises(TypeError, match="no field"):
        policy.replace(max_docs=1)


def test_policy_of() -> None:
    net = NetworkPolicy(max_redirects=2)
    assert policy_of(None) is DEFAULT_POLICY
    assert policy_of(net) == VerificationPolicy(network=net)
    assert policy_of(DEFAULT_POLICY) is DEFAULT_POLICY
    with pytest.raises(TypeError, match="VerificationPolicy or a NetworkPolicy"):
        policy_of({"max_documents": 1})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        verify(b"{}", policy="strict")  # type: ignore[arg-type]


def test_parse_options() -> None:
    policy = parse_options(["max_documents=64", "max_seconds=2.5", "allow_remote_contexts=true"])
    assert (policy.max_documents, policy.max_seconds, policy.allow_remote_contexts) == (64, 2.5, True)
    for bad in (["max_documents"], ["network=1"], ["max_documents=lots"], ["require_recipient=yes"],
                ["max_documents=-1"], ["nonsense=1"]):
        with pytest.raises(ValueError, match=r"NAME=VALUE|takes|must be"):
            parse_options(bad)


# --- unsafe options are logged ------------------------------------------------------------------------------


@pytest.mark.parametrize(("policy", "named"), [
    (VerificationPolicy(unsafe_accept_unbound_keys=True), "unsafe_accept_unbound_keys"),
    (VerificationPolicy(network=NetworkPolicy(unsafe_allow_loopback=True)), "unsafe_allow_loopback"),
    (VerificationPolicy(network=NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", 8080)}))),
     "unsafe_allow_addresses"),
])
def test_every_unsafe_option_logs_a_warning(policy: VerificationPolicy, named: str,
                                            caplog: pytest.LogCaptureFixture) -> None:
    """Once per verification: the policy's own options by the run, its network's by the default HTTP loader the
    run makes with them (this did:key credential needs no document, so nothing is fetched)."""
    raw, expected, _ = case("ob3-eddsa-rdfc-valid")
    with caplog.at_level(logging.WARNING, logger="obverify"):
        report = verify(raw, at=parse_datetime(expected["at"]), policy=policy)
    assert report.valid
    logged = [r for r in caplog.records if r.name == "obverify" and r.levelno == logging.WARNING]
    assert len(logged) == 1
    assert named in logged[0].getMessage()


def test_an_http_loader_made_with_an_unsafe_option_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    from obverify import HttpLoader

    with caplog.at_level(logging.WARNING, logger="obverify"):
        HttpLoader()
        HttpLoader(NetworkPolicy(max_redirects=1))
    assert not caplog.records
    with caplog.at_level(logging.WARNING, logger="obverify"):
        HttpLoader(NetworkPolicy(unsafe_allow_loopback=True))
    assert ["unsafe_allow_loopback" in r.getMessage() for r in caplog.records] == [True]


def test_every_unsafe_field_is_covered_by_the_log_test() -> None:
    unsafe = [name for name in SWITCHES if name.startswith("unsafe_")]
    assert unsafe == ["unsafe_accept_unbound_keys"]
    assert {f for f in NetworkPolicy.__dataclass_fields__ if f.startswith("unsafe_")} == {
        "unsafe_allow_loopback", "unsafe_allow_addresses"}


def test_a_safe_policy_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    raw, expected, store = case("ob3-eddsa-rdfc-valid")
    with caplog.at_level(logging.DEBUG, logger="obverify"):
        verify(raw, at=parse_datetime(expected["at"]), loader=store,
               policy=VerificationPolicy(max_documents=64, allow_remote_contexts=True))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- each field changes what a real verification reports ---------------------------------------------------


class Slow:
    """A loader taking 50 ms per document (the deadline test needs time to pass; no timing is asserted)."""

    def __init__(self, inner: DocumentStore) -> None:
        self.inner = inner

    def load(self, url: str, *, accept: str | None = None) -> Document:
        time.sleep(0.05)
        return self.inner.load(url, accept=accept)


def test_max_documents() -> None:
    assert run("ob2-hosted-valid").valid  # four documents
    report = run("ob2-hosted-valid", VerificationPolicy(max_documents=1))
    assert not report.valid
    assert "fetch_failed" in report.codes()
    assert "more than 1 documents in one verification" in messages(report)


def test_max_document_bytes() -> None:
    report = run("ob2-hosted-valid", VerificationPolicy(max_document_bytes=200))
    assert not report.valid
    assert "document larger than 200 bytes" in messages(report)


def test_max_seconds() -> None:
    assert run("ob2-hosted-valid", wrap=Slow).valid
    report = run("ob2-hosted-valid", VerificationPolicy(max_seconds=0.01), wrap=Slow)
    assert not report.valid
    assert "verification deadline exceeded" in messages(report)


def test_max_input_bytes() -> None:
    raw, _, _ = case("ob3-eddsa-rdfc-valid")
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_input_bytes=len(raw) - 1))
    assert report.codes() == ["input_invalid"]
    assert f"input larger than {len(raw) - 1} bytes" in messages(report)
    assert run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_input_bytes=len(raw))).valid


def test_max_input_bytes_raised_admits_exactly_a_larger_input() -> None:
    """The attack pair: the same signed credential padded past 16 MiB with JSON whitespace. The default refuses
    it; a raised cap admits it, and it is then judged like the unpadded one (valid: its proof holds)."""
    raw, _, _ = case("ob3-eddsa-rdfc-valid")
    padded = raw.rstrip() + b" " * (16 * MiB + 1 - len(raw.rstrip()))
    assert run("ob3-eddsa-rdfc-valid", data=padded).codes() == ["input_invalid"]
    assert run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_input_bytes=17 * MiB), data=padded).valid
    tampered = padded.replace(b'"validFrom"', b'"validFrom" ', 1).replace(b"2025", b"2024", 1)
    assert not run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_input_bytes=17 * MiB), data=tampered).valid


def _png_with_compressed_text(png: bytes, text: bytes) -> bytes:
    """`png` with its badge chunk replaced by a compressed OB 2.0 iTXt `openbadges` chunk holding `text`."""
    import struct
    import zlib

    out, pos = [png[:8]], 8
    while pos < len(png):
        length, ctype = struct.unpack_from(">I4s", png, pos)
        end = pos + 12 + length
        if not (ctype in (b"iTXt", b"tEXt", b"zTXt") and png[pos + 8:pos + 8 + length].startswith(b"openbadges\0")):
            out.append(png[pos:end])
        if ctype == b"IHDR":
            body = b"openbadges\0\x01\x00\0\0" + zlib.compress(text, 9)
            out.append(struct.pack(">I", len(body)) + b"iTXt" + body
                       + struct.pack(">I", zlib.crc32(b"iTXt" + body)))
        pos = end
    return b"".join(out)


def test_max_image_bytes() -> None:
    from obverify import unbake

    raw, _, _ = case("ob2-baked-png-itxt")
    report = run("ob2-baked-png-itxt", VerificationPolicy(max_image_bytes=len(raw) - 1))
    assert report.codes() == ["unbake_failed"]
    assert f"image larger than {len(raw) - 1} bytes" in messages(report)
    assert run("ob2-baked-png-itxt", VerificationPolicy(max_image_bytes=len(raw))).valid
    assert not unbake(raw, policy=VerificationPolicy(max_image_bytes=len(raw) - 1)).ok
    assert unbake(raw, policy=VerificationPolicy(max_image_bytes=len(raw))).ok
    svg, _, _ = case("ob2-baked-svg-cdata")
    assert run("ob2-baked-svg-cdata", VerificationPolicy(max_image_bytes=len(svg) - 1)).codes() == ["unbake_failed"]
    assert run("ob2-baked-svg-cdata", VerificationPolicy(max_image_bytes=len(svg))).valid


def test_max_image_bytes_bounds_a_gunzipped_svg_and_bake() -> None:
    import gzip

    from obverify import bake, unbake

    svg, _, _ = case("ob2-baked-svg-cdata")
    svgz = gzip.compress(svg, mtime=0)
    assert unbake(svgz).ok
    small = VerificationPolicy(max_image_bytes=len(svg) - 1)  # the gzip stream fits, what it inflates to not
    assert len(svgz) < len(svg) - 1
    assert "inflates past" in (unbake(svgz, policy=small).error or "")
    payload = unbake(svg).payload
    assert payload is not None
    with pytest.raises(ValueError, match="does not read back"):
        bake(svg, payload, policy=VerificationPolicy(max_image_bytes=len(svg) // 2))


def test_max_baked_text_bytes_raised_admits_exactly_longer_text() -> None:
    """The attack triple: a valid RS256-signed assertion baked as compressed text padded past 1 MiB with
    whitespace (a few kB compressed). The default refuses it; a raised cap admits it and judges it like the
    unpadded one (valid: its signature holds); the same padding around a tampered token is still invalid."""
    png, _, _ = case("ob2-baked-png-itxt-compressed")
    token, _, _ = case("ob2-signed-rs256-valid")
    token = token.strip()
    pad = b" " * (MiB + 1 - len(token))
    padded = _png_with_compressed_text(png, token + pad)
    assert len(padded) < 10_000
    report = run("ob2-signed-rs256-valid", data=padded)
    assert report.codes() == ["unbake_failed"]
    assert f"inflates past the {MiB}-byte limit" in messages(report)
    assert run("ob2-signed-rs256-valid", data=_png_with_compressed_text(png, token)).valid
    raised = VerificationPolicy(max_baked_text_bytes=MiB + 1)
    assert run("ob2-signed-rs256-valid", raised, data=padded).valid
    head, body, sig = token.split(b".")
    flipped = sig[:20] + (b"A" if sig[20:21] != b"A" else b"B") + sig[21:]
    tampered = b".".join((head, body, flipped))
    report = run("ob2-signed-rs256-valid", raised, data=_png_with_compressed_text(png, tampered + pad))
    assert not report.valid
    assert "proof_invalid" in report.codes()


def test_max_json_values_and_depth() -> None:
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_json_values=10))
    assert report.codes() == ["input_invalid"]
    assert "more than 10 values" in messages(report)
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_json_depth=2))
    assert report.codes() == ["input_invalid"]
    assert "nested deeper than 2 levels" in messages(report)
    # fetched documents are read under the same caps: the OB 2.0 badge class, issuer and key
    report = run("ob2-hosted-valid", VerificationPolicy(max_json_depth=2))  # the input is 2 deep, one document 3
    assert not report.valid
    assert "fetch_failed" in report.codes()
    assert "nested deeper than 2 levels" in messages(report)


def test_max_json_values_for_a_mapping_and_a_status_list() -> None:
    raw, expected, store = case("ob3-eddsa-rdfc-valid")
    value = json.loads(raw)
    assert verify(value, at=parse_datetime(expected["at"]), loader=store).valid
    report = verify(value, at=parse_datetime(expected["at"]), loader=store,
                    policy=VerificationPolicy(max_json_values=5))
    assert report.codes() == ["input_invalid"]
    _, expected, store = case("ob3-status-bitstring-ok")
    listed = (CASES / "ob3-status-bitstring-ok" / "documents" / "doc00.json").read_bytes()
    at = parse_datetime(expected["at"])
    base = verify_status_list(listed, at=at, loader=store)
    small = verify_status_list(listed, at=at, loader=store, policy=VerificationPolicy(max_input_bytes=10))
    assert "input_invalid" not in base.codes()
    assert small.codes() == ["input_invalid"]


def test_max_indirections() -> None:
    _, expected, store = case("ob2-hosted-valid")
    url = json.loads(case("ob2-hosted-valid")[0])["id"].encode()
    at = parse_datetime(expected["at"])
    assert verify(url, at=at, loader=store, recipients=expected["recipients"]).valid  # a URL as bytes: fetched
    report = verify(url, at=at, loader=store, policy=VerificationPolicy(max_indirections=0))
    assert report.codes() == ["input_invalid"]
    assert "too many levels of indirection" in messages(report)


def test_max_context_entries() -> None:
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_context_entries=1))
    assert not report.valid
    assert "context_invalid" in report.codes()
    assert "more than 1 @context entries" in messages(report)


def test_max_remote_contexts_and_the_context_trust_switches() -> None:
    """ob3-spelling-jcs-status-alias holds its one non-bundled context in its store."""
    assert sorted(run("ob3-spelling-jcs-status-alias").codes()) == ["revoked", "schema_invalid"]
    for policy in (VerificationPolicy(max_remote_contexts=0), VerificationPolicy(trust_store_contexts=False)):
        report = run("ob3-spelling-jcs-status-alias", policy)
        assert "context_invalid" in report.codes(), policy
        assert not report.valid
    # allow_remote_contexts admits it again even where the store is not trusted as such
    report = run("ob3-spelling-jcs-status-alias",
                 VerificationPolicy(trust_store_contexts=False, allow_remote_contexts=True))
    assert sorted(report.codes()) == ["revoked", "schema_invalid"]


def test_allow_remote_contexts_reaches_a_plain_loader() -> None:
    """A loader that is no DocumentStore: its contexts are used only under allow_remote_contexts."""
    class Plain:
        def __init__(self, inner: DocumentStore) -> None:
            self.store = inner  # deliberately not `inner`: nothing marks it as a store

        def load(self, url: str, *, accept: str | None = None) -> Document:
            return self.store.load(url, accept=accept)

    assert "context_invalid" in run("ob3-spelling-jcs-status-alias", wrap=Plain).codes()
    report = run("ob3-spelling-jcs-status-alias", VerificationPolicy(allow_remote_contexts=True), wrap=Plain)
    assert sorted(report.codes()) == ["revoked", "schema_invalid"]


@pytest.mark.parametrize(("field", "value", "words"), [
    ("max_jsonld_values", 20, "more than 20 JSON values"),
    ("jsonld_values_per_verification", 20, "together hold more than 20 values"),
    ("max_node_map_comparisons", 0, "value comparisons (obverify's limit is 0"),
    ("node_map_comparisons_per_verification", 0, "together need more than 0 value comparisons"),
])
def test_json_ld_work_limits(field: str, value: int, words: str) -> None:
    assert run("ob3-eddsa-rdfc-valid").valid
    report = run("ob3-eddsa-rdfc-valid", DEFAULT_POLICY.replace(**{field: value}))
    assert not report.valid
    assert words in messages(report)


def _alike_blank_nodes() -> bytes:
    """The signed eddsa-rdfc-2022 credential with three alignments that RDFC-1.0 can tell apart only by
    Hash N-Degree Quads (the signature no longer holds: the default reports just that)."""
    raw, _, _ = case("ob3-eddsa-rdfc-valid")
    doc = json.loads(raw)
    doc = copy.deepcopy(doc)
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "t", "targetUrl": "https://f.example/"}] * 3
    return json.dumps(doc).encode()


@pytest.mark.parametrize("field", ["max_rdfc_steps", "rdfc_steps_per_verification"])
def test_rdfc_step_limits(field: str) -> None:
    data = _alike_blank_nodes()
    base = run("ob3-eddsa-rdfc-valid", data=data)
    assert [e.message for e in base.errors] == ["eddsa-rdfc-2022: signature does not verify"]
    report = run("ob3-eddsa-rdfc-valid", DEFAULT_POLICY.replace(**{field: 1}), data=data)
    assert "canonicalizing the document would take more than" in messages(report)
    assert "signature does not verify" not in messages(report)


def test_max_presented_credentials() -> None:
    raw, _, _ = case("ob3-presentation")
    presentation = json.loads(raw)
    presentation["verifiableCredential"] = presentation["verifiableCredential"] * 2
    data = json.dumps(presentation).encode()
    assert run("ob3-presentation", data=data).valid
    report = run("ob3-presentation", VerificationPolicy(max_presented_credentials=1), data=data)
    assert report.codes() == ["input_invalid"]
    assert "only the first 1 credentials were verified" in messages(report)


def test_max_status_list_bytes() -> None:
    assert run("ob3-status-bitstring-ok").valid  # entry 6: the list's first byte
    report = run("ob3-status-bitstring-ok", VerificationPolicy(max_status_list_bytes=0))
    assert report.codes() == ["status_unavailable"]
    assert "beyond any list obverify will inflate" in messages(report)


def test_max_proofs() -> None:
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_proofs=0))
    assert report.codes() == ["proof_invalid"]
    assert "more than 0 proofs" in messages(report)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("max_sd_proof_value_chars", 100, "proofValue is longer than 100 characters"),
    ("max_sd_signatures", 1, "obverify checks at most 1 per proof"),
])
def test_ecdsa_sd_caps(field: str, value: int, words: str) -> None:
    base = run("ob3-sd-derived-recipient-achievement-evidence")
    assert "proof_invalid" not in base.codes()
    report = run("ob3-sd-derived-recipient-achievement-evidence", DEFAULT_POLICY.replace(**{field: value}))
    assert "proof_invalid" in report.codes()
    assert words in messages(report)


def test_max_endorsements_and_depth() -> None:
    base = run("ob3-embedded-endorsement-bad")  # two endorsements, the second tampered
    assert base.valid
    assert "endorsement_invalid" in [w.code for w in base.warnings]
    one = run("ob3-embedded-endorsement-bad", VerificationPolicy(max_endorsements=1))
    assert "endorsement_not_checked" in [w.code for w in one.warnings]
    assert len(one.related["endorsements"]) == 1
    flat = run("ob3-embedded-endorsement-bad", VerificationPolicy(max_endorsement_depth=0))
    assert "endorsement_invalid" not in [w.code for w in flat.warnings]
    assert ("ob3.endorsements", "skipped") in [(c.name, c.status) for c in flat.checks]


def test_max_ob2_endorsements() -> None:
    base = run("ob2-hosted-endorsed-badgeclass")
    assert base.valid
    assert len(base.related["endorsements"]) == 1
    report = run("ob2-hosted-endorsed-badgeclass", VerificationPolicy(max_ob2_endorsements=0))
    assert "endorsements_truncated" in [w.code for w in report.warnings]
    assert report.related["endorsements"] == []


def test_max_extensions() -> None:
    base = run("ob2-tol11-geo-on-assertion")
    assert base.valid
    assert "extension_unvalidated" not in [w.code for w in base.warnings]
    report = run("ob2-tol11-geo-on-assertion", VerificationPolicy(max_extensions=0))
    assert "extension_unvalidated" in [w.code for w in report.warnings]


def test_findings_caps_change_the_list_never_the_verdict() -> None:
    base = run("ob3-sd-derived-recipient")
    assert not base.valid
    assert base.errors
    capped = run("ob3-sd-derived-recipient", VerificationPolicy(max_errors=0, max_warnings=0))
    assert capped.errors == []
    assert capped.warnings == []
    assert capped.dropped_findings >= base.error_count
    assert capped.error_count == base.error_count
    assert not capped.valid  # a hidden error still decides


def test_require_recipient() -> None:
    raw, expected, store = case("ob3-eddsa-rdfc-valid")
    at = parse_datetime(expected["at"])
    assert verify(raw, at=at, loader=store).valid
    report = verify(raw, at=at, loader=store, policy=VerificationPolicy(require_recipient=True))
    assert report.codes() == ["recipient_mismatch"]
    assert "require_recipient" in messages(report)
    _, expected, _ = case("ob2-hosted-valid")
    assert run("ob2-hosted-valid", VerificationPolicy(require_recipient=True)).valid  # a recipient was given


def test_unsafe_accept_unbound_keys() -> None:
    assert run("ob3-tol12-di-did-key-urn-issuer").codes() == ["issuer_mismatch"]
    report = run("ob3-tol12-di-did-key-urn-issuer", VerificationPolicy(unsafe_accept_unbound_keys=True))
    assert report.valid
    assert "key_unbound" in [w.code for w in report.warnings]


def test_min_rsa_bits() -> None:
    """Raised to 3072, the RSA-2048-signed OB 2.0 and OB 3.0 fixtures are refused exactly as a short key is by
    default (`proof_invalid`, the key named with "RSA keys shorter than N bits are refused")."""
    assert run("ob2-signed-rs256-valid").valid
    strict = VerificationPolicy(min_rsa_bits=3072)
    report = run("ob2-signed-rs256-valid", strict)
    assert report.codes() == ["proof_invalid"]
    assert any("RSA keys shorter than 3072 bits are refused" in (c.detail or "") for c in report.checks)
    assert run("ob3-jwt-rs256-valid").valid
    assert run("ob3-jwt-rs256-valid", strict).codes() == ["proof_invalid"]
    assert run("ob3-jwt-es256-valid", strict).valid  # only RSA keys are measured in bits here
    assert run("ob2-signed-rs256-valid", VerificationPolicy(min_rsa_bits=2048)).valid


def test_min_rsa_bits_may_only_be_raised() -> None:
    """The floor is NIST SP 800-131A's: no policy admits a shorter RSA key, and the JWS engine holds to it
    whatever a caller passes."""
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from obverify._engines.jose import JoseError, verify_compact

    for low in (1024, 2047):
        with pytest.raises(ValueError, match=r"min_rsa_bits .*NIST SP 800-131A"):
            VerificationPolicy(min_rsa_bits=low)
    with pytest.raises(ValueError, match="NIST"):
        parse_options(["min_rsa_bits=1024"])
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - must be refused
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "RS256"}).encode())
    signing_input = f"{header}.{b64(b'{}')}"
    token = f"{signing_input}.{b64(private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()))}"
    with pytest.raises(JoseError, match="shorter than 2048 bits"):
        verify_compact(token, private.public_key(), min_rsa_bits=512)


def test_min_status_list_bits() -> None:
    """A raised minimum flags a spec-sized list as short (a warning: OB 3.0 sets no bound, so the verdict holds);
    the spec's own minimum is the floor."""
    report = run("ob3-status-bitstring-ok")
    assert report.valid
    assert not report.warnings
    raised = run("ob3-status-bitstring-ok", VerificationPolicy(min_status_list_bits=2 * 131_072))
    assert raised.valid
    assert [w.code for w in raised.warnings] == ["status_list_short"]
    assert "fewer than 262144 bits" in messages(raised)
    assert [w.code for w in run("ob3-status-short-list").warnings] == ["status_list_short"]
    with pytest.raises(ValueError, match=r"min_status_list_bits .*Bitstring Status List"):
        VerificationPolicy(min_status_list_bits=131_071)


def test_max_jws_chars() -> None:
    """A compact JWS one character longer than `max_jws_chars` is refused before it is decoded (an OB 2.0 signed
    assertion and an OB 3.0 VC-JWT: `input_invalid`); at exactly its length it verifies."""
    for name in ("ob2-signed-rs256-valid", "ob3-jwt-es256-valid"):
        size = len(case(name)[0].decode().strip())
        assert run(name, VerificationPolicy(max_jws_chars=size)).valid, name
        report = run(name, VerificationPolicy(max_jws_chars=size - 1))
        assert report.codes() == ["input_invalid"], name
        assert f"{size - 1}" in messages(report) or "too large" in messages(report), name


def test_max_jws_chars_reaches_the_jws_engine() -> None:
    """`verify_compact` measures the token against the run's cap, not only its own default."""
    from obverify._engines.jose import JoseError, verify_compact

    token = case("ob2-signed-rs256-valid")[0].decode().strip()
    with pytest.raises(JoseError, match="too large"):
        verify_compact(token, object(), max_chars=len(token) - 1)  # type: ignore[arg-type]


def test_max_jws_header_bytes() -> None:
    """The Ed25519Signature2018 detached JWS header (42 bytes in the fixture) is refused one byte under its
    size (`proof_invalid`) and verifies at exactly its size."""
    import base64

    raw = json.loads(case("ob3-ed25519sig2018-valid")[0])["proof"]["jws"].split(".")[0]
    size = len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert size == 42
    assert run("ob3-ed25519sig2018-valid", VerificationPolicy(max_jws_header_bytes=size)).valid
    report = run("ob3-ed25519sig2018-valid", VerificationPolicy(max_jws_header_bytes=size - 1))
    assert report.codes() == ["proof_invalid"]
    assert "jws is not base64url-encoded JSON header" in messages(report)


def test_max_jws_header_bytes_raised_admits_a_longer_header_only_when_it_is_signed() -> None:
    """A longer header (an extra allowed `kid`) past the default is refused; a raised cap lets it be read, and
    then it is the signature that decides (the header is signed input: still `proof_invalid`)."""
    import base64

    raw, _expected, _store = case("ob3-ed25519sig2018-valid")
    doc = json.loads(raw)
    header = {"alg": "EdDSA", "b64": False, "crit": ["b64"], "kid": "k" * 1100}
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    doc["proof"]["jws"] = head + "." + doc["proof"]["jws"].split(".", 1)[1]
    data = json.dumps(doc).encode()
    by_default = run("ob3-ed25519sig2018-valid", data=data)
    assert by_default.codes() == ["proof_invalid"]
    assert "jws is too long" in messages(by_default) or "jws is not base64url" in messages(by_default)
    raised = run("ob3-ed25519sig2018-valid", VerificationPolicy(max_jws_header_bytes=2048), data=data)
    assert raised.codes() == ["proof_invalid"]
    assert "jws is too long" not in messages(raised)
    assert "jws is not base64url" not in messages(raised)


def test_max_multibase_chars_bounds_a_proof_value() -> None:
    """An eddsa-rdfc-2022 proofValue (`z` + base58) is refused one character under its length
    (`proof_invalid`) and verifies at exactly its length."""
    value = json.loads(case("ob3-eddsa-rdfc-valid")[0])["proof"]["proofValue"]
    size = len(value) - 1  # the base58 text after the multibase prefix
    assert size > 48  # longer than the did:key's key: the proof value is what is measured here
    assert run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_multibase_chars=size)).valid
    report = run("ob3-eddsa-rdfc-valid", VerificationPolicy(max_multibase_chars=size - 1))
    assert report.codes() == ["proof_invalid"]
    assert "proofValue is not valid base58btc" in messages(report)


@pytest.mark.parametrize(("name", "field"), [("ob3-ed25519sig2018-valid", "publicKeyMultibase"),
                                             ("ob3-ed25519sig2018-did-web-valid", "publicKeyBase58")])
def test_max_multibase_chars_bounds_a_key(name: str, field: str) -> None:
    """The verification method's key (a did:key Multikey; a did:web `publicKeyBase58`) is refused one character
    under its base58 length (`proof_invalid`, "base58 value too long") and verifies at exactly it."""
    method = json.loads(case(name)[0])["proof"]["verificationMethod"]
    if field == "publicKeyMultibase":
        size = len(method.split("#", 1)[1]) - 1
    else:
        key = re.search(r'"publicKeyBase58": *"([^"]+)"', "".join(
            (CASES / name / "documents" / f).read_text() for f in sorted(
                p.name for p in (CASES / name / "documents").iterdir())))
        assert key is not None
        size = len(key.group(1))
    assert run(name, VerificationPolicy(max_multibase_chars=size)).valid
    report = run(name, VerificationPolicy(max_multibase_chars=size - 1))
    assert report.codes() == ["proof_invalid"]
    assert "base58 value too long" in messages(report)


def test_max_multibase_chars_allows_base64url_four_times_as_many() -> None:
    """The base64url form (`u…`) is bounded by four times the field (linear decoding), derived, not a field."""
    from obverify._engines.multibase import MultibaseError, multibase_decode

    assert multibase_decode("u" + "A" * 40, max_chars=10) == bytes(30)
    with pytest.raises(MultibaseError):
        multibase_decode("u" + "A" * 44, max_chars=10)
    assert len(multibase_decode("u" + "A" * (4 * DEFAULT_POLICY.max_multibase_chars))) == 3 * 4096
    with pytest.raises(MultibaseError):
        multibase_decode("u" + "A" * (4 * DEFAULT_POLICY.max_multibase_chars + 4))


def test_a_bare_network_policy_is_still_accepted() -> None:
    report = run("ob2-hosted-valid", NetworkPolicy(max_redirects=1))  # type: ignore[arg-type]
    assert report.valid


def test_every_field_has_a_test_here() -> None:
    """Each field name occurs in this file outside the generic tests (a new field needs its own test)."""
    source = Path(__file__).read_text()
    body = source.split("# --- each field changes", 1)[1]
    for name in VerificationPolicy.FIELDS:
        if name != "network":
            assert name in body, name


# --- never valid by accident ------------------------------------------------------------------------------

GENEROUS = DEFAULT_POLICY.replace(**{name: (value * 10 if name != "max_seconds" else 60.0)
                                 for name, (value, _floor) in LIMITS.items() if not name.startswith("min_")})
"""Every maximum ten times its default, every minimum at its floor (its default); no switch changed (contexts
still bundled or stored, nothing unsafe)."""

_ADMITTED: dict[str, str] = {
    # invalid by default only because a limit refused them; a raised limit admits exactly what it says
}


def _invalid_cases() -> list[str]:
    out = []
    for path in sorted(CASES.glob("*/expected.json")):
        expected = json.loads(path.read_text())
        if not expected.get("valid", True) and expected.get("offline", True) and "policy" not in expected:
            out.append(path.parent.name)
    return out


def test_raised_limits_never_make_an_invalid_fixture_valid() -> None:
    flipped = []
    for name in _invalid_cases():
        raw, expected, store = case(name)
        report = verify(raw, recipients=expected.get("recipients", ()), at=parse_datetime(expected["at"]),
                        loader=store, policy=GENEROUS, objects=expected.get("objects", "awarded"))
        if report.valid:
            flipped.append(name)
    assert flipped == sorted(_ADMITTED)
    assert len(_invalid_cases()) > 100


def test_url_source_runs_under_the_policy() -> None:
    _, expected, store = case("ob2-hosted-valid")
    url = json.loads(case("ob2-hosted-valid")[0])["id"]
    at = parse_datetime(expected["at"])
    assert verify(URL(url), at=at, loader=store, recipients=expected["recipients"]).valid
    assert not verify(URL(url), at=at, loader=store, policy=VerificationPolicy(max_documents=2)).valid


def test_a_raised_max_proofs_holds_every_proof_to_the_spelling_rule() -> None:
    """Every proof the policy admits has its options checked for hidden spellings (a proof `expires` written as
    its IRI), not only the first eight: raising `max_proofs` must not leave the ninth unread."""
    from obverify._core.context import RunContext
    from obverify._core.report import Collector
    from obverify._ob3.meaning import credential_meaning

    raw, expected, store = case("ob3-eddsa-rdfc-valid")
    doc = json.loads(raw)
    proof = doc["proof"]
    hidden = {**proof, "https://w3id.org/security#expiration": {
        "@value": "2020-01-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}
    at = parse_datetime(expected["at"])
    for n, policy in ((1, DEFAULT_POLICY), (9, VerificationPolicy(max_proofs=9))):
        doc["proof"] = [proof] * (n - 1) + [hidden]
        ctx = RunContext(loader=store, at=at, recipients=(), out=Collector(Report()), policy=policy)
        assert not credential_meaning(ctx, doc).ok, n
        assert "schema_invalid" in ctx.out.report.codes()


def test_module_defaults_outside_a_run_equal_the_policy_s() -> None:
    """Parsing outside a verification (package files, stores, the bakery commands' reads) and a bare `Collector`
    use module defaults; they are the policy's, so no path is laxer than a default verification."""
    from obverify._core import report, strictjson
    from obverify.cli import MAX_INPUT_BYTES

    assert DEFAULT_POLICY.max_json_values == strictjson.MAX_JSON_VALUES
    assert DEFAULT_POLICY.max_json_depth == strictjson.MAX_DEPTH
    assert DEFAULT_POLICY.max_input_bytes == strictjson.MAX_JSON_BYTES
    assert (DEFAULT_POLICY.max_errors, DEFAULT_POLICY.max_warnings) == (report.MAX_ERRORS, report.MAX_WARNINGS)
    assert DEFAULT_POLICY.max_input_bytes == MAX_INPUT_BYTES
    from obverify._engines import bakery

    assert (DEFAULT_POLICY.max_image_bytes, DEFAULT_POLICY.max_baked_text_bytes) == (
        bakery.MAX_IMAGE_BYTES, bakery.MAX_INFLATED_TEXT)
    import inspect

    from obverify._engines import jose, multibase
    from obverify._ob3.proofs import detached_jws

    assert DEFAULT_POLICY.max_jws_chars == jose.MAX_TOKEN_CHARS
    assert DEFAULT_POLICY.max_multibase_chars == multibase.MAX_MULTIBASE_CHARS
    assert DEFAULT_POLICY.max_jws_header_bytes == inspect.signature(
        detached_jws.parse_detached_jws).parameters["max_header_bytes"].default
