"""Photos: the one reader every uploaded photo goes through — the resident's
report and follow-up (intake), the grid worker's report (fieldwork) and the
mediator's visit (mediation).

A file is kept only if it is a real image within limits, and then only as
its pixels: the stored JPEG and its thumbnail are encoded from a new image
built from the decoded pixels, so nothing else in the file survives — no
EXIF (which can carry the phone's GPS position), no comment (a GIF/JS
polyglot's script, an "Owner: …" note), no XMP, no ICC profile, no other
application segment. The orientation the phone recorded is applied first; a
broken one is ignored and the photo kept.

Decoding is bounded before it starts: the header is read lazily and the
raster it declares (width × height × bands) and its compression ratio are
checked, so a small file claiming a huge raster (a decompression bomb) is
refused without being decoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageMode

from changan.uploads import OversizedUpload

MB = 1024 * 1024
MAX_BYTES = 12 * MB  # a modern phone photo is 2–6 MB
# The decoding budget, checked on the header before decoding. Pillow holds an
# RGB(A) pixel in 4 bytes, so 40 MP is ~160 MB however the file stores it; the
# raster the file declares (width × height × bands × bytes per band: 16-bit
# PNGs count double) may not exceed 160 MB either. Phones save 12–50 MP; most
# of their JPEGs are then decoded at a reduced scale (JPEG's draft mode).
MAX_PIXELS = 40_000_000
MAX_DECODED_BYTES = 160 * MB
# Decoded bytes per file byte. Camera noise keeps phone photos well under 100
# (a night shot ~ 100); deflate reaches ~1,000 on a blank raster. Rasters under
# RATIO_FLOOR are cheap to decode whatever their ratio (a flat screenshot).
MAX_RATIO = 250
RATIO_FLOOR = 32 * MB
MAX_SIDE = 2560  # stored photos are scaled down to this
MAX_PHOTOS = 6  # photos one form (a report, a field report, a visit) may carry
THUMB_SIDE = 320
# Only these decoders ever see an upload (Image.open(formats=…)): no TIFF,
# PSD, EPS … parser runs on residents' files. (JPEG's also opens a phone's
# multi-picture MPO file.)
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")

_TRANSPOSE = {  # EXIF orientation → the transposition that shows the photo upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class PhotoRefused(ValueError):
    """A file that is not accepted as a photo; the message says why."""


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int


def read_photos(
    files: list[UploadedFile], *, already: int = 0, limit: int = MAX_PHOTOS
) -> tuple[list[Photo], list[str]]:
    """The photos among ``files`` that pass, and a message for each refused
    one. With ``already`` photos kept from an earlier try, at most ``limit``
    in all: the ones beyond are refused with a message, never dropped in
    silence. The one rule every form that takes photos follows."""
    room = max(limit - already, 0)
    errors = []
    if len(files) > room:
        errors.append(_("最多 %(n)s 张照片") % {"n": limit})
    photos = []
    for upload in files[:room]:
        try:
            photos.append(read_photo(upload))
        except PhotoRefused as exc:
            errors.append(str(exc))
    return photos, errors


def read_photo(upload: UploadedFile) -> Photo:
    """The photo in ``upload`` (a file from ``request.FILES``), checked and
    re-encoded from its pixels; PhotoRefused says why not.

    Never reads more than MAX_BYTES + 1 bytes, whatever size the upload claims."""
    name = upload.name or ""
    if isinstance(upload, OversizedUpload):  # stopped while streaming (changan.uploads)
        raise PhotoRefused(_too_large(name, min(upload.limit, MAX_BYTES)))
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PhotoRefused(_too_large(name, MAX_BYTES))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(_too_large(name, MAX_BYTES))
    return _decode(data, name)


def _decode(data: bytes, name: str) -> Photo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)  # the header only
            if image.format in ("JPEG", "MPO"):
                # The budget is for what will be decoded: a 48 MP phone JPEG
                # decodes at 1/2 scale (12 MP), so it passes.
                image.draft(None, (MAX_SIDE, MAX_SIDE))
            _check_budget(image, name=name, file_bytes=len(data))
            image.verify()  # the file's structure (PNG checksums …), still without decoding
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            image.draft(None, (MAX_SIDE, MAX_SIDE))  # a big JPEG decodes at 1/2, 1/4 or 1/8 scale
            orientation = _orientation(image)
            image.load()  # the real decode: a renamed text file or a broken image fails here
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if orientation:
                image = image.transpose(orientation)
            # A new image from the pixels alone: nothing of the file's metadata
            # (image.info: comment, exif, xmp, icc_profile …) can reach the JPEG.
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            thumb = pixels.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
            return Photo(
                jpeg=_encode(pixels, quality=85),
                thumbnail=_encode(thumb, quality=80),
                width=pixels.width,
                height=pixels.height,
            )
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_too_many_pixels(name)) from None
    except Exception:
        # Pillow's decoders answer a crafted file with many kinds of exception
        # (OSError, SyntaxError, struct.error, IndexError, TypeError …); any of
        # them means this is not a photo we can keep, never a server error.
        raise PhotoRefused(
            _("「%(name)s」不是有效的图片，请上传 JPEG、PNG、WebP、GIF 或 BMP 格式的照片") % {"name": name}
        ) from None


def _check_budget(image: Image.Image, *, name: str, file_bytes: int) -> None:
    """Refuse, from the header alone, a raster too big to decode or far more
    compressed than a photo can be."""
    width, height = image.size
    mode = ImageMode.getmode(image.mode)
    bytes_per_band = int(mode.typestr[-1])  # "|u1" → 1, "<u2" → 2, "<f4" → 4
    decoded = width * height * len(mode.bands) * bytes_per_band
    if width * height > MAX_PIXELS or decoded > MAX_DECODED_BYTES:
        raise PhotoRefused(_too_many_pixels(name))
    if decoded > RATIO_FLOOR and decoded > MAX_RATIO * file_bytes:
        raise PhotoRefused(_("照片「%(name)s」的压缩比异常，无法处理，请上传原始照片") % {"name": name})


def _orientation(image: Image.Image) -> Image.Transpose | None:
    """The transposition the EXIF orientation asks for; None when there is
    none or it cannot be read (a crafted or broken EXIF block)."""
    try:
        value = image.getexif().get(ExifTags.Base.Orientation)
        return _TRANSPOSE.get(value) if isinstance(value, int) else None
    except Exception:  # Pillow's EXIF parser fails in many ways on crafted blocks
        return None


def _too_large(name: str, limit: int) -> str:
    return _("照片「%(name)s」太大（超过 %(mb)s MB）") % {"name": name, "mb": f"{limit / MB:g}"}


def _too_many_pixels(name: str) -> str:
    return _("照片「%(name)s」像素过多（最多 %(mp)s 百万像素），请缩小后重试") % {
        "name": name,
        "mp": MAX_PIXELS // 1_000_000,
    }


def _encode(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()
