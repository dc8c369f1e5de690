"""`URL`: the one way to hand `verify` and `verify_status_list` something to fetch.

A plain `str` given to a verification is always badge *text* (JSON or a compact JWS/JWT), never a path and
never a URL, so text from a request body can never make obverify open a local file or fetch anything the
caller did not mean it to. A URL to fetch is wrapped in `URL`, which accepts only absolute `http`/`https`
URLs with a host and no whitespace or control characters; everything else the network policy checks at
fetch time (SECURITY.md §1). A local file is an `os.PathLike` (e.g. `pathlib.Path`).
"""

from __future__ import annotations

import re

_HTTP_URL = re.compile(r"https?://[^\s/?#\\@]+(?:[/?#][^\s]*)?", re.IGNORECASE | re.ASCII)


class URL:
    """An absolute http(s) URL given as a badge or status list source. `str(url)` is its text.

    Raises `ValueError` for any other scheme (`file:`, `ftp:`, `data:`…), a relative reference, a missing
    host, userinfo, or whitespace and control characters; `TypeError` for anything but a `str`."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"URL needs a str, not {type(text).__name__}")
        if not _HTTP_URL.fullmatch(text):
            raise ValueError("obverify.URL accepts only an absolute http(s) URL with a host")
        self._text = text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"URL({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, URL) and other._text == self._text

    def __hash__(self) -> int:
        return hash((URL, self._text))
