"""The "checked is signed" rule for OB 3.0 credentials (DESIGN.md §1; `obverify._engines.spelling` states the rule).

What a Data Integrity proof signs is the credential without its `proof` and, per proof, the proof's options
under the document's `@context` exactly as its suite hashes them (`obverify._ob3.proofs.suites.proof_config`:
Ed25519Signature2020/2018 with their suite context added). Both are held to the rule here, so neither a
hidden `credentialStatus` or `validUntil` nor a hidden proof `expires` or `created` survives; a VC-JWT's
payload (no embedded proof) is held to it too, because its checks read the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from obverify._core.context import RunContext
from obverify._engines.spelling import Spelling, check_spelling
from obverify._ob3.model import as_list

JCS_SUITES = frozenset({"eddsa-jcs-2022", "ecdsa-jcs-2019"})


def _proof_options(credential: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any] | None:
    """The proof's options as its suite signs them (`proof_config`), None for a suite we do not know.

    For the JCS suites, the options under the proof's own `@context`, else the document's (what a JSON-LD
    reader of the proof applies)."""
    from obverify._ob3.proofs.suites import SuiteError, proof_config, suite_of

    try:
        suite = suite_of(dict(proof))
    except SuiteError:
        return None  # the proof check refuses it
    if suite.canon == "jcs":
        context = proof.get("@context", credential.get("@context"))
        return {"@context": context, **{k: v for k, v in proof.items() if k not in ("proofValue", "@context")}}
    return proof_config(dict(credential), dict(proof), suite)


def credential_meaning(ctx: RunContext, credential: Mapping[str, Any], *, base: str = "",
                       what: str = "credential") -> Spelling:
    """Hold the credential (without `proof`) and each embedded proof's options to the rule.

    Returns the credential's `Spelling`, whose `reading` keeps the `proof` as presented (the validity check
    reads `created` there). A difference in a proof's options is recorded like any other, and makes the
    outcome not `ok`.
    """
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    raw = credential.get("proof")
    proofs = as_list(raw)
    # JCS proofs and VC-JWTs sign the JSON text itself; any RDFC proof signs only the JSON-LD meaning
    json_signed = all(isinstance(p, Mapping) and p.get("cryptosuite") in JCS_SUITES for p in proofs)
    outcome = check_spelling(ctx, unsecured, base=base, what=what, json_signed=json_signed)
    ok = outcome.ok
    # every proof the proof check may verify (the policy's `max_proofs`), so a raised limit leaves none unread
    for i, proof in enumerate(proofs[:ctx.policy.max_proofs]):
        if not isinstance(proof, Mapping):
            continue  # the proof check refuses it
        where = f"{base}/proof" + (f"/{i}" if isinstance(raw, list) else "")
        config = _proof_options(credential, proof)
        if config is not None:
            ok = check_spelling(ctx, config, base=where, what="proof", json_signed=json_signed).ok and ok
    reading = outcome.reading
    if reading is not None and raw is not None:
        reading = {**reading, "proof": raw}  # as presented: its options were held to the rule above
    return Spelling(ok, reading, outcome.differences)
