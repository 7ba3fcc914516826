"""Photos of a project's implementation, checked and cleaned before they are stored (pure: bytes in,
bytes out; no flask, no database).

Only JPEG, PNG and WebP by their *content* (the name and the browser's content type are not
trusted), at most ``MAX_BYTES`` and ``MAX_PIXELS``: the size in the header is read before any
pixel is decoded, so a small file that inflates to gigabytes (a decompression bomb) is refused
unopened. What is stored is a re-encoding of the pixels alone: EXIF (GPS position, camera serial),
XMP, ICC profiles, comments and anything appended after the image (a polyglot's second life as
HTML or ZIP) are not carried over. The camera's orientation is applied first, so the photo still
stands the right way up.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from civic.errors import DomainError
from civic.formatting import uk_number

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000; a phone's 48 MP mode is asked to be resized
MAX_SIDE = 12_000
# Pillow format → (content type, file extension).
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class PhotoRefused(DomainError):
    """The file is not a photo civic keeps; ``message`` says why (Ukrainian)."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def check_size(size: int, *, field: str = "photo") -> None:
    """Refuse an empty file or one over ``MAX_BYTES``, telling its size (:class:`PhotoRefused`)."""
    if not size:
        raise PhotoRefused("Файл фото порожній.", field=field)
    if size > MAX_BYTES:
        megabytes = uk_number(size / 1024 / 1024, places=1)
        raise PhotoRefused(
            f"Фото завелике: {megabytes} МБ, можна до {MAX_BYTES // 1024 // 1024} МБ.", field=field
        )


def clean_photo(data: bytes, *, field: str = "photo") -> CleanPhoto:
    """Check ``data`` and return it re-encoded without metadata, or raise :class:`PhotoRefused`."""
    # Pillow is imported when a photo arrives, not when the app is built (tests/test_cli.py).
    from PIL import Image, ImageOps, UnidentifiedImageError

    check_size(len(data), field=field)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except Image.DecompressionBombError:
            raise PhotoRefused(
                f"Фото має забагато пікселів; зменште його до {MAX_PIXELS // 1_000_000} "
                "мегапікселів.",
                field=field,
            ) from None
        except (UnidentifiedImageError, OSError, ValueError):
            raise PhotoRefused(
                "Це не фото у форматі JPEG, PNG чи WebP (перевіряється вміст файлу, а не назва).",
                field=field,
            ) from None
        width, height = image.size
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise PhotoRefused(
                f"Фото має забагато пікселів ({width} × {height}); зменште його до "
                f"{MAX_PIXELS // 1_000_000} мегапікселів.",
                field=field,
            )
        if getattr(image, "n_frames", 1) > 1:
            raise PhotoRefused("Анімоване зображення не є фото; надішліть один кадр.", field=field)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise PhotoRefused("Файл фото пошкоджений або обрізаний.", field=field) from None
    kind = image.format
    content_type, extension = FORMATS[kind]
    has_alpha = "A" in upright.mode or "transparency" in upright.info
    mode = "RGBA" if has_alpha and kind != "JPEG" else "RGB"
    pixels = upright.convert(mode)
    # A fresh image from the raw pixels: nothing of the original's info dict comes along.
    bare = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    options = {"JPEG": {"quality": 88}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}[kind]
    bare.save(out, format=kind, **options)
    content = out.getvalue()
    return CleanPhoto(
        content=content,
        content_type=content_type,
        extension=extension,
        width=bare.width,
        height=bare.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )
