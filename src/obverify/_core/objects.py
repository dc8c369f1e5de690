"""Which kind of object a JSON document is, and whether it is an *awarded* badge.

`verify` and `import_badge` judge awarded badges: an OB 0.5-2.0 Assertion, an OB 3.0 OpenBadgeCredential /
AchievementCredential or EndorsementCredential (or a presentation of them). A BadgeClass, an issuer Profile,
a RevocationList, a CryptographicKey, an OB 2.0 Endorsement, a status list credential, a key document or a
DID document given as the badge is refused (`input_invalid`, "this is a BadgeClass, not an awarded badge"),
unless the caller opts in to judging standalone objects (`objects="any"`, `--any-object`), as the interop
corpus's support documents need. The OB 2.0 classes are told apart by the OB 2.0 verifier itself (it knows
the untyped 0.5/1.x shapes); this module names the documents that are no Open Badges object at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from obverify._core.errors import Code

if TYPE_CHECKING:
    from obverify._core.context import RunContext

Objects = Literal["awarded", "any"]

AWARDED = frozenset({
    "Assertion", "OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "VerifiablePresentation",
})
"""Object types a badge verification judges by default (a presentation is judged by the credentials in it)."""

STATUS_LISTS = ("BitstringStatusListCredential", "StatusList2021Credential")
KEY_TYPES = ("Multikey", "JsonWebKey", "JsonWebKey2020", "Ed25519VerificationKey2020", "Ed25519VerificationKey2018",
             "EcdsaSecp256k1VerificationKey2019")
DID_CONTEXT = "https://www.w3.org/ns/did/v1"


def check_objects(objects: object) -> Objects:
    """The `objects` argument, checked: `"awarded"` (the default) or `"any"`."""
    if objects not in ("awarded", "any"):
        raise ValueError("objects must be 'awarded' or 'any'")
    return "awarded" if objects == "awarded" else "any"


def _types(value: Mapping[str, Any]) -> list[str]:
    found = value.get("type", value.get("@type"))
    items = found if isinstance(found, list) else [found]
    return [t for t in items if isinstance(t, str)]


def standalone_type(value: Any) -> str | None:
    """The name of a document that is no awarded badge and no Open Badges 2.0 class (those the OB 2.0
    verifier names): a status list credential, a key document or a DID document; else None."""
    if not isinstance(value, Mapping):
        return None
    types = _types(value)
    for name in STATUS_LISTS:
        if name in types:
            return name
    for name in KEY_TYPES:
        if name in types and not any(t in AWARDED for t in types):
            return name
    contexts = value.get("@context")
    ctx_list = contexts if isinstance(contexts, list) else [contexts]
    ident = value.get("id")
    if DID_CONTEXT in ctx_list or (isinstance(ident, str) and ident.startswith("did:") and any(
            k in value for k in ("verificationMethod", "assertionMethod", "authentication"))):
        return "DID document"
    if not types and "kty" in value and ("crv" in value or ("n" in value and "e" in value)):
        return "JSON Web Key"
    return None


def not_awarded_message(kind: str) -> str:
    """The `input_invalid` message for a non-awarded object."""
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    return f"this is {article} {kind}, not an awarded badge"


def refuse_standalone(ctx: RunContext, kind: str | None) -> bool:
    """Refuse a non-awarded object (`kind` names it; None: nothing to refuse). True when refused."""
    if kind is None:
        return False
    report = ctx.out.report
    report.related["type"] = kind
    ctx.out.error(Code.INPUT_INVALID, not_awarded_message(kind), stage="sniff", path="/type")
    ctx.out.check("object.type", "failed", f"{kind}: not an awarded badge")
    return True


def credential_type(credential: Mapping[str, Any]) -> str:
    """The OB 3.0 type a credential was judged as (`OpenBadgeCredential`, …; else its first type)."""
    types = _types(credential)
    for name in ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential", "VerifiablePresentation"):
        if name in types:
            return name
    return next((t for t in types if t != "VerifiableCredential"), "VerifiableCredential")
