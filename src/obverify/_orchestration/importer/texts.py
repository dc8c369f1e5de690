"""The Badgr-compatible names and texts of the backpack import (BACKPACK-IMPORT-RESEARCH.md §2, §4.5).

A backpack client written against Badgr/Parchment matches on these: the request-body texts Django REST
framework gives (rows 5-10 of the research's error table), the error `name`s Badgr's import helper emits and
the friendly message it puts before the raw one. They are written from the research's paraphrase of the
Badgr code, not copied; where Badgr has no friendly text, the obverify finding's own message is used.
"""

from __future__ import annotations

from typing import Final

# --- request-body texts (Django REST framework field validation, as Badgr answers them) ---------------------
ONLY_ONE: Final = "Must provide only one of 'url', 'image' or 'assertion'."
URL_INVALID: Final = "Enter a valid URL."
URL_ONLY_HTTP: Final = "Only http:// and https:// URLs can be imported; local paths and file: URLs are refused."
NOT_A_STRING: Final = "Not a valid string."
NOT_A_FILE: Final = "The submitted data was not a file. Check the encoding type on the form."
INVALID_MIME: Final = "Invalid MIME type"
INVALID_PNG: Final = "Invalid PNG"
INVALID_IMAGE: Final = "Invalid image."
EMPTY_FILE: Final = "The submitted file is empty."
JSON_PARSE: Final = "JSON parse error - {detail}"


def expected_dict(type_name: str) -> str:
    """DRF DictField's text for an `assertion` of another JSON type (research §2 row 7)."""
    return f'Expected a dictionary of items but got type "{type_name}".'


def png_refused(problem: str) -> str:
    """Our text after Badgr's `Invalid image.` for a PNG that is not a real one (`images.check_png`'s words)."""
    return f"The PNG was refused: {problem}."


def too_long(limit: int) -> str:
    """DRF's max_length text, for strings past the import's size caps."""
    return f"Ensure this field has no more than {limit} characters."


# --- names and friendly messages per obverify code (research §4.5) ------------------------------------------
INVALID_BADGE: Final = "INVALID_BADGE"
INVALID_INPUT_TYPE: Final = "INVALID_INPUT_TYPE"
FETCH_HTTP_NODE: Final = "FETCH_HTTP_NODE"
VERIFY_RECIPIENT_IDENTIFIER: Final = "VERIFY_RECIPIENT_IDENTIFIER"
VERIFY_SIGNATURE: Final = "VERIFY_SIGNATURE"
HOSTED_ID_IN_VERIFICATION_SCOPE: Final = "HOSTED_ID_IN_VERIFICATION_SCOPE"
ASSERTION_REVOKED: Final = "ASSERTION_REVOKED"
ASSERTION_TIMESTAMP_CHECKS: Final = "ASSERTION_TIMESTAMP_CHECKS"
VALIDATE_PROPERTY: Final = "VALIDATE_PROPERTY"
STATUS_UNAVAILABLE: Final = "STATUS_UNAVAILABLE"
UNABLE_TO_VERIFY: Final = "UNABLE_TO_VERIFY"
INVALID_INPUT: Final = "INVALID_INPUT"
"""`errorCode` of an answer that failed on the request body alone (field or non-field errors): Badgr sends
none there, the seed's envelope has the key, and a client needs one stable value to switch on."""

UNABLE_TO_VERIFY_TEXT: Final = "Unable to verify the assertion"

# code -> (name, friendly message or None for "the detail itself")
BY_CODE: Final[dict[str, tuple[str, str | None]]] = {
    "input_invalid": (INVALID_BADGE, None),
    "unbake_failed": (INVALID_BADGE, "Could not find Open Badges metadata in file."),
    "fetch_failed": (FETCH_HTTP_NODE, "Unable to reach URL"),
    "url_blocked": (FETCH_HTTP_NODE, "Unable to reach URL"),
    "recipient_mismatch": (VERIFY_RECIPIENT_IDENTIFIER, "The recipient does not match any of your verified emails"),
    "proof_invalid": (VERIFY_SIGNATURE, "Could not verify signature"),
    "issuer_mismatch": (VERIFY_SIGNATURE, "Could not verify signature"),
    "revoked": (ASSERTION_REVOKED, "This assertion has been revoked"),
    "expired": (ASSERTION_TIMESTAMP_CHECKS, None),
    "not_yet_valid": (ASSERTION_TIMESTAMP_CHECKS, None),
    "context_invalid": (VALIDATE_PROPERTY, None),
    "schema_invalid": (VALIDATE_PROPERTY, None),
    "status_unavailable": (STATUS_UNAVAILABLE, None),
}


def name_and_message(code: str, detail: str, *, hosted: bool, not_awarded: bool = False) -> tuple[str, str]:
    """The Badgr `name` and person-readable `message` of one obverify error.

    `hosted`: the badge was verified as hosted, so an `issuer_mismatch` is about the hosting origin
    (HOSTED_ID_IN_VERIFICATION_SCOPE) rather than a signing key. `not_awarded`: the input was a document
    that is no awarded badge (the OEB fork's INVALID_INPUT_TYPE).
    """
    if not_awarded:
        return INVALID_INPUT_TYPE, detail
    if code == "issuer_mismatch" and hosted:
        return HOSTED_ID_IN_VERIFICATION_SCOPE, detail
    name, friendly = BY_CODE.get(code, (UNABLE_TO_VERIFY, None))
    return name, friendly if friendly is not None else detail
