"""`sniff`: the input kind comes from content, never from a name."""

from __future__ import annotations

import pytest

from obverify._core.sniff import sniff


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\x1f\x8b\x08\x00", "svgz"),
        (b'  {"a": 1}', "json"),
        (b"\xef\xbb\xbf{}", "json"),
        (b"[1]", "json"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
        (b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", "svg"),
        (b"eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln", "jws"),
        (b"eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln\n", "jws"),
        (b"https://example.org/assertions/1", "url"),
        (b"HTTP://example.org/a", "url"),
        (b"", "unknown"),
        (b"hello world", "unknown"),
        (b"<html><body/></html>", "unknown"),
        (b"eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "unknown"),  # a JWE is no badge format
        (b"ftp://example.org/x", "unknown"),
    ],
)
def test_sniff_table(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_svg_after_a_long_prologue_is_still_svg() -> None:
    # concentricsky's bakery looked only at the first 256 bytes (ANCHORS.md)
    prologue = b"<?xml version='1.0'?>\n<!-- " + b"x" * 5000 + b" -->\n"
    assert sniff(prologue + b'<svg xmlns="http://www.w3.org/2000/svg"></svg>') == "svg"
