"""report.html's "Badge images": one small PNG thumbnail per issuer and badge name, for PNG badges only.

The thumbnails are made by `obverify._engines.images` (Pillow): at most 96 pixels a side, re-encoded from
the decoded pixels alone, embedded as `data:image/png;base64,` URIs, which the page's Content-Security-Policy
(`img-src data:`) allows while it forbids every fetch. An SVG badge is never rasterized and its markup never
put into the page; it simply has no thumbnail.

Bounded whatever the tree holds: at most `MAX_THUMBNAILS` entries (≤ 48 KiB each, a few KiB in practice),
at most `MAX_ATTEMPTS` files read for them (each a regular file of at most 16 MiB, opened without blocking,
so a FIFO or device named in a journal cannot stall the page), and a file whose digest no longer matches
the journal's is skipped: the thumbnail shows the bytes that were audited or nothing. Counts per entry are
kept only for the entries shown.
"""

from __future__ import annotations

import hashlib
import html
import os
import stat
from typing import IO, NamedTuple

from obverify._engines.bakery import MAX_IMAGE_BYTES
from obverify._engines.bakery.png import PNG_SIGNATURE

MAX_THUMBNAILS = 24
MAX_ATTEMPTS = 48


class Entry(NamedTuple):
    """One badge shown: its picture, and the files found with the same issuer and name."""

    uri: str
    name: str
    issuer: str
    files: int
    valid: int


def _read_png(path: str, sha256: str | None) -> bytes | None:
    """The file's bytes if it is a regular file holding a PNG of at most 16 MiB, unchanged since the audit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_IMAGE_BYTES:
            return None
        if os.read(fd, len(PNG_SIGNATURE)) != PNG_SIGNATURE:
            return None
        chunks = [PNG_SIGNATURE]
        left = MAX_IMAGE_BYTES + 1 - len(PNG_SIGNATURE)
        while left > 0:
            block = os.read(fd, min(left, 1 << 20))
            if not block:
                break
            chunks.append(block)
            left -= len(block)
    except OSError:
        return None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_IMAGE_BYTES:
        return None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data


class _Shown:
    __slots__ = ("files", "uri", "valid")

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.files = 0
        self.valid = 0


class Gallery:
    """Collects the entries while the audit's records stream past `add`."""

    def __init__(self) -> None:
        self._shown: dict[tuple[str, str], _Shown] = {}
        self.attempts = 0
        """PNG files read for a thumbnail so far."""

    def add(self, path: str, sha256: str | None, kind: object, issuer: str, name: str | None, verdict: str) -> None:
        """Count a PNG record under its entry, making the entry from its file if it is new and there is room.

        `kind` is the report's input kind: only files verify read as PNG are looked at, so a tree of JSON
        files costs no extra file access.
        """
        if kind != "png":
            return
        key = (issuer, name or "(no name)")
        shown = self._shown.get(key)
        if shown is None:
            if len(self._shown) >= MAX_THUMBNAILS or self.attempts >= MAX_ATTEMPTS:
                return
            self.attempts += 1
            data = _read_png(path, sha256)
            if data is None:
                return
            from obverify._engines.images import thumbnail_data_uri  # Pillow, only when a PNG is there

            uri = thumbnail_data_uri(data)
            if uri is None:
                return
            shown = self._shown[key] = _Shown(uri)
        shown.files += 1
        shown.valid += verdict == "valid"

    def entries(self) -> list[Entry]:
        """The entries in the order they were first seen."""
        return [Entry(s.uri, name, issuer, s.files, s.valid) for (issuer, name), s in self._shown.items()]


def write_gallery(fh: IO[str], entries: list[Entry]) -> None:
    """The section, every text HTML-escaped; the URIs hold only base64 characters."""
    esc = html.escape
    fh.write("<h2>Badge images</h2><section id=\"badges\" class=\"gallery\">")
    for e in entries:
        fh.write(f"<figure class=\"badge\"><img alt=\"badge image\" src=\"{e.uri}\"><figcaption><b>{esc(e.name)}"
                 f"</b><br>{esc(e.issuer)}<br>{e.files:,} file(s), {e.valid:,} valid</figcaption></figure>")
    shown = "No PNG badge image to show." if not entries else (
        f"One PNG per issuer and badge name, at most {MAX_THUMBNAILS}.")
    fh.write(f"<p class=\"about\">{shown} SVG badges are not rendered (their markup is never put into this page)."
             "</p></section>\n")
