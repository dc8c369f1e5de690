"""Hypothesis properties of baking and unbaking (issue 3; SECURITY.md §3, §4).

- bake then unbake returns the payload, for any payload and any valid PNG or SVG;
- a baked PNG decodes to the same pixels as the original;
- unbake never raises, and never hits its internal-error net, on arbitrary bytes or on mutations
  (truncation, bit flips, rewritten lengths) of valid baked images;
- the SVG fast path and the full defusedxml parse find the same badge elements.
"""

from __future__ import annotations

import base64
import io
import json
import struct
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from helpers import pngkit as k
from obverify import Baked, bake, unbake
from obverify._engines.bakery import png as pngmod
from obverify._engines.bakery import svg_read as svgmod

OB2 = "http://openbadges.org"
OB3 = "https://purl.imsglobal.org/ob/v3p0"

texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts
xml_texts = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"),
                    max_size=30)
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(texts, c, max_size=4),
                           max_leaves=12)
contexts = st.sampled_from([
    "https://w3id.org/openbadges/v2", ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/x"],
])
json_objects = st.builds(lambda extra, ctx: {**extra, "@context": ctx}, st.dictionaries(texts, json_values,
                                                                                        max_size=5), contexts)


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


jws_tokens = st.builds(
    lambda claims, sig: f"{_b64({'alg': 'RS256'})}.{_b64(claims)}.{sig}",
    st.dictionaries(st.sampled_from(["vc", "iss", "uid", "sub"]), st.text(max_size=5), max_size=3),
    st.text(alphabet="ABCDEFabcdef0123456789-_", min_size=1, max_size=40),
)
urls = st.builds(lambda tail: "https://issuer.example/" + tail,
                 st.text(alphabet="abcXYZ019-._~:/?#[]@!$&'()*+,;=%<>\"", max_size=40))
payloads = st.one_of(json_objects, jws_tokens, urls)


@st.composite
def pngs(draw: st.DrawFn) -> bytes:
    mode = draw(st.sampled_from(["RGB", "RGBA", "L", "P", "1"]))
    width, height = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    channels = {"RGB": 3, "RGBA": 4, "L": 1, "P": 1, "1": 1}[mode]
    raw = draw(st.binary(min_size=width * height * channels, max_size=width * height * channels))
    image = Image.frombytes(mode if mode != "1" else "L", (width, height), raw)
    if mode == "1":
        image = image.convert("1")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


_svg_children = st.one_of(
    st.just('<rect width="3" height="4"/>'),
    st.just("<!-- <openbadges:assertion verify='https://fake.example/'/> -->"),
    st.just("<?pi <openbadges:credential/> ?>"),
    st.just("<style><![CDATA[ rect { fill: red } </openbadges:assertion> ]]></style>"),
    xml_texts.map(lambda t: f"<text>{escape(t)}</text>"),
    xml_texts.map(lambda t: f'<g id="{escape(t, {chr(34): "&quot;"})}"><circle r="1"/></g>'),
)


@st.composite
def svgs(draw: st.DrawFn) -> bytes:
    children = draw(st.lists(_svg_children, max_size=6))
    prolog = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "<!-- c -->\n"]))
    extra_ns = draw(st.sampled_from(["", ' xmlns:xlink="http://www.w3.org/1999/xlink"', f' xmlns:openbadges="{OB2}"']))
    closing = draw(st.booleans())
    if closing and not children:
        return f'{prolog}<svg xmlns="http://www.w3.org/2000/svg"{extra_ns}/>'.encode()
    return f'{prolog}<svg xmlns="http://www.w3.org/2000/svg"{extra_ns}>{"".join(children)}</svg>\n'.encode()


def _expected(payload: object) -> tuple[str, object]:
    if isinstance(payload, dict):
        return "json", payload
    assert isinstance(payload, str)
    return ("jws", payload) if payload.count(".") == 2 and "/" not in payload else ("url", payload)


def _check_round_trip(baked: Baked, payload: object) -> None:
    assert baked.ok, baked.error
    assert baked.payload is not None
    kind, value = _expected(payload)
    assert baked.payload_kind == kind
    assert (json.loads(baked.payload) if kind == "json" else baked.payload) == value


@given(pngs(), payloads)
def test_png_round_trip_and_same_pixels(image: bytes, payload: object) -> None:
    baked = bake(image, payload)  # type: ignore[arg-type]
    _check_round_trip(unbake(baked), payload)
    with Image.open(io.BytesIO(baked)) as after, Image.open(io.BytesIO(image)) as before:
        assert after.mode == before.mode
        assert after.size == before.size
        assert after.tobytes() == before.tobytes()
        assert after.getpalette() == before.getpalette()


@given(svgs(), payloads, payloads)
def test_svg_round_trip_and_rebake(image: bytes, first: object, second: object) -> None:
    once = bake(image, first)  # type: ignore[arg-type]
    _check_round_trip(unbake(once), first)
    twice = bake(once, second)  # type: ignore[arg-type]
    _check_round_trip(unbake(twice), second)


def _no_internal_error(data: bytes) -> None:
    baked = unbake(data)
    assert baked.ok or baked.error
    assert not (baked.error or "").startswith("internal error"), baked.error


@given(st.binary(max_size=300), st.sampled_from([b"", k.SIGNATURE, b"<svg>", b"\x1f\x8b\x08\x00", b"<?xml"]))
def test_unbake_never_raises_on_arbitrary_bytes(data: bytes, prefix: bytes) -> None:
    _no_internal_error(prefix + data)


_BAKED_PNG = bake(k.small_png(k.text(b"Software", b"x")), {"@context": "https://w3id.org/openbadges/v2", "a": 1})
_BAKED_ZTXT = k.small_png(k.ztxt(b"openbadges", b'{"a": 1}'))
_BAKED_SVG = bake(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', {"@context": "x", "b": "]]>"})


@given(st.sampled_from([_BAKED_PNG, _BAKED_ZTXT, _BAKED_SVG]), st.data())
def test_unbake_survives_mutations(original: bytes, data: st.DataObject) -> None:
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        how = data.draw(st.sampled_from(["truncate", "flip", "length", "insert"]))
        if not mutated:
            break
        at = data.draw(st.integers(0, len(mutated) - 1))
        if how == "truncate":
            del mutated[at:]
        elif how == "flip":
            mutated[at] ^= 1 << data.draw(st.integers(0, 7))
        elif how == "insert":
            mutated[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif original is not _BAKED_SVG:
            # rewrite the length field of one chunk
            offsets = [s - 8 for _, s, _ in pngmod.walk(original)]
            off = data.draw(st.sampled_from(offsets))
            if off + 4 <= len(mutated):
                value = data.draw(st.sampled_from([0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, len(mutated)]))
                mutated[off:off + 4] = struct.pack(">I", value)
    _no_internal_error(bytes(mutated))


_tricky = st.sampled_from([
    '<rect width="3"/>',
    '<openbadges:assertion verify="a.b.c"/>',
    '<openbadges:assertion verify="https://a.example/1"><![CDATA[{"a": "]]]]><![CDATA[>"}]]></openbadges:assertion>',
    "<openbadges:assertion>\n  {&quot;a&quot;: 1}\n</openbadges:assertion >",
    '<c:credential verify="a.b.c"></c:credential>',
    '<g xmlns:openbadges="urn:other"><openbadges:assertion verify="a.b.c"/></g>',
    '<g xmlns:q="http://openbadges.org"><q:assertion verify="a.b.c"/></g>',
    '<g xmlns:q="http&#58;//openbadges.org"><q:assertion verify="a.b.c"/></g>',
    '<assertion xmlns="http://openbadges.org" verify="a.b.c"/>',
    '<credential xmlns="https://purl.imsglobal.org/ob/v3p0" verify="a.b.c"/>',
    "<text>a ! b ? c &amp; d &#33; e: f</text>",
    "<!-- </openbadges:assertion> <openbadges:assertion verify='x'/> -->",
    "<?pi <openbadges:assertion verify='x'/> ?>",
    "<style><![CDATA[ <openbadges:assertion/> </openbadges:assertion> ]]></style>",
    '<openbadges:other/><openbadges:assertionX/><g openbadges:verify="x"/>',
    "<text>openbadges:assertion http://openbadges.org</text>",
    '<a href="?x=1!">link</a>',
    "<style><![CDATA[ &#33; xmlns:q http://openbadges.org ]]></style><!-- &#58; xmlns:x -->",
    # padding, so that later fragments lie far in and the lexer's shortcut (no `!` before, no `?` after) is tried
    "<g>" + '<rect width="1"/>' * 60 + "</g>",
    "<?pi x: y?>",
    "<?pi <!-- ?>",
    "<!-- ? <? -->",
    "<!---->",
])


@given(st.lists(_tricky, max_size=6), st.booleans())
def test_fast_path_is_exact_or_steps_aside(fragments: list[str], with_ob3: bool) -> None:
    """Whenever the fast path answers, it finds exactly the elements (and spans) the full parse finds."""
    ob3 = f' xmlns:c="{OB3}"' if with_ob3 else ""
    data = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB2}"{ob3}>'
            + "".join(fragments) + "</svg>").encode()
    try:
        _, _, full = svgmod.parse_full(data, keep_all=True)
    except ValueError:
        return  # not well-formed (e.g. c: unbound): the fast path may read past what it does not need
    pos, _, _ = svgmod.prolog(data)
    root = svgmod.parse_root(data, pos)
    assert root is not None
    fast = svgmod._fast_spans(data, root)
    if fast is None:
        return
    assert fast == [(e.version, e.start, e.end) for e in full]


@given(svgs(), st.sampled_from([
    '<openbadges:assertion verify="https://a.example/1"><![CDATA[{"a": 1}]]></openbadges:assertion>',
    '<openbadges:assertion verify="a.b.c"/>',
    f'<g><ob3:credential xmlns:ob3="{OB3}" verify="a.b.c"/></g>',
    '<g><openbadges:assertion verify="a.b.c"/><openbadges:assertion verify="d.e.f"/></g>',
]), st.integers(0, 6))
def test_fast_and_full_paths_agree(image: bytes, element: str, position: int) -> None:
    text = image.decode()
    if f'xmlns:openbadges="{OB2}"' not in text:
        text = text.replace("<svg ", f'<svg xmlns:openbadges="{OB2}" ', 1)
    if text.rstrip().endswith("/>"):
        text = text.rstrip()[:-2] + "></svg>"
    # put the element before the position-th child (or at the end)
    body_start = text.index(">", text.index("<svg")) + 1
    cut = body_start
    for _ in range(position):
        nxt = text.find("><", cut)
        if nxt < 0:
            break
        cut = nxt + 1
    data = (text[:cut] + element + text[cut:]).encode()

    def outcome(fn: Any) -> object:
        try:
            return [(e.version, e.attrs, e.text.strip()) for e in fn()]
        except ValueError as exc:
            return str(exc)

    fast = outcome(lambda: svgmod.locate(data).elements)
    full = outcome(lambda: svgmod.parse_full(data)[2])
    assert fast == full
