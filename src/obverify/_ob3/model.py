"""Shapes of OB 3.0 credentials on VCDM 1.1 and 2.0 (OB 3.0 §B "Data Model", §9 "Verification" step 1).

What this module decides, before any signature is looked at:

- the kind of credential: `OpenBadgeCredential`/`AchievementCredential` or `EndorsementCredential` beside
  `VerifiableCredential` (a VC of any other type is no Open Badge: `input_invalid`), or a
  `VerifiablePresentation`;
- the data model: VCDM 2.0 (`validFrom`/`validUntil`) or VCDM 1.1 (`issuanceDate`/`expirationDate`), from
  the first `@context` entry;
- the structural rules verification depends on: an issuer with an id, a credential subject that, for an
  achievement credential, is identified by `id` and/or `identifier` (OB 3.0 §9 step 1: otherwise the
  credential "does not conform" — `schema_invalid`), and strictly parsed dates (SECURITY.md §14).

JSON-LD's compacted form lets any one-element array be a single value, so every list-valued property is
read through `as_list`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.record import MutableRecord
from obverify._core.text import quote
from obverify._core.timeparse import parse_datetime

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
ENDORSEMENT_TYPE = "EndorsementCredential"

Kind = Literal["achievement", "endorsement"]
STAGE = "schemas"


def as_list(value: Any) -> list[Any]:
    """A JSON-LD value as a list: `None` is empty, a single value is a one-element list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    """The id of a node given as a string or as an object with a string `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def types_of(node: Any) -> list[str]:
    """The string members of a node's `type` (single value or list)."""
    if not isinstance(node, Mapping):
        return []
    return [t for t in as_list(node.get("type")) if isinstance(t, str)]


def credential_kind(credential: Mapping[str, Any]) -> Kind | None:
    """`achievement` or `endorsement` for an Open Badges 3.0 credential, None for anything else."""
    types = set(types_of(credential))
    if "VerifiableCredential" not in types:
        return None
    if types & OB_TYPES:
        return "achievement"
    if ENDORSEMENT_TYPE in types:
        return "endorsement"
    return None


def data_model(credential: Mapping[str, Any]) -> Literal["1.1", "2.0"] | None:
    """The VC data model version named by the first `@context` entry (None if neither VC context)."""
    contexts = as_list(credential.get("@context"))
    first = contexts[0] if contexts else None
    if first == VC_V2:
        return "2.0"
    if first == VC_V1:
        return "1.1"
    return None


class CredentialFacts(MutableRecord):
    """What the later stages need, read once from a structurally checked credential.

    A plain class, not a dataclass (its fields are set after construction): importing `dataclasses` pulls in
    `inspect`, `ast` and `dis` at start-up (see `obverify._core.baked`).
    """

    __slots__ = ("awarded", "id", "issuer_id", "issuer_name", "kind", "model", "subject", "subject_ids",
                 "valid_from", "valid_from_field", "valid_until", "valid_until_field")
    _FIELDS = ("kind", "model", "id", "issuer_id", "issuer_name", "subject", "subject_ids", "valid_from",
               "valid_until", "valid_from_field", "valid_until_field", "awarded")

    def __init__(
        self,
        kind: Kind,
        model: Literal["1.1", "2.0"] | None,
        id: str | None,
        issuer_id: str | None,
        issuer_name: str | None,
        subject: Mapping[str, Any] | None,
        subject_ids: list[str] | None = None,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        valid_from_field: str = "validFrom",
        valid_until_field: str = "validUntil",
        awarded: datetime | None = None,
    ) -> None:
        self.kind: Kind = kind
        self.model: Literal["1.1", "2.0"] | None = model
        self.id: str | None = id
        self.issuer_id: str | None = issuer_id
        self.issuer_name: str | None = issuer_name
        self.subject: Mapping[str, Any] | None = subject
        self.subject_ids: list[str] = [] if subject_ids is None else subject_ids
        self.valid_from: datetime | None = valid_from
        self.valid_until: datetime | None = valid_until
        self.valid_from_field: str = valid_from_field
        self.valid_until_field: str = valid_until_field
        self.awarded: datetime | None = awarded


def _date(ctx: RunContext, credential: Mapping[str, Any], name: str, path: str) -> datetime | None:
    if name not in credential:
        return None
    try:
        return parse_datetime(credential[name])
    except ValueError as exc:
        ctx.out.error(Code.SCHEMA_INVALID, f"{name} is not a valid date-time: {exc}", stage=STAGE, path=path)
        return None


def _is_uri(value: str) -> bool:
    scheme, sep, rest = value.partition(":")
    return bool(sep and rest and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme))


def read_facts(ctx: RunContext, credential: Mapping[str, Any], kind: Kind, *, base: str = "") -> CredentialFacts:
    """Check the structure verification relies on and record `schema_invalid` findings; return the facts."""
    out = ctx.out
    model = data_model(credential)
    cred_id = credential.get("id")
    if "id" in credential and not (isinstance(cred_id, str) and _is_uri(cred_id)):
        out.error(Code.SCHEMA_INVALID, f"credential id {quote(cred_id)} is not a URI", stage=STAGE, path=f"{base}/id")
    issuer = credential.get("issuer")
    issuer_id = node_id(issuer)
    if issuer_id is None:
        out.error(Code.SCHEMA_INVALID, "the credential has no issuer with an id", stage=STAGE, path=f"{base}/issuer")
    elif not _is_uri(issuer_id):
        out.error(Code.SCHEMA_INVALID, f"issuer id {quote(issuer_id)} is not a URI", stage=STAGE, path=f"{base}/issuer")
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) and isinstance(issuer.get("name"), str) else None

    subjects = as_list(credential.get("credentialSubject"))
    subject: Mapping[str, Any] | None = None
    subject_ids: list[str] = []
    if not subjects or not all(isinstance(s, Mapping) for s in subjects):
        out.error(Code.SCHEMA_INVALID, "credentialSubject must be an object", stage=STAGE,
                  path=f"{base}/credentialSubject")
    else:
        subject = subjects[0]
        if len(subjects) > 1:
            out.error(Code.SCHEMA_INVALID, "an Open Badge has exactly one credentialSubject", stage=STAGE,
                      path=f"{base}/credentialSubject")
        for s in subjects:
            if isinstance(s.get("id"), str):
                subject_ids.append(s["id"])
        if kind == "achievement":
            # OB 3.0 §9 "OpenBadgeCredential Verification" step 1
            if not isinstance(subject.get("id"), str) and not as_list(subject.get("identifier")):
                out.error(
                    Code.SCHEMA_INVALID,
                    "credentialSubject is identified by neither id nor identifier (OB 3.0 verification step 1)",
                    stage=STAGE, path=f"{base}/credentialSubject",
                )
            if not isinstance(subject.get("achievement"), Mapping):
                out.error(Code.SCHEMA_INVALID, "credentialSubject has no achievement object", stage=STAGE,
                          path=f"{base}/credentialSubject/achievement")
        elif not isinstance(subject.get("id"), str):
            out.error(Code.SCHEMA_INVALID, "an endorsement's credentialSubject needs an id", stage=STAGE,
                      path=f"{base}/credentialSubject/id")

    facts = CredentialFacts(kind=kind, model=model, id=cred_id if isinstance(cred_id, str) else None,
                            issuer_id=issuer_id, issuer_name=issuer_name, subject=subject, subject_ids=subject_ids)
    if model == "1.1" or ("validFrom" not in credential and "issuanceDate" in credential):
        facts.valid_from_field, facts.valid_until_field = "issuanceDate", "expirationDate"
    facts.valid_from = _date(ctx, credential, facts.valid_from_field, f"{base}/{facts.valid_from_field}")
    facts.valid_until = _date(ctx, credential, facts.valid_until_field, f"{base}/{facts.valid_until_field}")
    if facts.valid_from_field not in credential:
        out.error(Code.SCHEMA_INVALID, f"the credential has no {facts.valid_from_field}", stage=STAGE,
                  path=f"{base}/{facts.valid_from_field}")
    # The other data model's name for a bound, when present, is signed as well (the VC 1.1 context defines
    # validFrom/validUntil too, and a VC-JWT's exp may equal either): the stricter of the two bounds wins, so
    # an expiry or start date under the "wrong" name is never silently ignored.
    chosen = (facts.valid_from_field, facts.valid_until_field)
    for name, later in (("validFrom", True), ("issuanceDate", True), ("validUntil", False), ("expirationDate", False)):
        current = facts.valid_from if later else facts.valid_until
        if name in chosen or name not in credential:
            continue
        other = _date(ctx, credential, name, f"{base}/{name}")
        if other is None or (current is not None and (other <= current if later else other >= current)):
            continue
        if later:
            facts.valid_from, facts.valid_from_field = other, name
        else:
            facts.valid_until, facts.valid_until_field = other, name
    if facts.valid_from and facts.valid_until and facts.valid_until < facts.valid_from:
        out.error(Code.SCHEMA_INVALID, f"{facts.valid_until_field} lies before {facts.valid_from_field}",
                  stage=STAGE, path=f"{base}/{facts.valid_until_field}")
    if subject is not None and "awardedDate" in subject:
        try:
            facts.awarded = parse_datetime(subject["awardedDate"])
        except ValueError as exc:
            out.error(Code.SCHEMA_INVALID, f"awardedDate is not a valid date-time: {exc}", stage=STAGE,
                      path=f"{base}/credentialSubject/awardedDate")
    return facts


def require_https(ctx: RunContext, url: str, *, stage: str, path: str, consequence: Code | None = None) -> bool:
    """OB 3.0 documents are fetched over https only (SECURITY.md §1): anything else is `url_blocked`."""
    if url.startswith("https://"):
        return True
    ctx.out.error(Code.URL_BLOCKED, f"{quote(url)} is not an https URL; OB 3.0 documents are fetched over https only",
                  stage=stage, path=path, url=url)
    if consequence is not None:
        ctx.out.error(consequence, "the document was not fetched", stage=stage, path=path, url=url)
    return False


def summary(credential: Mapping[str, Any], facts: CredentialFacts) -> dict[str, Any]:
    """The displayer summary (name, description, issuer, dates, image) of a credential."""
    subject: Mapping[str, Any] = facts.subject if isinstance(facts.subject, Mapping) else {}
    found = subject.get("achievement")
    achievement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    name = credential.get("name") if isinstance(credential.get("name"), str) else achievement.get("name")
    description = credential.get("description")
    if not isinstance(description, str):
        description = achievement.get("description")
    image = node_id(credential.get("image")) or node_id(achievement.get("image"))
    return {
        "name": name if isinstance(name, str) else None,
        "description": description if isinstance(description, str) else None,
        "issuer": {"id": facts.issuer_id, "name": facts.issuer_name},
        "issuerName": facts.issuer_name,
        "issuerId": facts.issuer_id,
        facts.valid_from_field: credential.get(facts.valid_from_field),
        facts.valid_until_field: credential.get(facts.valid_until_field),
        "validFrom": facts.valid_from.isoformat() if facts.valid_from else None,
        "validUntil": facts.valid_until.isoformat() if facts.valid_until else None,
        "image": image,
        "achievementId": node_id(achievement),
        "achievementType": achievement.get("achievementType"),
        "kind": facts.kind,
    }
