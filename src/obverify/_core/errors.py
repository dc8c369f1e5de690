"""Stable error and warning codes (DESIGN.md §4) and the one exception the loaders raise.

Codes are part of the public contract: tools outside the project match on them, so they never change
spelling. Exceptions are for programmer errors only; everything a badge can do wrong becomes a `Finding`.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """The error codes of DESIGN.md §4. Warnings have codes of their own: `WarningCode`."""

    INPUT_INVALID = "input_invalid"
    UNBAKE_FAILED = "unbake_failed"
    FETCH_FAILED = "fetch_failed"
    URL_BLOCKED = "url_blocked"
    CONTEXT_INVALID = "context_invalid"
    SCHEMA_INVALID = "schema_invalid"
    PROOF_INVALID = "proof_invalid"
    ISSUER_MISMATCH = "issuer_mismatch"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATUS_UNAVAILABLE = "status_unavailable"


class WarningCode(StrEnum):
    """The warning codes: reported in `Report.warnings`, never part of the verdict (DESIGN.md §2).

    Like `Code`, part of the public contract: each value is the string the JSON report carries, and never
    changes spelling. The collector's `warn` takes only these, so a misspelt code fails `mypy --strict`.
    """

    CONTEXT_ALIAS = "context_alias"
    """OB 3.0: an `@context` entry is the OB 3.0 context alias, not pinned to a version."""
    CONTEXT_ORDER = "context_order"
    """OB 3.0: the Open Badges 3.0 context is not the second `@context` entry."""
    CONTEXT_UNKNOWN_VERSION = "context_unknown_version"
    """OB 3.0: an `@context` entry names an OB 3.0 context version obverify does not know."""
    CONTEXT_MISSING = "context_missing"
    """OB 2.0: a linked document has no `@context`; read in the OB 2.0 context of the badge that links it."""
    CONTEXT_INLINE = "context_inline"
    """OB 2.0: a document's `@context` is given inline; read by its meaning in the OB 2.0 context."""
    JSONLD_UNDEFINED_TERM = "jsonld_undefined_term"
    """A key the JSON-LD context does not define, in a document whose JSON is what is signed: read as written."""
    DECLARED_ID_DIFFERS = "declared_id_differs"
    """OB 2.0: a document fetched from one URL declares another `id`; the copy at the declared id is verified."""
    SCHEMA_WARNING = "schema_warning"
    """OB 3.0: the credential departs from obverify's own schema, applied as advice where no 1EdTech schema
    is declared."""
    SCHEMA_NOT_CHECKED = "schema_not_checked"
    """OB 3.0: a declared `credentialSchema` was not applied (an unsupported type, not a JSON Schema, or it
    could not be applied)."""
    EXTENSION_UNVALIDATED = "extension_unvalidated"
    """OB 2.0: an extension was not validated against its schema (unknown, unusable, or past the limit)."""
    RECIPIENT_TYPE_UNKNOWN = "recipient_type_unknown"
    """OB 2.0: the recipient `type` is not email, url, telephone or id."""
    ISSUER_EMAIL_MISSING = "issuer_email_missing"
    """OB 1.x: the issuer has no email (required only since OB 2.0)."""
    WEAK_HASH = "weak_hash"
    """The recipient identity is hashed with md5."""
    STARTS_WITH_WITHOUT_SLASH = "starts_with_without_slash"
    """OB 2.0 hosted: the issuer's `verification.startsWith` does not end with `/`, so it admits sibling paths."""
    JOSE_HEADER = "jose_header"
    """OB 3.0 VC-JWT: the JOSE header has headers OB 3.0 does not allow, or a `typ` other than JWT."""
    KEY_BARE = "key_bare"
    """A bare key (not in a controller document), bound to the issuer by its origin only."""
    KEY_UNBOUND = "key_unbound"
    """A key nothing ties to the issuer was accepted, only because `unsafe_accept_unbound_keys` is set."""
    PRESENTATION_PROOF_NOT_CHECKED = "presentation_proof_not_checked"
    """OB 3.0: a VerifiablePresentation's own proof is not checked (its credentials are, each on its own)."""
    STATUS_MESSAGE = "status_message"
    """OB 3.0: a status list entry of purpose `message`: the status message, for the reader."""
    STATUS_LIST_SHORT = "status_list_short"
    """OB 3.0: the status list holds fewer bits than the Bitstring Status List minimum."""
    STATUS_LIST_FOREIGN_ISSUER = "status_list_foreign_issuer"
    """OB 3.0: the status list's issuer differs from the credential's issuer."""
    REVOCATION_LIST_ID_MISMATCH = "revocation_list_id_mismatch"
    """OB 2.0: the revocation list at the issuer's URL declares another `id`."""
    REVOCATION_LIST_ISSUER_MISMATCH = "revocation_list_issuer_mismatch"
    """OB 2.0: the revocation list names another issuer."""
    ENDORSEMENT_INVALID = "endorsement_invalid"
    """An endorsement did not verify (it says nothing about the endorsed badge's verdict)."""
    ENDORSEMENT_CLAIM_MISMATCH = "endorsement_claim_mismatch"
    """OB 2.0: an endorsement linked from a document claims another entity."""
    ENDORSEMENT_NOT_CHECKED = "endorsement_not_checked"
    """OB 3.0: endorsements past `VerificationPolicy.max_endorsements` were not verified."""
    ENDORSEMENTS_TRUNCATED = "endorsements_truncated"
    """OB 2.0: endorsements past the policy's OB 2.0 endorsement limit were not verified."""
    INTERNAL_ERROR = "internal_error"
    """A stage whose failure is only ever a warning (endorsements) ended in an unexpected exception."""


class LoadError(Exception):
    """A document could not be loaded: `code` is `fetch_failed` or `url_blocked`.

    `status` carries the HTTP status when a server answered (the hosted OB 2.0 rules need 410).
    The message is ours, never a server body (SECURITY.md §15).
    """

    def __init__(self, code: Code, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.code = code
        self.url = url
        self.reason = reason
        self.status = status
