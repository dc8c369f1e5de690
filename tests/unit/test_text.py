"""Quoting attacker text into messages: escaped controls and bidi, bounded length."""

from __future__ import annotations

from obverify._core.text import quote, quote_url


def test_controls_and_bidi_are_escaped() -> None:
    out = quote("a\x1b[31mred\u202eevil\ud800")
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "\\x1b" in out
    assert "\\u202e" in out
    assert "\\ud800" in out


def test_long_text_is_truncated_with_count() -> None:
    out = quote("x" * 1000)
    assert out.startswith("x" * 200)
    assert out.endswith("…(+800)")


def test_url_limit_is_512() -> None:
    assert quote_url("https://e.example/" + "a" * 600).endswith("…(+106)")
