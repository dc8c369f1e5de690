"""Quoting attacker-controlled text into messages within the limits of SECURITY.md §15.

Badge text, URLs and fetched values may contain terminal control sequences, bidi overrides, lone
surrogates or megabytes of junk; a report must stay small and safe to print.
"""

from __future__ import annotations

import unicodedata

MAX_QUOTE = 200
MAX_URL = 512


def _escape_char(ch: str) -> str:
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return ch


def quote(value: object, limit: int = MAX_QUOTE) -> str:
    """Render `value` for a message: escaped, truncated to `limit` characters with `…(+N)`."""
    text = value if isinstance(value, str) else repr(value)
    extra = max(0, len(text) - limit)
    text = text[:limit]
    escaped = "".join(_escape_char(c) for c in text)
    return escaped + (f"…(+{extra})" if extra else "")


def quote_url(url: str) -> str:
    """A URL as it may appear in a finding: escaped and at most 512 characters."""
    return quote(url, MAX_URL)
