"""Baking (OB 2.0 Baking "Baking" for PNG and SVG, OB 3.0 §5.3): placement, replacement, untouched rest."""

from __future__ import annotations

import gzip
import io
import json
import zlib

import pytest
from PIL import Image

from helpers import pngkit as k
from obverify import bake, unbake
from obverify._engines.bakery import png as pngmod

OB2 = "http://openbadges.org"
OB3 = "https://purl.imsglobal.org/ob/v3p0"
ASSERTION = {
    "@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/assertions/1", "type": "Assertion",
    "verification": {"type": "hosted"},
}
VC = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "OpenBadgeCredential"]}
OB2_JWS = "eyJhbGciOiJSUzI1NiJ9.eyJ1aWQiOiIxIn0.c2ln"  # claims {"uid": "1"}
OB3_JWT = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln"  # claims {"vc": {}}
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-x="a>b">\n'
    b'  <title>T &amp; C</title>\n  <rect width="10" height="10"/>\n</svg>\n'
)


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    return [(t, data[s:s + n]) for t, s, n in pngmod.walk(data)]


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("RGBA").tobytes()


# --- PNG ---------------------------------------------------------------------------------------------


def test_png_itxt_right_after_ihdr_uncompressed() -> None:
    original = k.small_png(k.text(b"Software", b"kit"))
    baked = bake(original, ASSERTION)
    types = [t for t, _ in chunks(baked)]
    assert types == [b"IHDR", b"iTXt", b"tEXt", b"IDAT", b"IEND"]
    body = chunks(baked)[1][1]
    assert body.startswith(b"openbadges\x00\x00\x00\x00\x00")  # flag 0, method 0, empty tag and keyword
    assert json.loads(body[15:]) == ASSERTION
    # every other chunk is byte-identical, so the pixels are too
    assert [c for c in chunks(baked) if c[0] != b"iTXt"] == chunks(original)
    assert pixels(baked) == pixels(original)


@pytest.mark.parametrize(
    ("payload", "keyword", "kind"),
    [
        (ASSERTION, b"openbadges", "json"),
        (json.dumps(VC), b"openbadgecredential", "json"),
        (OB2_JWS, b"openbadges", "jws"),
        (OB3_JWT.encode(), b"openbadgecredential", "jws"),
        ("https://issuer.example/assertions/1", b"openbadges", "url"),
    ],
)
def test_png_keyword_follows_the_payload(payload: object, keyword: bytes, kind: str) -> None:
    baked = bake(k.small_png(), payload)  # type: ignore[arg-type]
    assert chunks(baked)[1][1].startswith(keyword + b"\x00")
    result = unbake(baked)
    assert (result.payload_kind, result.version) == (kind, "3.0" if keyword == b"openbadgecredential" else "2.0")


def test_png_replaces_every_old_badge_chunk() -> None:
    old = k.small_png(k.text(b"openbadges", b"https://old.example/a"), k.ztxt(b"openbadges", b"{}"),
                      k.itxt(b"openbadgecredential", b"{}"))
    baked = bake(old, OB3_JWT)
    badge = [c for c in chunks(baked) if c[0] in (b"iTXt", b"tEXt", b"zTXt")]
    assert len(badge) == 1
    assert unbake(baked).payload == OB3_JWT
    # and baking again replaces, never duplicates
    again = bake(baked, ASSERTION)
    assert unbake(again).payload_kind == "json"
    assert sum(1 for t, _ in chunks(again) if t == b"iTXt") == 1


def test_png_keeps_bytes_after_iend_and_ancillary_chunks() -> None:
    original = k.png(k.ihdr(2, 2), k.chunk(b"gAMA", b"\x00\x00\xb1\x8f"), k.idat_rgba(2, 2), k.iend()) + b"trailer"
    baked = bake(original, ASSERTION)
    assert baked.endswith(k.iend() + b"trailer")
    assert k.chunk(b"gAMA", b"\x00\x00\xb1\x8f") in baked


def test_png_broken_structure_is_refused() -> None:
    with pytest.raises(ValueError, match="IEND"):
        bake(k.small_png()[:-12], ASSERTION)


def test_forced_version() -> None:
    baked = bake(k.small_png(), "eyJhbGciOiJub25lIn0.bm90IGpzb24.", version="3.0")
    assert unbake(baked).version == "3.0"
    with pytest.raises(ValueError, match="not base64url JSON"):
        bake(k.small_png(), "eyJhbGciOiJub25lIn0.bm90IGpzb24.")


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ("", "empty"),
        ("not a badge", "neither JSON"),
        ('{"a": NaN}', "not usable"),
        ("[1, 2]", "not an object"),
        (b"\xff\xfe{}", "not UTF-8"),
        ("https://a.example/\x01", "control characters"),
        ({"x": float("nan")}, "cannot be serialized"),
    ],
)
def test_bad_payload(payload: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        bake(k.small_png(), payload)  # type: ignore[arg-type]


def test_ob3_url_cannot_be_forced() -> None:
    with pytest.raises(ValueError, match="URL"):
        bake(k.small_png(), "https://a.example/c", version="3.0")


def test_not_an_image() -> None:
    for image in (b"GIF89a....", b"", b'{"json": true}'):
        with pytest.raises(ValueError, match="neither PNG nor SVG"):
            bake(image, ASSERTION)


def test_wrong_payload_type_is_a_programmer_error() -> None:
    with pytest.raises(TypeError):
        bake(k.small_png(), 42)  # type: ignore[arg-type]


# --- SVG ---------------------------------------------------------------------------------------------


def test_svg_element_after_root_start_tag_rest_untouched() -> None:
    baked = bake(SVG, ASSERTION)
    text = baked.decode()
    assert f'xmlns:openbadges="{OB2}"' in text.split(">", 3)[2]  # declared on the root start tag
    start = text.index("<openbadges:assertion")
    assert text[:start].rstrip().endswith('data-x="a>b">')
    assert 'verify="https://issuer.example/assertions/1"' in text
    assert "<![CDATA[" in text
    # all but the inserted declaration and element is byte for byte the original
    without = baked.replace(f' xmlns:openbadges="{OB2}"'.encode(), b"")
    element_end = without.index(b"</openbadges:assertion>") + len(b"</openbadges:assertion>")
    element_start = without.index(b"\n<openbadges:assertion")
    assert without[:element_start] + without[element_end:] == SVG
    result = unbake(baked)
    assert result.payload is not None
    assert json.loads(result.payload) == ASSERTION
    assert result.verify_url == "https://issuer.example/assertions/1"


def test_svg_cdata_terminator_is_split() -> None:
    payload = {"@context": "https://w3id.org/openbadges/v2", "note": "a ]]> b ]]]]> c"}
    baked = bake(SVG, payload)
    assert b"]]]]><![CDATA[>" in baked
    result = unbake(baked)
    assert result.payload is not None
    assert json.loads(result.payload) == payload


def test_svg_jws_and_url_go_in_verify() -> None:
    jws = bake(SVG, OB2_JWS)
    assert f'<openbadges:assertion verify="{OB2_JWS}"/>'.encode() in jws
    url = bake(SVG, "https://issuer.example/a?x=1&y=<2>")
    assert b'verify="https://issuer.example/a?x=1&amp;y=&lt;2&gt;"' in url
    assert unbake(url).payload == "https://issuer.example/a?x=1&y=<2>"


def test_svg_ob3_json_and_jwt() -> None:
    json_baked = bake(SVG, VC)
    assert f'xmlns:openbadges="{OB3}"'.encode() in json_baked
    assert b"<openbadges:credential><![CDATA[" in json_baked
    jwt_baked = bake(SVG, OB3_JWT)
    assert f'<openbadges:credential verify="{OB3_JWT}"></openbadges:credential>'.encode() in jwt_baked
    assert unbake(jwt_baked).version == "3.0"


def test_svg_replaces_and_switches_namespace() -> None:
    ob2 = bake(SVG, OB2_JWS)
    ob3 = bake(ob2, OB3_JWT)
    assert ob3.count(b"openbadges:") == 2  # the declaration and the one element
    assert f'xmlns:openbadges="{OB3}"'.encode() in ob3
    assert OB2.encode() not in ob3
    assert unbake(ob3).payload == OB3_JWT
    back = bake(ob3, ASSERTION)
    assert unbake(back).version == "2.0"


def test_svg_replaces_duplicates_and_other_prefixes() -> None:
    dup = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="{OB2}"><ob:assertion verify="{OB2_JWS}"/>'
           f'<g><ob:assertion verify="{OB2_JWS}"/></g></svg>').encode()
    assert not unbake(dup).ok
    baked = bake(dup, ASSERTION)
    assert unbake(baked).ok
    assert b"<ob:assertion" not in baked
    assert b"<g></g>" in baked


def test_svg_other_use_of_prefix_keeps_root_declaration() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="urn:other">'
           b'<openbadges:meta/></svg>')
    baked = bake(svg, VC)
    assert b'xmlns:openbadges="urn:other"' in baked
    assert f'<openbadges:credential xmlns:openbadges="{OB3}">'.encode() in baked
    assert unbake(baked).version == "3.0"


def test_svg_self_closing_root() -> None:
    baked = bake(b'<svg xmlns="http://www.w3.org/2000/svg" width="1"/>', OB2_JWS)
    assert baked.endswith(b"</svg>")
    assert unbake(baked).payload == OB2_JWS


def test_svg_external_doctype_is_dropped_internal_subset_refused() -> None:
    external = SVG.replace(b"<svg ", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                                      b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg ', 1)
    baked = bake(external, OB2_JWS)
    assert b"DOCTYPE" not in baked
    assert unbake(baked).ok
    internal = SVG.replace(b"<svg ", b'<!DOCTYPE svg [<!ENTITY a "b">]>\n<svg ', 1)
    with pytest.raises(ValueError, match="internal subset"):
        bake(internal, OB2_JWS)


def test_svg_gzipped_stays_gzipped() -> None:
    baked = bake(gzip.compress(SVG, mtime=0), OB2_JWS)
    assert baked.startswith(b"\x1f\x8b")
    assert unbake(baked).payload == OB2_JWS
    assert zlib.decompress(baked, 31).startswith(b'<?xml version="1.0"')


def test_svg_json_with_noncharacters_is_escaped() -> None:
    payload = {"@context": "https://w3id.org/openbadges/v2", "s": "a\ufffeb\uffff"}
    result = unbake(bake(SVG, payload))
    assert result.payload is not None
    assert json.loads(result.payload) == payload


def test_svg_refusals() -> None:
    with pytest.raises(ValueError, match="UTF-8"):
        bake(SVG.replace(b"UTF-8", b"ISO-8859-1"), OB2_JWS)
    with pytest.raises(ValueError, match="not svg"):
        bake(b"<html/>", OB2_JWS)
    with pytest.raises(ValueError, match="not well-formed"):
        bake(b"<svg><g></svg>", OB2_JWS)
