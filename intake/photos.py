"""Photos from residents: only real images, within limits, re-encoded without
EXIF (which can carry the phone's GPS position), with a thumbnail.

Pure Python + Pillow, no Django import."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 12 * 1024 * 1024  # a modern phone photo is 2–6 MB
MAX_PIXELS = 50_000_000  # 50 MP; more is refused as a decompression bomb
MAX_SIDE = 2560  # stored photos are scaled down to this
THUMB_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


class PhotoRefused(ValueError):
    """A file that is not accepted as a photo; the message says why."""


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int


def process(data: bytes, *, name: str = "") -> Photo:
    label = f"「{name}」" if name else ""
    if len(data) > MAX_BYTES:
        raise PhotoRefused(f"照片{label}太大（超过 12 MB） / the photo {name} is larger than 12 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused(f"{label}不是支持的图片格式 / {name} is not a supported image format")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(f"照片{label}像素过多 / the photo {name} has too many pixels")
            probe.verify()  # checks the file's structure without decoding it all
            image = Image.open(io.BytesIO(data))
            image.load()  # a real decode: a renamed text file or a broken image fails here
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(f"照片{label}像素过多 / the photo {name} has too many pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused(
            f"{label}不是有效的图片 / {name} is not a valid image ({type(exc).__name__})"
        ) from None
    image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant, then drop EXIF
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    jpeg = _encode(image, quality=85)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Photo(jpeg=jpeg, thumbnail=_encode(thumb, quality=80), width=image.width, height=image.height)


def _encode(image: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= argument: none is written
    return out.getvalue()
