"""The verification page's badge picture (issue 11): a Pillow thumbnail of a PNG upload, never the upload.

Files are posted to the real service (uvicorn on loopback, offline: no picture here needs a fetch) as the
page's form does; the `<img>` data URI is decoded and opened with Pillow. A polyglot, a decompression bomb
and an SVG end as a plain note: none of their bytes or markup reaches the page.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from helpers.service_kit import FIXTURES, Service
from obverify.service import page

IMAGES = FIXTURES.parent / "images"
_IMG = re.compile(r'<img class="badge-image" alt="badge image" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


def post_file(service: Service, path: Path) -> str:
    with service.client() as c:
        r = c.post("/", files={"image": (path.name, path.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200, r.text
    return r.text


def thumbnail_in(page: str) -> Image.Image:
    found = _IMG.findall(page)
    assert len(found) == 1, "one thumbnail expected"
    im = Image.open(io.BytesIO(base64.b64decode(found[0])))
    im.load()
    return im


@pytest.mark.parametrize("offline_service", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("path", "size"), [
    (FIXTURES / "ob2-baked-png-itxt" / "input.png", (32, 32)),
    (IMAGES / "thumb-rgba-300x200.png", (96, 64)),
])
def test_png_upload_is_shown_as_a_small_reencoded_thumbnail(offline_service: Service, path: Path,
                                                            size: tuple[int, int]) -> None:
    page = post_file(offline_service, path)
    im = thumbnail_in(page)
    assert (im.format, im.size, im.mode) == ("PNG", size, "RGBA")
    upload = base64.b64encode(path.read_bytes()).decode()
    assert upload[:200] not in page  # the upload's own bytes are never embedded


@pytest.mark.parametrize("offline_service", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("name", "note"), [
    ("bad-polyglot-html.png", "bytes follow the PNG&#x27;s IEND chunk"),
    ("bomb-100000x100000.png", "100000×100000 pixels, over the 16,777,216-pixel limit; it was not decoded"),
    ("bomb-8000x8000.png", "8000×8000 pixels"),
    ("bad-garbage-idat.png", "pixel data does not decode"),
])
def test_png_that_is_not_a_real_one_is_refused_with_the_reason(offline_service: Service, name: str,
                                                                note: str) -> None:
    # the page reads its input by the import's rules (read_body), so the PNG check refuses these first
    with offline_service.client() as c:
        r = c.post("/", files={"image": (name, (IMAGES / name).read_bytes(), "application/octet-stream")})
    assert r.status_code == 400
    page = r.text
    assert "<h2>Nothing verified</h2>" in page
    assert "<li>Invalid image.</li>" in page
    refused = re.findall(r"<li>The PNG was refused: ([^<]*)</li>", page)
    assert len(refused) == 1, page
    assert note in refused[0]
    assert not _IMG.search(page)
    assert "alert(document.domain)" not in page


@pytest.mark.parametrize(("name", "note"), [
    ("bad-polyglot-html.png", "bytes follow the PNG&#x27;s IEND chunk"),
    ("bomb-8000x8000.png", "8000×8000 pixels"),
    ("bad-short-idat.png", "holds fewer rows"),
])
def test_picture_of_a_png_that_cannot_be_shown_is_an_escaped_note(name: str, note: str) -> None:
    # defence in depth behind read_body: the picture itself never embeds what it cannot re-encode
    html = page._image({}, (IMAGES / name).read_bytes())
    shown = re.fullmatch(r'<p class="badge-image-note">The image is not shown: ([^<]*)\.</p>', html)
    assert shown is not None, html
    assert note in shown[1]


def test_picture_never_loads_a_badge_image_url() -> None:
    html = page._image({"image": 'https://issuer.example/i.png"><script>x</script>'}, None)
    assert "<img" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


@pytest.mark.parametrize("offline_service", ["sqlite"], indirect=True)
def test_svg_is_never_rendered_nor_inlined(offline_service: Service) -> None:
    path = FIXTURES / "ob2-baked-svg-cdata" / "input.svg"
    page = post_file(offline_service, path)
    assert "<h2>Genuine</h2>" in page
    assert "SVG image: not shown" in page
    assert "<svg" not in page
    assert "image/svg+xml;base64" not in page
    assert not _IMG.search(page)
