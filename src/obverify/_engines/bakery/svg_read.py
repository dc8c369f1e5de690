"""SVG badge elements: locate `openbadges:assertion` / `openbadges:credential` by namespace and read them
(`svg_write` bakes; it reuses this module's prolog reader and full parse).

Implements the Open Badges 2.0 Baking Specification "SVGs" (element `assertion` in namespace
`http://openbadges.org`, `verify` attribute = JWS or hosted URL, body = JSON in CDATA) and OB 3.0
§5.3.2 (element `credential` in `https://purl.imsglobal.org/ob/v3p0`, `verify` = VC-JWT, or a JSON body).
Both say there MUST be only one such element, so two are an error. SECURITY.md §4: defusedxml with
`forbid_dtd`, `forbid_entities`, `forbid_external` (a DTD is refused; the one exception is a DOCTYPE
in the prolog with only an external identifier, as Illustrator and Inkscape write: it is blanked, never read,
so any entity reference is still refused), no XInclude, a size cap, an
iterative walk with a 256-level depth cap, matching by namespace URI and never by prefix.

Two ways to locate the element give the same answer:

- the *fast path* scans bytes, and answers only when the document makes that exact: an ASCII-compatible
  encoding, no DOCTYPE, and below the root start tag no prefixed namespace declaration, no badge
  namespace URI and no character reference (outside comments, CDATA sections and PIs, so that a
  `<p:assertion` inside them is not counted). Then an element is in a badge namespace exactly when its
  start tag reads `<P:assertion` / `<P:credential` with P a prefix the root binds to that namespace.
  Each of those constructs holds a `:` or a `&`, so two memchr-speed scans for these bytes find them
  all; comments, CDATA sections and PIs (`<!`, `<?`) are lexed lazily, only as far as the last byte
  found needs (`_Lexer`). The one element found is then parsed with defusedxml inside a copy of the root
  start tag (its namespace context). Property tests check it against the full parse;
- otherwise the *full path* parses the whole document with defusedxml, event by event.

As the specs say ("the rest of the SVG data can safely be discarded"), the fast path does not check that
the rest of the document is well-formed: past the last `:` or `&` nothing is lexed, and far into the
document a construct that never ends is not looked for (see `_Lexer`). On well-formed documents both paths
agree (unit tests, property tests, and 200,000 generated documents when this was written).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from obverify._core.sniff import sniff
from obverify._engines.bakery import MAX_IMAGE_BYTES, BakeryError
from obverify._engines.bakery.payload import BakedVersion

OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
SVG_NS = "http://www.w3.org/2000/svg"
BADGE_TAGS: dict[str, BakedVersion] = {f"{{{OB2_NS}}}assertion": "2.0", f"{{{OB3_NS}}}credential": "3.0"}
LOCAL_NAMES: dict[str, tuple[str, BakedVersion]] = {OB2_NS: ("assertion", "2.0"), OB3_NS: ("credential", "3.0")}
MAX_DEPTH = 256
MAX_ELEMENTS = 100_000
"""Elements the full parse walks before giving up: each costs a Python callback, and a badge needs few."""
MAX_MARKERS = 10_000
"""`&`, `!` or `?` bytes the fast path looks at before handing over to the full parse."""
MAX_COLONS = 20_000
"""`:` bytes the fast path looks at before handing over to the full parse."""
LOOKAHEAD = 4096
"""`_Lexer` scans at least this far for `!` and `?` each time, so that the next few positions cost nothing."""
TAIL_BYTES = 16 * 1024
"""Up to this many bytes after a position far into the document, `_Lexer.tail` reads them instead."""

_WS = re.compile(rb"[ \t\r\n]*")
_TAG = re.compile(rb"<([^\s/>!?<]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*(/?)>")
_ATTR = re.compile(rb"\s+([^\s=/>]+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:\s+(?:\"[^\"]*\"|'[^']*'|[^\s>\"'\[]+))*\s*(\[?)")
_ASCII_ENCODINGS = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii"})


@dataclass
class Element:
    """One badge element found: its version, attributes, direct text, and byte span when known."""

    version: BakedVersion
    attrs: dict[str, str]
    text: str = ""
    start: int = -1
    end: int = -1


@dataclass
class Root:
    """The root start tag: byte span, name, whether self-closing, and its raw attributes."""

    start: int
    end: int
    name: bytes
    self_closing: bool
    attrs: list[tuple[bytes, bytes, int, int]] = field(default_factory=list)
    """(name, raw value, value start, value end) for each attribute, offsets into the document."""

    def namespaces(self) -> dict[bytes, bytes]:
        """Prefix (b"" for the default) to raw URI, as declared on the root."""
        out: dict[bytes, bytes] = {}
        for name, value, _, _ in self.attrs:
            if name == b"xmlns":
                out[b""] = value
            elif name.startswith(b"xmlns:"):
                out[name[6:]] = value
        return out


@dataclass
class Located:
    """What `locate` found: the root start tag (None if the encoding is not ASCII-compatible), the badges."""

    root: Root | None
    elements: list[Element]


def gunzip(data: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
    """Inflate a gzipped SVG (`.svgz`) under the image size cap."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error:
        raise BakeryError("gzipped SVG is not a valid gzip stream") from None
    if len(out) > max_bytes:
        raise BakeryError(f"gzipped SVG inflates past the {max_bytes}-byte limit (decompression bomb)")
    if not inflater.eof:
        raise BakeryError("gzipped SVG is truncated")
    return out


def parse_root(data: bytes, pos: int) -> Root | None:
    m = _TAG.match(data, pos)
    if m is None:
        return None
    attrs = []
    base = m.start(2)
    for a in _ATTR.finditer(m.group(2)):
        group = 2 if a.group(2) is not None else 3
        attrs.append((a.group(1), a.group(group), base + a.start(group), base + a.end(group)))
    return Root(m.start(), m.end(), m.group(1), m.group(3) == b"/", attrs)


def prolog(data: bytes) -> tuple[int, bool, tuple[int, int] | None]:
    """Skip the XML prolog: (root offset, encoding is ASCII-compatible, DOCTYPE span if any).

    Raises `BakeryError` for a DOCTYPE with an internal subset; an external-only one is returned (unbaking
    blanks it, baking removes it).
    Returns offset -1 when the prolog cannot be lexed here (the full parser then decides).
    """
    if data.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\x4c\x6f\xa7\x94")):
        return -1, False, None
    pos = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    ascii_ok = True
    doctype: tuple[int, int] | None = None
    while True:
        ws = _WS.match(data, pos)
        pos = ws.end() if ws else pos
        if data.startswith(b"<?", pos):
            close = data.find(b"?>", pos + 2)
            if close < 0:
                return -1, ascii_ok, doctype
            if data.startswith(b"<?xml", pos) and data[pos + 5:pos + 6].isspace():
                enc = _ENCODING.search(data, pos, close)
                if enc is not None and enc.group(1).lower() not in _ASCII_ENCODINGS:
                    ascii_ok = False
            pos = close + 2
        elif data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 4)
            if close < 0:
                return -1, ascii_ok, doctype
            pos = close + 3
        elif data.startswith(b"<!DOCTYPE", pos):
            m = _DOCTYPE.match(data, pos)
            if m is None or m.group(1) or not data.startswith(b">", m.end()):
                # an internal subset can declare entities, or ATTLIST defaults that add attributes (a
                # `verify` the file never wrote): refused whatever it holds
                raise BakeryError("SVG has a DOCTYPE with an internal subset; DTDs and entities are refused")
            doctype = (pos, m.end() + 1)
            pos = m.end() + 1
        elif data.startswith(b"<", pos):
            return pos, ascii_ok, doctype
        else:
            return -1, ascii_ok, doctype


class _Lexer:
    """Comments, CDATA sections and PIs after the root start tag, lexed lazily in document order.

    `skip(p)` answers whether `p` lies inside one of them, lexing only as far as `p`: openers are found by
    memchr-speed scans for `!` and `?` (each preceded by `<`), not by searching for `<!--`, whose first
    byte is the most common byte of an SVG. Everything before `pos` is lexed, and `pos` lies outside every
    construct, so lexing on from `pos` is exact; a position that is never asked about is never scanned.

    Two shortcuts read the bytes after `p` instead of some before it, when `p` lies far in:
    - within the last `TAIL_BYTES`, `tail`: every construct enclosing `p` ends after it, so with no `?>`,
      `-->` or `]]>` after `p`, none encloses it (and a `]]>` there is left to `_fast_spans` to rule out);
    - in the second half of what is left: if no `!` occurs in [pos, p) no comment or CDATA section
      contains `p`, and if no `?` occurs at or after `p` no processing instruction can end after `p`.
    Both take constructs to end: one that never does (the document is then not well-formed, which the
    fast path does not check) is not looked for there.

    `ok` turns False when the fast path must give up: an unterminated comment or CDATA section, a
    `<!` that opens neither (a DOCTYPE after the root is not well-formed), or too many stray `!`/`?`.
    """

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos
        self.last = (pos, pos)
        """The construct lexed last; `pos` is its end when it straddled the position asked about."""
        self.ok = True
        self.hits = 0
        self.next = {b"!": -1, b"?": -1}
        """The first occurrence at or after `pos` when >= `pos`; -1: none in [pos, `seen`)."""
        self.seen = {b"!": pos, b"?": pos}
        self.q_after = -1
        """A `?` found at or after some position asked about (the shortcut fails up to there)."""

    def _find(self, char: bytes, limit: int) -> int:
        """The first `char` in [pos, limit), or -1; a byte is scanned again only after a jump past a construct."""
        n = self.next[char]
        if n >= self.pos:
            return n if n < limit else -1
        if n < 0 and self.seen[char] >= limit:
            return -1
        lo = self.pos if n >= 0 else max(self.pos, self.seen[char])
        hi = min(len(self.data), max(limit, lo + LOOKAHEAD))  # the next position asked about is often near
        n = self.data.find(char, lo, hi)
        self.next[char] = n
        self.seen[char] = hi
        return n if n < limit else -1

    def _shortcut(self, p: int) -> bool:
        """Whether `p` is shown to lie outside every construct without scanning [pos, p) for `?`."""
        if 2 * (p - self.pos) <= len(self.data) - self.pos or self.q_after >= p:
            return False
        if self._find(b"!", p) >= 0:
            return False
        if self.next[b"?"] < 0 and self.seen[b"?"] >= len(self.data):
            return True
        self.q_after = self.data.find(b"?", p)
        if self.q_after >= 0:
            return False
        self.next[b"?"], self.seen[b"?"] = -1, len(self.data)
        return True

    def tail(self, p: int) -> int | None:
        """What the bytes after `p` alone say, when `p` is far in and near the end (else None).

        A construct that encloses `p` ends after it, with `?>`, `-->` or `]]>`. With none of these at or
        after `p`, `p` lies outside all of them: -1. With no `?` nor `-->` but a `]]>` first at t, only a
        CDATA section ending at t could enclose `p`: t (the caller rules that out, see `_fast_spans`).
        None when the bytes after `p` do not settle it, or are too many to be worth reading this way.
        """
        rest = len(self.data) - p
        if p < self.pos or rest > TAIL_BYTES or rest >= p - self.pos:
            return None
        if self.data.find(b"?", p) >= 0 or self.data.find(b"-->", p) >= 0:
            return None
        return self.data.find(b"]]>", p)

    def assume_outside(self, p: int) -> None:
        """Lex on from `p` as lying outside every construct (after `tail`: no `?` follows `p`)."""
        self.pos = p
        self.next[b"?"], self.seen[b"?"] = -1, len(self.data)

    def skip(self, p: int) -> int:
        """`p`, or the end of the comment, CDATA section or PI that `p` lies inside.

        Calls must come with increasing `p`; after one, `ok` may be False (then the answer is void).
        """
        if p < self.pos:  # inside the construct lexed last, which ends at pos
            start, end = self.last
            return end if start <= p < end else p
        bang, query = self.next[b"!"], self.next[b"?"]
        if (bang >= p or (bang < 0 <= self.seen[b"!"] - p)) and (query >= p or (query < 0 <= self.seen[b"?"] - p)):
            self.pos = p  # already known: no `!` or `?` in [pos, p)
            return p
        if self.tail(p) == -1:
            self.assume_outside(p)
            return p
        if self._shortcut(p):
            self.pos = p
            return p
        data = self.data
        while True:
            bang, query = self._find(b"!", p), self._find(b"?", p)
            if bang < 0 and query < 0:
                self.pos = p
                return p
            at = bang if query < 0 or 0 <= bang < query else query
            self.hits += 1
            if self.hits > MAX_MARKERS:
                self.ok = False
                return p
            if data[at - 1] != 0x3C:  # not preceded by "<": text or an attribute value
                self.pos = at + 1
                continue
            if at == query:
                closer, content = b"?>", at + 1
            elif data.startswith(b"!--", at):
                closer, content = b"-->", at + 3  # the empty comment "<!---->" ends right there
            elif data.startswith(b"![CDATA[", at):
                closer, content = b"]]>", at + 8
            else:
                self.ok = False
                return p
            close = data.find(closer, content)
            if close < 0:
                self.ok = False
                return p
            end = close + len(closer)
            self.last, self.pos = (at - 1, end), end
            if end > p:
                return end


_OB2_URI = OB2_NS.encode()
_OB3_URI = OB3_NS.encode()
_CLOSE_REST = re.compile(rb"\s*>")


def _candidate(
    data: bytes, pos: int, prefixes: list[tuple[bytes, bytes, BakedVersion]]
) -> tuple[str, BakedVersion, int, bytes, int] | None:
    """The badge start or end tag whose name holds the `:` at `pos`, if any, wherever it lies.

    (kind "open" or "close", version, offset of its `<`, qualified name, end of an end tag or -1).
    """
    for prefix, local, version in prefixes:
        name_end = pos + 1 + len(local)
        if not (data.startswith(local, pos + 1) and data.startswith(prefix, pos - len(prefix))):
            continue
        follower = data[name_end:name_end + 1]
        if not (follower.isspace() or follower in (b"/", b">")):
            continue
        qname = prefix + b":" + local
        lead = pos - len(prefix)
        if data.startswith(b"</", lead - 2):
            rest = _CLOSE_REST.match(data, name_end)
            if rest is not None:
                return "close", version, lead - 2, qname, rest.end()
        elif data.startswith(b"<", lead - 1):
            return "open", version, lead - 1, qname, -1
    return None


def _fast_spans(data: bytes, root: Root) -> list[tuple[BakedVersion, int, int]] | None:
    """Byte spans of every badge element, or None when the fast path cannot be exact.

    Every construct that could put an element in a badge namespace below the root holds a `:` (a
    prefixed name, an `xmlns:` declaration, a namespace URI) or a `&#` (a character reference spelling
    one of those), so two memchr scans, for `:` and for `&`, find them all; they run side by side in
    document order, and only what they find is checked against comments, CDATA sections and PIs (see
    `_Lexer`). A namespace declaration or a badge namespace URI below the root, or any character
    reference, hands over to the full parse.
    """
    namespaces = root.namespaces()
    if any(b"&" in uri for uri in namespaces.values()):
        return None
    if namespaces.get(b"") in (_OB2_URI, _OB3_URI):
        return None
    if root.self_closing:
        return []
    start = root.end
    lexer = _Lexer(data, start)
    prefixes = [
        (prefix, local.encode(), version)
        for prefix, uri in namespaces.items()
        if prefix and uri in (_OB2_URI, _OB3_URI)
        for local, version in (LOCAL_NAMES[uri.decode("ascii")],)
    ]
    firsts = {local[:1] for _, local, _ in prefixes}
    opens: list[tuple[BakedVersion, int, bytes]] = []
    closes: dict[bytes, list[tuple[int, int]]] = {}
    pending: list[tuple[bytes, int, int]] = []
    amp, amps = data.find(b"&", start), 0
    pos, colons = data.find(b":", start), 0
    while pos >= 0 or amp >= 0:
        if pos < 0 or 0 <= amp < pos:  # the next hit is a `&`
            after = lexer.skip(amp)
            if not lexer.ok:
                return None
            if after != amp:  # inside a comment, CDATA section or PI: jump past it
                amp = data.find(b"&", after)
                continue
            amps += 1
            if data.startswith(b"&#", amp) or amps > MAX_MARKERS:
                return None
            amp = data.find(b"&", amp + 1)
            continue
        candidate = _candidate(data, pos, prefixes) if data[pos + 1:pos + 2] in firsts else None
        after = -1
        if candidate is not None and candidate[0] == "open":
            cdata_end = lexer.tail(pos)
            if cdata_end is not None and cdata_end >= 0 and any(q == candidate[3] for _, _, q in opens):
                cdata_end = None  # the check at the end needs this start tag to be the only one of its name
            if cdata_end is not None:  # settled by the bytes after it, or (a CDATA section) at the end
                if cdata_end >= 0:
                    pending.append((candidate[3], candidate[2], cdata_end))
                lexer.assume_outside(pos)
                after = pos
        if after < 0:
            after = lexer.skip(pos)
        if not lexer.ok:
            return None
        if after != pos:
            pos = data.find(b":", after)
            continue
        colons += 1
        if colons > MAX_COLONS:
            return None
        if data.startswith(b"xmlns", pos - 5):
            return None  # a prefixed namespace declaration below the root
        if data.startswith(_OB2_URI, pos - 4) or data.startswith(_OB3_URI, pos - 5):
            return None  # a badge namespace named below the root
        if candidate is not None:
            kind, version, begin, qname, tag_end = candidate
            if kind == "open":
                opens.append((version, begin, qname))
            else:
                closes.setdefault(qname, []).append((begin, tag_end))
        pos = data.find(b":", pos + 1)
    for qname, begin, cdata_end in pending:
        # `begin` was taken to lie outside every construct although a CDATA section ending at cdata_end
        # could enclose it. Then everything after that end is markup (no `<!`; no `?` was found), and
        # an end tag there must close a start tag before it, outside any construct: one the scan saw.
        # If `begin` is the only such start tag, the section cannot enclose it (in a well-formed document).
        if [b for _, b, q in opens if q == qname] != [begin] or data.find(b"!", cdata_end + 3) >= 0:
            return None
        if not any(start >= cdata_end + 3 for start, _ in closes.get(qname, [])):
            return None
    spans: list[tuple[BakedVersion, int, int]] = []
    for version, begin, qname in opens:
        tag = _TAG.match(data, begin)
        if tag is None:
            return None
        if tag.group(3) == b"/":
            spans.append((version, begin, tag.end()))
            continue
        end = next((e for s, e in closes.get(qname, []) if s >= tag.end()), -1)
        if end < 0:
            return None
        spans.append((version, begin, end))
    return spans


class _TooDeepError(Exception):
    pass


class _TooManyError(Exception):
    pass


class _Target:
    """A defusedxml parser target: tracks depth iteratively and captures badge elements."""

    def __init__(self, data: bytes, *, keep_all: bool) -> None:
        self.doc = data
        self.keep_all = keep_all
        self.parser: Any = None
        self.depth = 0
        self.count = 0
        self.root_start = -1
        self.root_tag = ""
        self.found: list[Element] = []
        self.current: Element | None = None
        self.current_depth = 0
        self.parts: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeepError
        if self.count > MAX_ELEMENTS:
            raise _TooManyError
        index = self.parser.CurrentByteIndex
        if self.root_start < 0:
            self.root_start = index
            self.root_tag = tag
        version = BADGE_TAGS.get(tag)
        if version is None:
            return
        if (self.found or self.current is not None) and not self.keep_all:  # a nested one is a second one too
            raise BakeryError("SVG holds more than one badge element; the spec allows only one")
        if self.current is not None:
            return
        self.current = Element(version, dict(attrib), start=index)
        self.current_depth = self.depth
        self.parts = []

    def data(self, text: str) -> None:
        if self.current is not None and self.depth == self.current_depth:
            self.parts.append(text)

    def end(self, tag: str) -> None:
        if self.current is not None and self.depth == self.current_depth:
            index = self.parser.CurrentByteIndex
            element = self.current
            element.text = "".join(self.parts)
            start_tag = _TAG.match(self.doc, element.start)
            if start_tag is None:
                element.end = -1
            elif start_tag.group(3) == b"/":  # an empty-element tag ends where its start tag does
                element.end = start_tag.end()
            else:  # expat reports the end event at the "</" of the end tag
                close = self.doc.find(b">", index)
                element.end = close + 1 if close >= 0 else -1
            self.found.append(element)
            self.current = None
        self.depth -= 1

    def close(self) -> None:
        return None


_UNDEFINED_ENTITY = 11
"""expat's XML_ERROR_UNDEFINED_ENTITY: a reference to an entity no DTD we read declares."""


def _bakery_error(exc: Exception) -> BakeryError:
    """The `BakeryError` for anything a defusedxml parse raised (with our caps' own exceptions)."""
    if isinstance(exc, BakeryError):
        return exc
    if isinstance(exc, _TooDeepError):
        return BakeryError(f"SVG is nested deeper than {MAX_DEPTH} levels")
    if isinstance(exc, _TooManyError):
        return BakeryError(f"SVG has more than {MAX_ELEMENTS} elements")
    if isinstance(exc, DefusedXmlException):
        return BakeryError("SVG has a DOCTYPE, an entity declaration or an external reference; refused")
    if isinstance(exc, ParseError | ExpatError) and getattr(exc, "code", None) == _UNDEFINED_ENTITY:
        return BakeryError("SVG uses an entity reference; entities are refused (a DOCTYPE's DTD is never read)")
    if isinstance(exc, ParseError | ExpatError):
        line, col = getattr(exc, "position", None) or (getattr(exc, "lineno", 0), getattr(exc, "offset", 0))
        return BakeryError(f"SVG is not well-formed XML (line {line}, column {col})")
    return BakeryError("SVG cannot be parsed (unsupported encoding or malformed)")


_PARSE_ERRORS = (_TooDeepError, _TooManyError, DefusedXmlException, ParseError, ExpatError, ValueError, LookupError,
                 OverflowError)


def parse_full(data: bytes, *, keep_all: bool = False) -> tuple[int, str, list[Element]]:
    """Parse a whole document with defusedxml: (root offset, root tag, badge elements), or `BakeryError`.

    The target's reference to the expat parser is dropped afterwards: it closes a reference cycle
    (parser → handlers → target → parser) that would otherwise wait for the cyclic garbage collector.
    """
    target = _Target(data, keep_all=keep_all)
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.parser = parser.parser
    try:
        parser.feed(data)
        parser.close()
    except _PARSE_ERRORS as exc:
        raise _bakery_error(exc) from None
    finally:
        target.parser = None
    return target.root_start, target.root_tag, target.found


def locate(data: bytes, *, keep_all: bool = False) -> Located:
    """Find the root start tag and the badge elements (all of them when `keep_all`).

    A DOCTYPE with only an external identifier (public or system) is allowed and never read; one with an
    internal subset is refused (`prolog`), as defusedxml refuses every DTD met anywhere else.

    Without `keep_all`, a second badge element raises `BakeryError`, as does a root that is not `svg`.
    """
    pos, ascii_ok, doctype = prolog(data)
    if doctype is not None:
        # Exporters (Illustrator, Inkscape) write an external-only DOCTYPE. `prolog` has
        # checked it holds no internal subset; it is blanked (same length, so offsets hold) and the external
        # DTD is never read, so the parser sees a document without a DTD: every entity reference other than
        # the five predefined ones is undefined, hence not well-formed, hence refused. Such a document always
        # takes the full parse, which reads every byte, so no reference anywhere in it goes unnoticed.
        data = data[:doctype[0]] + b" " * (doctype[1] - doctype[0]) + data[doctype[1]:]
    root = parse_root(data, pos) if pos >= 0 and ascii_ok else None
    if root is not None and root.name.rpartition(b":")[2] != b"svg":
        raise BakeryError("the XML root element is not svg")
    spans = _fast_spans(data, root) if root is not None and doctype is None else None
    if root is not None and spans is not None:
        if len(spans) > 1 and not keep_all:
            raise BakeryError("SVG holds more than one badge element; the spec allows only one")
        return Located(root, [_parse_one(data, root, start, end, version) for version, start, end in spans])
    root_start, root_tag, elements = parse_full(data, keep_all=keep_all)
    if root_tag.rpartition("}")[2] != "svg":
        raise BakeryError("the XML root element is not svg")
    root = parse_root(data, root_start) if ascii_ok and root_start >= 0 else None
    return Located(root, elements)


class _NoEvents:
    """A parser target without handlers: `_parse_one` sets its own straight on the expat parser."""


def _parse_one(data: bytes, root: Root, start: int, end: int, version: BakedVersion) -> Element:
    """Parse one located element inside a copy of the root start tag, which holds its namespaces.

    The same defusedxml parser as `parse_full` (any DOCTYPE, entity declaration or external reference
    refused; the same depth and element caps), with handlers set straight on its expat parser: the
    element's attributes and direct text are all it needs, and ElementTree's per-event wrappers and a
    second parser call cost more than parsing a 1 KB element. The result is what `parse_full` gives.
    """
    mini = data[root.start:root.end] + data[start:end] + b"</" + root.name + b">"
    parser = DefusedXMLParser(target=_NoEvents(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    depth = count = 0
    found: list[tuple[str, list[str]]] = []
    parts: list[str] = []

    def start_element(tag: str, attrs: list[str]) -> None:
        nonlocal depth, count
        depth += 1
        count += 1
        if depth > MAX_DEPTH:
            raise _TooDeepError
        if count > MAX_ELEMENTS:
            raise _TooManyError
        if depth == 2:
            found.append((tag, attrs))

    def end_element(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def character_data(text: str) -> None:
        if depth == 2:
            parts.append(text)

    expat.StartElementHandler = start_element
    expat.EndElementHandler = end_element
    expat.CharacterDataHandler = character_data
    expat.DefaultHandlerExpand = None
    try:
        expat.Parse(mini, True)
    except _PARSE_ERRORS as exc:
        raise _bakery_error(exc) from None
    finally:  # expat holds the defusedxml handlers, bound to `parser`, which holds expat: drop the cycle now
        vars(parser).clear()
    if len(found) != 1 or BADGE_TAGS.get("{" + found[0][0]) != version:
        raise BakeryError("SVG badge element could not be read")
    raw = found[0][1]
    attrs = {("{" + key if "}" in key else key): value for key, value in zip(raw[::2], raw[1::2], strict=True)}
    return Element(version, attrs, "".join(parts), start, end)


@dataclass(frozen=True, slots=True)
class BadgeText:
    """The payload text of the one badge element, with its version, location and any verify URL."""

    text: str
    version: BakedVersion
    location: str
    verify_url: str | None = None


def read_badge(data: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> BadgeText:
    """Find the one badge element and pick its payload: the body if any, else the `verify` attribute.

    OB 2.0 Baking: with a body, the body is the JSON assertion and `verify` the hosted URL (kept as
    `verify_url`); without one, `verify` holds the JWS or URL. OB 3.0 §5.3.2: a `verify` JWT or a JSON
    body, not both (the file must represent exactly one credential).
    """
    if len(data) > max_bytes:
        raise BakeryError(f"SVG larger than {max_bytes} bytes")
    found = locate(data).elements
    if not found:
        raise BakeryError(
            f"SVG holds no badge element (assertion in {OB2_NS} or credential in {OB3_NS})"
        )
    element = found[0]
    name = "openbadges:assertion" if element.version == "2.0" else "openbadges:credential"
    body = element.text.strip()
    verify = element.attrs.get("verify", "").strip()
    if body and verify and element.version == "3.0":
        raise BakeryError("SVG openbadges:credential has both a verify attribute and a body; OB 3.0 allows one")
    if body:
        url = verify if verify and sniff(verify.encode("utf-8", "surrogatepass")) == "url" else None
        return BadgeText(body, element.version, f"svg {name} body", url)
    if verify:
        return BadgeText(verify, element.version, f"svg {name}@verify")
    raise BakeryError(f"SVG {name} has neither a verify attribute nor a body")
