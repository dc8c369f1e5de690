"""report.html's "Badge images" (issue 11): Pillow thumbnails of PNG badges, bounded, escaped, never SVG.

The images are fixture files (fixtures/images/, fixtures/cases/); the thumbnails are read back out of the
page and opened with Pillow.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from obverify import DocumentStore, verify
from obverify._orchestration.audit import gallery
from obverify._orchestration.audit.html_report import write_html
from obverify._orchestration.audit.records import AuditRecord

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
IMG = re.compile(r'<figure class="badge"><img alt="badge image" src="data:image/png;base64,([A-Za-z0-9+/=]+)">'
                 r"<figcaption><b>([^<]*)</b><br>([^<]*)<br>([^<]*)</figcaption></figure>")


def page_of(results: list[Any], **options: Any) -> str:
    out = io.StringIO()
    write_html(results, out, **options)
    return out.getvalue()


def record(path: Path, name: str, issuer: str = "Issuer", *, kind: str = "png", verdict: str = "valid",
           sha256: str | None = None) -> AuditRecord:
    report = {"valid": verdict == "valid", "version": "2.0", "kind": kind, "errors": [], "revoked": False,
              "expired": False, "summary": {"name": name, "issuer": issuer}}
    digest = sha256 if sha256 is not None else hashlib.sha256(path.read_bytes()).hexdigest()
    return AuditRecord(str(path), digest, "Assertion", verdict, report)


def verified(case: str, at: str = "2024-06-01T00:00:00Z") -> tuple[Path, Any]:
    """A fixture case's input and its real report, verified offline against the case's own documents."""
    folder = FIXTURES / "cases" / case
    path = next(p for p in folder.iterdir() if p.name.startswith("input"))
    store = DocumentStore.from_directory(folder / "documents")
    return path, verify(path.read_bytes(), loader=store, at=datetime.fromisoformat(at))


def test_png_badges_get_one_small_thumbnail_per_issuer_and_name(tmp_path: Path) -> None:
    png, report = verified("ob2-baked-png-itxt")
    assert report.valid
    wide = FIXTURES / "images" / "thumb-rgba-300x200.png"
    results: list[Any] = [(png, report), (png, report), record(wide, "Wide badge"),
                          verified("ob2-baked-svg-cdata")]
    page = page_of(results)
    shown = IMG.findall(page)
    assert len(shown) == 2  # the baked PNG twice is one entry; the SVG has none
    seen = []
    for encoded, name, issuer, counts in shown:
        im = Image.open(io.BytesIO(base64.b64decode(encoded)))
        im.load()
        assert (im.format, im.mode) == ("PNG", "RGBA")
        seen.append((im.size, name, issuer, counts))
    summary = report.summary() or {}
    assert seen[0] == ((32, 32), summary["name"], "Example Bakery Guild", "2 file(s), 2 valid")
    assert seen[1] == ((96, 64), "Wide badge", "Issuer", "1 file(s), 1 valid")
    assert "SVG badges are not rendered" in page
    assert "Baking badge" not in page  # the SVG's own <title> text: its markup never reaches the page


def test_names_are_escaped(tmp_path: Path) -> None:
    png = FIXTURES / "images" / "thumb-palette-40x40.png"
    planted = "<img src=x onerror=alert(1)>"
    page = page_of([record(png, planted, issuer="</figure><script>x</script>")])
    (_, name, issuer, _), = IMG.findall(page)
    assert name == "&lt;img src=x onerror=alert(1)&gt;"
    assert issuer == "&lt;/figure&gt;&lt;script&gt;x&lt;/script&gt;"
    assert planted not in page


def test_a_changed_file_a_non_png_and_an_unreadable_path_get_no_thumbnail(tmp_path: Path) -> None:
    png = FIXTURES / "images" / "thumb-palette-40x40.png"
    changed = record(png, "changed", sha256="0" * 64)
    svg = record(FIXTURES / "images" / "badge.svg", "svg", kind="svg")
    lying = record(FIXTURES / "images" / "badge.svg", "lying", kind="png")  # the report says png; the bytes do not
    gone = AuditRecord(str(tmp_path / "gone.png"), None, "Assertion", "valid",
                       {"kind": "png", "errors": [], "summary": {"name": "gone", "issuer": "I"}})
    page = page_of([changed, svg, lying, gone])
    assert IMG.findall(page) == []
    assert "No PNG badge image to show." in page


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_in_a_journal_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "badge.png"
    os.mkfifo(fifo)
    rec = AuditRecord(str(fifo), None, "Assertion", "valid", {"kind": "png", "errors": [], "summary": {"name": "f"}})
    assert IMG.findall(page_of([rec])) == []  # returns at all: an open() without O_NONBLOCK would wait forever


def test_bounded_entries_and_file_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    png = FIXTURES / "images" / "thumb-palette-40x40.png"
    many = [record(png, f"badge {i}") for i in range(gallery.MAX_THUMBNAILS + 10)]
    assert len(IMG.findall(page_of(many))) == gallery.MAX_THUMBNAILS
    bomb = FIXTURES / "images" / "bomb-8000x8000.png"
    bombs = [record(bomb, f"bomb {i}") for i in range(gallery.MAX_ATTEMPTS + 30)]
    reads = []
    real = gallery._read_png

    def counting(path: str, sha256: str | None) -> bytes | None:
        reads.append(path)
        return real(path, sha256)

    monkeypatch.setattr(gallery, "_read_png", counting)  # counts the real reads, does not replace them
    page = page_of([*bombs, record(png, "after the bombs")])
    assert len(reads) == gallery.MAX_ATTEMPTS  # every later file is left unread, the good one too
    assert IMG.findall(page) == []


def test_thumbnails_can_be_left_out() -> None:
    png = FIXTURES / "images" / "thumb-palette-40x40.png"
    page = page_of([record(png, "x")], thumbnails=False)
    assert 'id="badges"' not in page
    assert not IMG.findall(page)
