"""Baking an SVG: one badge element spliced in right after the root start tag, replacing existing ones.

Writes what the Open Badges 2.0 Baking Specification "SVGs" and OB 3.0 §5.3.2 describe (see `svg_read`,
whose prolog reader and full defusedxml parse it uses to refuse broken documents and find the elements to
replace). The text is spliced, never re-serialized.
"""

from __future__ import annotations

import re

from obverify._engines.bakery import BakeryError
from obverify._engines.bakery.payload import BakedVersion
from obverify._engines.bakery.svg_read import OB2_NS, OB3_NS, gunzip, parse_full, parse_root, prolog


def _cdata(text: str) -> str:
    # a CDATA section cannot hold "]]>": end the section inside it and start another
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def element_markup(text: str, kind: str, version: BakedVersion, verify_url: str | None, ns_decl: str) -> str:
    """The badge element as the specs' examples write it, for the prefix `openbadges`."""
    if version == "3.0":
        if kind == "json":
            return f"<openbadges:credential{ns_decl}>{_cdata(text)}</openbadges:credential>"
        return f'<openbadges:credential{ns_decl} verify="{_attr(text)}"></openbadges:credential>'
    if kind == "json":
        verify = f' verify="{_attr(verify_url)}"' if verify_url else ""
        return f"<openbadges:assertion{ns_decl}{verify}>{_cdata(text)}</openbadges:assertion>"
    return f'<openbadges:assertion{ns_decl} verify="{_attr(text)}"/>'


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def bake(image: bytes, text: str, kind: str, version: BakedVersion, verify_url: str | None) -> bytes:
    """Return the SVG with one badge element right after the root start tag, replacing existing ones.

    The text is spliced, never re-serialized: bytes outside the root start tag and the removed badge
    elements are kept as they were. An external-only DOCTYPE is dropped (unbakers refuse any DTD);
    one with an internal subset cannot be baked safely. A gzipped SVG comes back gzipped.
    """
    if image.startswith(b"\x1f\x8b"):
        import gzip

        return gzip.compress(bake(gunzip(image), text, kind, version, verify_url), mtime=0)
    if kind == "json":
        # JSON can carry U+FFFE/U+FFFF only inside strings, where a \\u escape means the same
        text = _XML_ILLEGAL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    elif _XML_ILLEGAL.search(text):
        raise BakeryError("the payload holds characters XML cannot carry")
    _, ascii_ok, doctype = prolog(image)
    if not ascii_ok:
        raise BakeryError("only UTF-8 (or ASCII) SVG documents can be baked")
    if doctype is not None:
        image = image[:doctype[0]] + image[doctype[1]:]
    # baking is not on a hot path: parse the whole document, so a broken one is refused, not spliced
    root_start, root_tag, elements = parse_full(image, keep_all=True)
    if root_tag.rpartition("}")[2] != "svg":
        raise BakeryError("the XML root element is not svg")
    root = parse_root(image, root_start)
    if root is None:
        raise BakeryError("the SVG root start tag could not be read")
    uri = OB3_NS if version == "3.0" else OB2_NS
    body = bytearray(image[root.end:])
    spans = sorted((e.start - root.end, e.end - root.end) for e in elements if e.start >= root.end)
    if any(e.start < root.end or e.end < e.start for e in elements):
        raise BakeryError("SVG badge elements could not be located for replacement")
    for start, end in reversed(spans):
        del body[start:end]
    tag = bytearray(image[root.start:root.end])
    ns_decl = ""
    declared = [a for a in root.attrs if a[0] == b"xmlns:openbadges"]
    if not declared:
        insert_at = 1 + len(root.name)
        tag[insert_at:insert_at] = f' xmlns:openbadges="{uri}"'.encode()
    elif declared[0][1] != uri.encode():
        if b"openbadges:" in body:
            ns_decl = f' xmlns:openbadges="{uri}"'
        else:
            _, _, vstart, vend = declared[0]
            tag[vstart - root.start:vend - root.start] = uri.encode()
    element = element_markup(text, kind, version, verify_url, ns_decl).encode("utf-8")
    if root.self_closing:
        close = tag.rfind(b"/")
        tag = tag[:close].rstrip() + b">"
        body = bytearray(b"</" + root.name + b">") + body
    return image[:root.start] + bytes(tag) + b"\n" + element + bytes(body)
