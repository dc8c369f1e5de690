"""A proof names exactly one suite; names obverify cannot check are refused with a message that says which."""

from __future__ import annotations

from typing import Any

import pytest

from obverify._core.errors import Code
from obverify._ob3.proofs.suites import SuiteError, suite_of


@pytest.mark.parametrize(
    ("proof", "message"),
    [
        ({"type": "DataIntegrityProof", "cryptosuite": "bbs-2023"},
         "unsupported cryptosuite bbs-2023 (BBS signatures: no maintained Python implementation exists, so obverify"
         " cannot check this proof)"),
        ({"type": "DataIntegrityProof", "cryptosuite": "ecdsa-2019"}, "unsupported cryptosuite ecdsa-2019"),
        ({"type": "DataIntegrityProof"}, "a DataIntegrityProof needs a cryptosuite"),
        ({"type": "DataIntegrityProof", "cryptosuite": ["eddsa-rdfc-2022"]},
         "unsupported cryptosuite ['eddsa-rdfc-2022']"),
        ({"type": "RsaSignature2018"}, "unsupported proof type RsaSignature2018"),
        ({"type": "BbsBlsSignature2020"}, "unsupported proof type BbsBlsSignature2020"),
    ],
)
def test_unsupported_suites_are_named(proof: dict[str, Any], message: str) -> None:
    with pytest.raises(SuiteError) as info:
        suite_of(proof)
    assert info.value.code is Code.PROOF_INVALID
    assert info.value.message == message


@pytest.mark.parametrize("name", ["Ed25519Signature2018", "Ed25519Signature2020"])
def test_linked_data_signature_types_are_their_own_suite(name: str) -> None:
    assert suite_of({"type": name}).name == name
