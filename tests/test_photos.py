"""Photos of implementation milestones (civic.photos): only JPEG/PNG/WebP by content, size and
pixel limits checked before decoding, and what is kept carries no metadata (EXIF GPS, comments,
ICC) and nothing appended after the image."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from civic.photos import MAX_BYTES, PhotoRefused, clean_photo

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(fmt: str = "JPEG", size=(64, 48), *, exif=None, **extra) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 60, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    out = io.BytesIO()
    if exif is not None:
        extra["exif"] = exif
    image.save(out, format=fmt, **extra)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Камера 1.0"
    gps = {1: "N", 2: (51.0, 2.0, 55.0), 3: "E", 4: (31.0, 53.0, 10.0)}
    exif[GPS_IFD] = gps
    return exif


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for a huge image whose few bytes of data would inflate to gigabytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 100_000, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "fmt,kind", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_each_allowed_format_is_kept_in_its_format(fmt, kind):
    clean = clean_photo(photo(fmt))
    assert clean.content_type == kind
    assert Image.open(io.BytesIO(clean.content)).format == fmt
    assert (clean.width, clean.height) == (64, 48)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP", "PNG"])
def test_gps_exif_is_not_stored(fmt):
    original = photo(fmt, exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # it was there
    clean = clean_photo(original)
    kept = Image.open(io.BytesIO(clean.content))
    assert not kept.getexif() and "exif" not in kept.info
    assert b"PhoneMaker" not in clean.content and b"Exif" not in clean.content


def test_comments_and_icc_profiles_are_not_stored():
    original = photo("JPEG", comment=b"secret-comment", icc_profile=b"\x00" * 200)
    clean = clean_photo(original)
    assert b"secret-comment" not in clean.content
    assert "icc_profile" not in Image.open(io.BytesIO(clean.content)).info


def test_orientation_is_applied_before_the_metadata_goes():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: shown rotated 90° clockwise
    clean = clean_photo(photo("JPEG", size=(64, 48), exif=exif))
    assert (clean.width, clean.height) == (48, 64)


def test_a_polyglot_loses_what_follows_the_image():
    """A JPEG that is also an HTML page (or a ZIP) after its end marker is stored as pixels only."""
    polyglot = photo("JPEG") + b"<html><script>alert(document.cookie)</script></html>PK\x03\x04"
    clean = clean_photo(polyglot)
    assert b"<script" not in clean.content and b"PK\x03\x04" not in clean.content
    assert clean.content.endswith(b"\xff\xd9")


@pytest.mark.parametrize("side", [60_000, 9_000], ids=["past-pillows-limit", "past-civics-limit"])
def test_a_png_bomb_is_refused_before_it_is_decoded(side):
    bomb = png_claiming(side, side)
    assert len(bomb) < 10_000
    with pytest.raises(PhotoRefused, match="забагато пікселів"):
        clean_photo(bomb)


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>',
        b"<!doctype html><html><script>alert(1)</script></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"%PDF-1.7\n1 0 obj<<>>endobj\n",
        b"\xff\xd8\xff\xe0 not really a jpeg",
    ],
    ids=["svg", "html", "gif", "pdf", "jpeg-magic-only"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(content):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(content)
    assert "JPEG, PNG чи WebP" in refused.value.message or "пошкоджений" in refused.value.message


def test_a_gif_made_by_pillow_is_refused():
    with pytest.raises(PhotoRefused, match="JPEG, PNG чи WebP"):
        clean_photo(photo("GIF"))


def test_a_truncated_photo_is_refused():
    whole = photo("JPEG", size=(400, 300), quality=95)
    with pytest.raises(PhotoRefused, match="пошкоджений"):
        clean_photo(whole[: len(whole) // 2])


def test_empty_and_oversized_files_are_refused_with_their_size():
    with pytest.raises(PhotoRefused, match="порожній"):
        clean_photo(b"")
    with pytest.raises(PhotoRefused, match=r"завелике: 8,0 МБ, можна до 8 МБ"):
        clean_photo(photo("JPEG") + b"\x00" * MAX_BYTES)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_clean_photo_or_a_refusal(data):
    try:
        clean = clean_photo(data)
    except PhotoRefused as refused:
        assert refused.message and refused.field == "photo"
    else:
        assert Image.open(io.BytesIO(clean.content)).format in {"JPEG", "PNG", "WEBP"}
