"""SVG unbaking (OB 2.0 Baking "SVGs", OB 3.0 §5.3.2, SECURITY.md §4): namespaces, both paths, hostile XML."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from helpers.bounded import MAX_EXTRA_BYTES, peak_extra
from obverify import Baked, unbake
from obverify._engines.bakery import svg_read as svgmod
from obverify._engines.bakery.payload import BakedVersion

OB2 = "http://openbadges.org"
OB3 = "https://purl.imsglobal.org/ob/v3p0"
ASSERTION = '{"@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/assertions/1"}'
VC = '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}'
JWT = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl"
MARKER = "SECRET-MARKER-7f3a"


def doc(inner: str, *, root_attrs: str = f'xmlns:openbadges="{OB2}"', head: str = "") -> bytes:
    return (
        f'{head}<svg xmlns="http://www.w3.org/2000/svg" {root_attrs} viewBox="0 0 10 10">\n'
        f'  <rect width="10" height="10"/>\n{inner}\n  <circle r="3"/>\n</svg>\n'
    ).encode()


def ok(data: bytes) -> Baked:
    baked = unbake(data)
    assert baked.ok, baked.error
    assert baked.image == "svg"
    return baked


def fails(data: bytes, fragment: str) -> Baked:
    baked, peak = peak_extra(lambda: unbake(data))
    assert not baked.ok
    assert baked.payload is None
    assert baked.error is not None
    assert fragment in baked.error, baked.error
    assert MARKER not in baked.error
    assert peak < MAX_EXTRA_BYTES, peak
    return baked


def test_ob2_json_body_with_hosted_verify_url() -> None:
    data = doc(f'<openbadges:assertion verify="https://issuer.example/assertions/1"><![CDATA[ {ASSERTION} ]]>'
               "</openbadges:assertion>")
    baked = ok(data)
    assert (baked.version, baked.payload_kind, baked.payload) == ("2.0", "json", ASSERTION)
    assert baked.verify_url == "https://issuer.example/assertions/1"
    assert baked.location == "svg openbadges:assertion body"


def test_ob2_plain_text_body() -> None:
    body = ASSERTION.replace("&", "&amp;").replace("<", "&lt;")
    assert ok(doc(f"<openbadges:assertion>{body}</openbadges:assertion>")).payload == ASSERTION


def test_ob2_signed_in_verify_attribute() -> None:
    baked = ok(doc(f'<openbadges:assertion verify="{JWT}"/>'))
    assert (baked.payload_kind, baked.payload, baked.location) == ("jws", JWT, "svg openbadges:assertion@verify")


def test_ob2_hosted_url_only() -> None:
    baked = ok(doc('<openbadges:assertion verify="https://issuer.example/a?x=1&amp;y=2"><![CDATA[]]>'
                   "</openbadges:assertion>"))
    assert (baked.payload_kind, baked.payload) == ("url", "https://issuer.example/a?x=1&y=2")


def test_ob3_json_body_and_jwt() -> None:
    baked = ok(doc(f"<openbadges:credential><![CDATA[{VC}]]></openbadges:credential>",
                   root_attrs=f'xmlns:openbadges="{OB3}"'))
    assert (baked.version, baked.payload_kind) == ("3.0", "json")
    jwt = ok(doc(f'<openbadges:credential verify="{JWT}"></openbadges:credential>',
                 root_attrs=f'xmlns:openbadges="{OB3}"'))
    assert (jwt.version, jwt.payload_kind, jwt.payload) == ("3.0", "jws", JWT)


def test_ob3_both_verify_and_body_is_refused() -> None:
    data = doc(f'<openbadges:credential verify="{JWT}"><![CDATA[{VC}]]></openbadges:credential>',
               root_attrs=f'xmlns:openbadges="{OB3}"')
    fails(data, "both a verify attribute and a body")


def test_ob3_url_is_refused() -> None:
    data = doc('<ob:credential verify="https://issuer.example/c"/>', root_attrs=f'xmlns:ob="{OB3}"')
    fails(data, "URL")


def test_matched_by_namespace_not_prefix() -> None:
    # any prefix bound to the namespace counts ...
    assert ok(doc(f"<badge:assertion><![CDATA[{ASSERTION}]]></badge:assertion>",
                  root_attrs=f'xmlns:badge="{OB2}"')).payload == ASSERTION
    # ... and the literal prefix bound elsewhere does not
    fails(doc(f"<openbadges:assertion><![CDATA[{ASSERTION}]]></openbadges:assertion>",
              root_attrs='xmlns:openbadges="http://openbadges.org/"'), "no badge element")
    # the OB 2.0 element name in the OB 3.0 namespace is no badge either
    fails(doc(f"<openbadges:assertion><![CDATA[{VC}]]></openbadges:assertion>",
              root_attrs=f'xmlns:openbadges="{OB3}"'), "no badge element")


def test_default_namespace_and_nested_declarations() -> None:
    nested = doc(f'<assertion xmlns="{OB2}"><![CDATA[{ASSERTION}]]></assertion>', root_attrs="")
    assert ok(nested).payload == ASSERTION
    deeper = doc(f'<g xmlns:o="{OB3}"><g><o:credential verify="{JWT}"/></g></g>', root_attrs="")
    assert ok(deeper).payload == JWT


def test_commented_out_element_is_not_counted() -> None:
    data = doc(f"<!-- <openbadges:assertion verify='https://old.example/a'/> -->\n"
               f"<openbadges:assertion><![CDATA[{ASSERTION}]]></openbadges:assertion>"
               "<?pi <openbadges:assertion/> ?>")
    assert ok(data).payload == ASSERTION


def test_closing_tag_text_inside_cdata() -> None:
    payload = json.dumps({"note": "</openbadges:assertion> <!-- x"})
    data = doc(f"<openbadges:assertion><![CDATA[{payload}]]></openbadges:assertion>")
    assert ok(data).payload == payload


def test_long_prologue_and_bom() -> None:
    head = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n' + "<!-- " + "x" * 5000 + " -->\n"
    assert ok(doc(f'<openbadges:assertion verify="{JWT}"/>', head=head)).payload == JWT


def test_utf16_document_takes_the_full_path() -> None:
    text = doc(f'<openbadges:assertion verify="{JWT}"/>',
               head='<?xml version="1.0" encoding="UTF-16"?>\n').decode()
    assert ok(text.encode("utf-16")).payload == JWT


def test_gzipped_svg() -> None:
    data = gzip.compress(doc(f'<openbadges:assertion verify="{JWT}"/>'), mtime=0)
    assert ok(data).payload == JWT


def test_gzip_bomb() -> None:
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_SYNC_FLUSH)
    bomb = block + (comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_SYNC_FLUSH)) * 40 + comp.flush()
    fails(bomb, "decompression bomb")


def test_fast_and_full_paths_agree_on_a_plain_file() -> None:
    data = doc(f'<openbadges:assertion verify="https://issuer.example/a"><![CDATA[{ASSERTION}]]>'
               "</openbadges:assertion>")
    fast = svgmod.locate(data)
    _, _, full = svgmod.parse_full(data)
    assert [(e.version, e.attrs, e.text, e.start, e.end) for e in fast.elements] == [
        (e.version, e.attrs, e.text, e.start, e.end) for e in full
    ]
    assert data[fast.elements[0].start:fast.elements[0].end].startswith(b"<openbadges:assertion ")
    assert data[fast.elements[0].start:fast.elements[0].end].endswith(b"</openbadges:assertion>")


# --- the fast path's lazy lexer (comments, CDATA sections, PIs) -------------------------------------------

PAD = '<path d="M1 2 L3 4Z" fill="#012345"/>\n' * 400


def _agree(data: bytes) -> list[tuple[BakedVersion, int, int]] | None:
    """The fast path's spans, checked against the full parse whenever the fast path answers."""
    pos, _, _ = svgmod.prolog(data)
    root = svgmod.parse_root(data, pos)
    assert root is not None
    fast = svgmod._fast_spans(data, root)
    _, _, full = svgmod.parse_full(data, keep_all=True)
    if fast is not None:
        assert fast == [(e.version, e.start, e.end) for e in full]
    return fast


def test_lexer_shortcut_far_position_without_question_mark_after() -> None:
    # a PI early, the position far in: no `!` before it and no `?` after it, so the `?` scan of
    # everything before it is skipped (the lexer records that no `?` follows)
    data = doc("<?pi early?>" + PAD + "<text>x: y</text>")
    colon = data.rindex(b":")
    lexer = svgmod._Lexer(data, data.index(b">") + 1)
    assert lexer.skip(colon) == colon
    assert lexer.ok
    assert (lexer.next[b"?"], lexer.seen[b"?"]) == (-1, len(data))
    assert lexer.pos == colon


def test_lexer_shortcut_refused_inside_a_late_pi_or_comment() -> None:
    for inner, closer in (("<?pi a: b ?>", b"?>"), ("<!-- a: b -->", b"-->"), ("<![CDATA[ a: b ]]>", b"]]>")):
        data = doc(PAD + f"<style>{inner}</style>")
        lexer = svgmod._Lexer(data, data.index(b">") + 1)
        end = data.index(closer) + len(closer)
        assert lexer.skip(data.rindex(b":")) == end, inner
        assert lexer.ok


def test_lexer_shortcut_refused_when_a_question_mark_follows() -> None:
    # a `?` after the position: the PI before it must be lexed exactly, which finds that it encloses it
    data = doc("<?pi " + PAD + " a: b ?>" + "<text>?</text>")
    lexer = svgmod._Lexer(data, data.index(b">") + 1)
    assert lexer.skip(data.index(b"a: b")) == data.index(b"?>") + 2
    assert lexer.q_after > 0


def test_lexer_positions_after_a_construct_and_stray_marks() -> None:
    data = doc('<text>wow! what?</text><!-- a: b --><g id="c:d"/>')
    lexer = svgmod._Lexer(data, data.index(b">") + 1)
    a, c = data.index(b"a: b"), data.index(b"c:d")
    end = data.index(b"-->") + 3
    assert lexer.skip(a) == end
    assert lexer.skip(a + 1) == end  # still inside the construct lexed last
    assert lexer.skip(c) == c
    assert lexer.ok
    assert lexer.hits == 3


def test_empty_comment_hides_nothing() -> None:
    # "<!---->" ends at its own "-->": the element after it is real (the fast path once searched past it)
    data = doc(f'<!----><openbadges:assertion verify="{JWT}"/><!-- x -->')
    assert _agree(data) == [("2.0", data.index(b"<openbadges:"), data.index(b"/><!-- x") + 2)]
    assert ok(data).payload == JWT
    two = doc(f'<!----><openbadges:assertion verify="{JWT}"/><!-- --><openbadges:assertion verify="{JWT}"/>')
    fails(two, "more than one badge element")


def test_lexer_gives_up_on_unterminated_or_unknown_constructs() -> None:
    for inner in ("<!-- a: b", "<![CDATA[ a: b", "<?pi a: b", "<!DOCTYPE x> a: b"):
        data = doc(inner + PAD)  # the position is near the start: lexed exactly
        lexer = svgmod._Lexer(data, data.index(b">") + 1)
        lexer.skip(data.index(b"a: b"))
        assert not lexer.ok, inner


def test_lexer_shortcuts_do_not_look_for_constructs_that_never_end() -> None:
    # documented limits (such a document is not well-formed): far in with no `?` after the position, a
    # PI that never ends; within the last TAIL_BYTES, any construct that never ends
    data = doc(PAD * 4 + "<?pi a: b" + PAD * 2)
    lexer = svgmod._Lexer(data, data.index(b">") + 1)
    at = data.index(b"a: b")
    assert (lexer.skip(at), lexer.ok) == (at, True)
    for inner in ("<!-- a: b", "<![CDATA[ a: b"):
        data = doc(PAD * 4 + inner + PAD * 2)  # far in, but too far from the end: lexed exactly
        lexer = svgmod._Lexer(data, data.index(b">") + 1)
        lexer.skip(data.index(b"a: b"))
        assert not lexer.ok, inner
        data = doc(PAD + inner)
        lexer = svgmod._Lexer(data, data.index(b">") + 1)
        at = data.index(b"a: b")
        assert (lexer.skip(at), lexer.ok) == (at, True)


def test_lexer_tail() -> None:
    far = doc(PAD + "<text>a: b</text><g/>")
    lexer = svgmod._Lexer(far, far.index(b">") + 1)
    assert lexer.tail(far.index(b"a: b")) == -1  # no `?>`, `-->` or `]]>` after it
    assert lexer.tail(far.index(b"<path")) is None  # near the start: not worth it
    for closer in ("?>", "-->"):
        data = doc(PAD + f"<text>a: b {closer}</text>")
        assert svgmod._Lexer(data, data.index(b">") + 1).tail(data.index(b"a: b")) is None
    data = doc(PAD + "<text>a: b</text><style><![CDATA[ x ]]></style>")
    assert svgmod._Lexer(data, data.index(b">") + 1).tail(data.index(b"a: b")) == data.index(b"]]>")
    long_tail = doc("<text>a: b</text>" + PAD * 2)
    assert svgmod._Lexer(long_tail, 50).tail(long_tail.index(b"a: b")) is None


@pytest.mark.parametrize(
    "inner",
    [
        # near the end, the only start tag, with its own CDATA body: settled by the end tag after it
        PAD + f'<openbadges:assertion verify="https://x.example/a"><![CDATA[{ASSERTION}]]></openbadges:assertion>',
        # a CDATA section enclosing a fake start tag with its own fake body and end tag: not counted
        PAD + "<style><![CDATA[ <openbadges:assertion><![CDATA[ x ]]></style>",
        # a second start tag of the same name before it: the tail check does not apply
        f'<openbadges:assertion verify="{JWT}"/>' + PAD
        + "<style><![CDATA[ <openbadges:assertion><![CDATA[ x ]]></style>",
        # a self-closing real element with a CDATA section after it
        PAD + f'<openbadges:assertion verify="{JWT}"/><style><![CDATA[ x ]]></style>',
    ],
)
def test_fast_path_near_the_end_with_cdata(inner: str) -> None:
    data = doc(inner)
    _agree(data)
    _, _, full = svgmod.parse_full(data, keep_all=True)
    baked = unbake(data)
    assert baked.ok == bool(full)


@pytest.mark.parametrize(
    "inner",
    [
        # the real element far in, after a PI and with no `?` after it: the shortcut answers
        "<?pi early?>" + PAD + f'<openbadges:assertion verify="{JWT}"/>',
        # fake elements far in, inside a PI, a comment and a CDATA section, after the real one
        f'<openbadges:assertion verify="{JWT}"/>' + PAD + "<?pi <openbadges:assertion verify='x'/> ?>",
        f'<openbadges:assertion verify="{JWT}"/>' + PAD + "<!-- <openbadges:assertion verify='x'/> -->",
        f'<openbadges:assertion verify="{JWT}"/>' + PAD
        + "<style><![CDATA[ <openbadges:assertion verify='x'/> ]]></style>",
        # a PI far in that holds `<!--`: the comment opener inside it must not hide the real element
        PAD + "<?pi <!-- ?>" + f'<openbadges:assertion verify="{JWT}"/>' + "<!-- -->",
        # the real element far in with a CDATA body, PIs both before and after it
        "<?a?>" + PAD + f'<openbadges:assertion verify="https://x.example/a"><![CDATA[{ASSERTION}]]>'
        "</openbadges:assertion><?b?>",
    ],
)
def test_fast_path_far_in_agrees_with_the_full_parse(inner: str) -> None:
    data = doc(inner)
    spans = _agree(data)
    assert spans is not None
    assert len(spans) == 1
    assert ok(data).payload in (JWT, ASSERTION)


class _CountingBytes(bytes):
    """bytes whose `find` adds up how far each search reads, per needle."""

    read: dict[bytes, int]

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:
        lo = 0 if start is None else start
        hi = len(self) if end is None else end
        found = super().find(sub, lo, hi)
        self.read[sub] = self.read.get(sub, 0) + ((found if found >= 0 else hi) - lo)
        return found


def test_badge_near_the_end_reads_the_document_twice_only() -> None:
    # the benchmark's shape: the `&` and `:` scans read it all, nothing else reads more than the tail
    plain = doc(PAD * 8 + f'<openbadges:assertion verify="https://x.example/a"><![CDATA[{ASSERTION}]]>'
                "</openbadges:assertion>" + PAD[:PAD.index("\n") + 1])
    data = _CountingBytes(plain)
    data.read = {}
    pos, _, _ = svgmod.prolog(data)
    root = svgmod.parse_root(data, pos)
    assert root is not None
    assert svgmod._fast_spans(data, root) == _agree(plain)
    assert data.read.pop(b"&") > len(data) * 0.99
    assert data.read.pop(b":") > len(data) * 0.9
    assert sum(data.read.values()) < 2000, data.read


# --- hostile documents ------------------------------------------------------------------------------


def test_two_badge_elements() -> None:
    two = doc(f'<openbadges:assertion verify="{JWT}"/><openbadges:assertion verify="https://x.example/a"/>')
    fails(two, "more than one badge element")
    # the same on the full path (a declaration below the root)
    nested = doc(f'<g xmlns:b="{OB2}"><b:assertion verify="{JWT}"/><b:assertion verify="{JWT}"/></g>', root_attrs="")
    fails(nested, "more than one badge element")
    both = doc(f'<openbadges:assertion verify="{JWT}"/><c:credential verify="{JWT}"/>',
               root_attrs=f'xmlns:openbadges="{OB2}" xmlns:c="{OB3}"')
    fails(both, "more than one badge element")


def test_badge_element_nested_in_a_badge_element() -> None:
    # The full parse used to skip a badge element met while inside another one, so the outer body was
    # accepted although the file holds two badge elements (the fast path already refused it): a reader
    # taking the inner one would show a different badge.
    inner = (f"<openbadges:assertion>{ASSERTION}<openbadges:assertion>{VC}</openbadges:assertion>"
             "</openbadges:assertion>")
    fails(doc(inner), "more than one badge element")  # fast path
    fails(doc(inner + "&#32;"), "more than one badge element")  # a character reference: the full path
    fails(doc(inner).decode().encode("utf-16"), "more than one badge element")  # not ASCII-compatible: full


def test_billion_laughs() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    )
    data = doc("<openbadges:assertion>&lol9;</openbadges:assertion>", head=f"<!DOCTYPE svg [{entities}]>\n")
    fails(data, "DOCTYPE")
    # also when the fast path cannot run (UTF-16): defusedxml refuses the DTD
    fails(data.decode().encode("utf-16"), "DOCTYPE")


def test_quadratic_blowup() -> None:
    entity = f'<!ENTITY a "{"x" * 50_000}">'
    data = doc("<openbadges:assertion>" + "&a;" * 50_000 + "</openbadges:assertion>",
               head=f"<!DOCTYPE svg [{entity}]>")
    fails(data, "DOCTYPE")


def test_xxe_file_marker_never_appears(tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    marker.write_text(MARKER)
    head = f'<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file://{marker}">]>\n'
    for data in (
        doc("<openbadges:assertion>&xxe;</openbadges:assertion>", head=head),
        doc('<openbadges:assertion verify="&xxe;"/>', head=head),
        doc('<openbadges:assertion verify="&xxe;"/>', head=head).decode().encode("utf-16"),
    ):
        baked = fails(data, "DOCTYPE")
        assert MARKER not in repr(baked)


def test_external_dtd_and_entities_make_no_connection(listener: tuple[int, list[int]]) -> None:
    port, count = listener
    base = f"http://127.0.0.1:{port}"
    heads = [
        f'<!DOCTYPE svg SYSTEM "{base}/svg.dtd">\n',
        f'<!DOCTYPE svg [<!ENTITY % p SYSTEM "{base}/p.dtd"> %p;]>\n',
        f'<!DOCTYPE svg [<!ENTITY e SYSTEM "{base}/e.xml">]>\n',
    ]
    for head in heads:
        data = doc("<openbadges:assertion>&e;</openbadges:assertion>", head=head)
        # an external-only DOCTYPE is allowed but never read, so `&e;` is an undefined entity (issue 15)
        fails(data, "entit")
        fails(data.decode().encode("utf-16"), "DOCTYPE")
    assert ok(doc(f'<openbadges:assertion verify="{JWT}"/>', head=heads[0])).payload == JWT
    xinclude = doc(f'<openbadges:assertion verify="{JWT}"><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                   f'href="{base}/x.xml"/></openbadges:assertion>')
    assert ok(xinclude).payload == JWT  # XInclude is never processed
    assert count[0] == 0


def test_deep_nesting() -> None:
    depth = 100_000
    inside = doc("<openbadges:assertion>" + "<g>" * depth + "</g>" * depth + "</openbadges:assertion>")
    fails(inside, "nested deeper than 256")
    # the full path (no namespace on the root) walks the whole document and stops at the cap
    outside = doc("<g>" * depth + f'<assertion xmlns="{OB2}" verify="{JWT}"/>' + "</g>" * depth, root_attrs="")
    fails(outside, "nested deeper than 256")


def test_too_many_elements_on_the_full_path() -> None:
    data = doc("<g/>" * (svgmod.MAX_ELEMENTS + 10) + f'<assertion xmlns="{OB2}" verify="{JWT}"/>', root_attrs="")
    fails(data, "elements")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        # an unbound prefix: the fast path sees no element bound to a badge namespace
        (b"<svg xmlns='http://www.w3.org/2000/svg'><openbadges:assertion/></svg>", "no badge element"),
        (doc('<openbadges:assertion verify="a.b.c" verify="d.e.f"/>'), "not well-formed"),
        (doc("<openbadges:assertion>"), "not well-formed"),
        (doc("<openbadges:assertion></openbadges:assertion>"), "neither a verify attribute nor a body"),
        (doc(f'<openbadges:assertion verify="x">{{"a": "{MARKER}",}}</openbadges:assertion>'), "not usable"),
        (doc(f"<openbadges:assertion>{MARKER}</openbadges:assertion>"), "neither JSON"),
        (f'<html xmlns:openbadges="{OB2}"><openbadges:assertion verify="{JWT}"/></html>'.encode(), "not svg"),
        (b"<svg", "not well-formed"),
        (b"   <", "not well-formed"),
        (b"<?xml version='1.0' encoding='klingon'?><svg/>", "cannot be parsed"),
    ],
)
def test_malformed(data: bytes, fragment: str) -> None:
    fails(data, fragment)


def test_oversized_svg() -> None:
    data = doc("<openbadges:assertion verify='x'/>" + " " * (16 * 1024 * 1024))
    fails(data, "larger than")


# --- the shared interop corpus ------------------------------------------------------------------------


def test_interop_svgs(interop_dir: Path) -> None:
    spec = ok((interop_dir / "spec-examples/ob2/baked-hosted-assertion.svg").read_bytes())
    assert spec.payload is not None
    assert json.loads(spec.payload)["id"] == "https://example.org/assertions/123"
    assert (spec.payload_kind, spec.verify_url) == ("json", "https://example.org/assertions/123")
    concentric = ok((interop_dir / "bakery/concentricsky/baked_example.svg").read_bytes())
    assert concentric.payload is not None
    assert json.loads(concentric.payload)["uid"] == "abcdef12345"
    assert concentric.verify_url == "https://example.org/assertion.json"
    mozilla = ok((interop_dir / "bakery/mozilla/baked.svg").read_bytes())
    assert (mozilla.payload, mozilla.verify_url) == ('{"verify":{"url":"http://example.org"}}', "http://example.org")
    no_json = ok((interop_dir / "bakery/mozilla/no-json.svg").read_bytes())
    assert (no_json.payload_kind, no_json.payload) == ("url", "http://example.org")
    bad = unbake((interop_dir / "bakery/mozilla/bad-json.svg").read_bytes())
    assert bad.error is not None
    assert "not usable" in bad.error
    for name in ("mozilla/unbaked.svg", "concentricsky/unbaked_example.svg"):
        none = unbake((interop_dir / "bakery" / name).read_bytes())
        assert none.error is not None
        assert "no badge element" in none.error


EXPORTER_DOCTYPE = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')


@pytest.mark.parametrize("head", [
    EXPORTER_DOCTYPE,
    '<!DOCTYPE svg SYSTEM "svg11.dtd">',
    "<!-- Generator: Adobe Illustrator 27.0 -->\n<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'x.dtd' >\n",
    "<!DOCTYPE svg>",
])
def test_external_only_doctype_is_accepted(head: str) -> None:
    """Issue 15 class 1: exporters write a DOCTYPE with an external identifier; it is never read."""
    ob2 = doc(f'<openbadges:assertion verify="{JWT}"/>', head=head)
    assert ok(ob2).payload == JWT
    body = doc(f"<openbadges:assertion><![CDATA[{ASSERTION}]]></openbadges:assertion>", head=head)
    assert ok(body).payload == ASSERTION
    ob3 = doc(f"<openbadges:credential><![CDATA[{VC}]]></openbadges:credential>",
              root_attrs=f'xmlns:openbadges="{OB3}"', head=head)
    assert (ok(ob3).version, ok(ob3).payload) == ("3.0", VC)
    ob3_jwt = doc(f'<openbadges:credential verify="{JWT}"/>', root_attrs=f'xmlns:openbadges="{OB3}"', head=head)
    assert ok(ob3_jwt).payload == JWT


@pytest.mark.parametrize("head", [
    '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd" [<!ENTITY e "x">]>',
    '<!DOCTYPE svg [<!ATTLIST openbadges:assertion verify CDATA "https://attacker.example/a">]>',
    "<!DOCTYPE svg []>",
    '<!DOCTYPE svg SYSTEM "a.dtd" [ ]>',
])
def test_doctype_with_internal_subset_still_refused(head: str) -> None:
    # an ATTLIST default would add a `verify` attribute the element never wrote: any internal subset is refused
    fails(doc("<openbadges:assertion/>", head=head), "internal subset")


@pytest.mark.parametrize("inner", [
    f'<openbadges:assertion verify="{JWT}&nbsp;"/>',
    f"<openbadges:assertion><![CDATA[{ASSERTION}]]>&e;</openbadges:assertion>",
    f'<openbadges:assertion verify="{JWT}"/><text>&copy;</text>',  # outside the badge element: still refused
])
def test_entity_reference_under_external_doctype_refused(inner: str) -> None:
    fails(doc(inner, head=EXPORTER_DOCTYPE), "entity reference")
    # the same document without a DOCTYPE is refused too, or (reference outside the element) read as before
    assert ok(doc(f'<openbadges:assertion verify="{JWT}"/>', head=EXPORTER_DOCTYPE)).payload == JWT


def test_doctype_blanking_keeps_predefined_and_character_references() -> None:
    data = doc(f'<openbadges:assertion verify="{JWT}"/><text>&amp;&#65;&lt;</text>', head=EXPORTER_DOCTYPE)
    assert ok(data).payload == JWT
