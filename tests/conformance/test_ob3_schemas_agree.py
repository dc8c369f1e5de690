"""The project's OB 3.0 schemas agree with the official 1EdTech ones on every credential of the interop corpus.

Both are applied to each OB 3.0 credential of the corpus (JSON-LD files, and the credential inside each VC-JWT)
after normalising the compacted single values the manifest's `strict_schema` notes describe (top-level
`proof`, `type`, `credentialSchema`, `termsOfUse` wrapped in a list); the verdicts (conforms or not) must be
equal. The official schemas are read from `OBVERIFY_SPEC_DIR` at test time, never copied into the project.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from obverify._engines.schemas import schema_errors
from obverify._ob3.model import credential_kind

OWN = "https://obverify.invalid/schemas/ob3/"


def _corpus_credentials(interop_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    manifest = json.loads((interop_dir / "manifest.json").read_text())
    out: list[tuple[str, dict[str, Any]]] = []
    for entry in manifest["cases"]:
        if entry["kind"] not in ("ob3-credential", "ob3-endorsement", "ob3-jwt", "vc-other"):
            continue
        raw = (interop_dir / entry["file"]).read_bytes()
        try:
            if entry["file"].endswith(".jwt"):
                segment = raw.decode().strip().split(".")[1]
                payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
                value = payload.get("vc", payload)
            else:
                value = json.loads(raw)
        except ValueError:
            continue  # an empty or broken file has no schema verdict
        if isinstance(value, dict) and credential_kind(value) is not None:
            out.append((entry["id"], value))
    return out


def normalise(credential: dict[str, Any]) -> dict[str, Any]:
    """Wrap the compacted single values the spec's "Compacted document form" allows in lists."""
    out = dict(credential)
    for key in ("proof", "type", "credentialSchema", "termsOfUse"):
        if key in out and not isinstance(out[key], list):
            out[key] = [out[key]]
    for claim in ("iss", "sub", "jti", "nbf", "exp", "iat", "aud"):
        out.pop(claim, None)
    return out


@cache
def _official(spec_dir: Path) -> dict[str, Any]:
    from jsonschema import Draft201909Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT201909

    folder = spec_dir / "schemas" / "ob3"
    resources = []
    schemas = {}
    for name in ("ob_v3p0_anyachievementcredential_schema.json", "ob_v3p0_anyendorsementcredential_schema.json"):
        schema = json.loads((folder / name).read_text())
        schemas[name] = schema
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT201909)))
    registry: Registry[Any] = Registry().with_resources(resources)
    return {name: Draft201909Validator(s, registry=registry) for name, s in schemas.items()}


def test_schemas_agree_on_the_corpus(spec_dir: Path, interop_dir: Path) -> None:
    validators = _official(spec_dir)
    credentials = _corpus_credentials(interop_dir)
    assert len(credentials) >= 120
    disagreements = []
    for case_id, credential in credentials:
        doc = normalise(credential)
        kind = credential_kind(credential)
        official_name = ("ob_v3p0_anyachievementcredential_schema.json" if kind == "achievement"
                         else "ob_v3p0_anyendorsementcredential_schema.json")
        own = OWN + ("anyachievementcredential.json" if kind == "achievement" else "anyendorsementcredential.json")
        official_ok = validators[official_name].is_valid(doc)
        own_ok = not schema_errors(doc, own)
        if official_ok != own_ok:
            disagreements.append((case_id, official_ok, own_ok))
    assert disagreements == []


@pytest.mark.parametrize(
    ("mutate", "conforms"),
    [
        (lambda c: c, True),
        (lambda c: c["credentialSubject"]["achievement"].pop("criteria"), False),
        (lambda c: c["credentialSubject"].update(identifier={"type": "IdentityObject"}), False),
        (lambda c: c["credentialSubject"]["achievement"].update(achievementType="ext:Local"), True),
        (lambda c: c["credentialSubject"]["achievement"].update(achievementType="Program"), False),
        (lambda c: c.update(proof={"type": "DataIntegrityProof"}), True),
        (lambda c: c.update(issuer="https://issuer.example/1"), True),
        (lambda c: c.pop("validFrom"), False),
    ],
)
def test_own_schema_rules(mutate: Any, conforms: bool) -> None:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:1", "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/1", "type": ["Profile"]}, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
            "id": "https://issuer.example/a", "type": ["Achievement"], "name": "n", "description": "d",
            "criteria": {"narrative": "x"}}},
    }
    mutate(credential)
    assert (not schema_errors(credential, OWN + "achievementcredential.json")) is conforms
