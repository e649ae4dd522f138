"""Files for the photo tests: real images carrying what must not be kept
(EXIF with GPS and a phone number, comments, XMP, ICC), EXIF crafted to break
parsers, and PNGs that claim a huge raster in a few kilobytes — built
row by row so the test itself never holds the raster."""

from __future__ import annotations

import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

PHONE = b"13800001111"
SCRIPT = b"<script>alert(1)</script>"


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_block(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Owner 13800001111"  # Artist
    exif[0x8825] = {1: "N", 2: (35.0, 45.0, 0.0), 3: "E", 4: (114.0, 17.0, 0.0)}  # GPS IFD
    return exif


def jpeg(size=(64, 48), *, exif: Image.Exif | bytes | None = None, **params) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    image.paste((0, 0, 255), (0, 0, 16, 16))  # a marked corner, to see the orientation applied
    image.save(out, format="JPEG", exif=exif if exif is not None else b"", **params)
    return out.getvalue()


def jpeg_with_private_segments() -> bytes:
    """A phone photo carrying the owner's name and number in a COM segment,
    in EXIF and in XMP, with an ICC profile."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>Owner 13800001111</rdf:Description>'
    xmp += b"</x:xmpmeta>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg(
        (800, 600),
        exif=exif_block(orientation=1),
        comment=b"Owner: Zhang San 13800001111",
        xmp=xmp,
        icc_profile=icc,
    )


def gif_with_script() -> bytes:
    """A GIF whose comment extension holds a script (the GIF/JS polyglot)."""
    out = io.BytesIO()
    Image.new("P", (120, 90), 3).save(out, format="GIF", comment=b"*/=1;" + SCRIPT + b"/*")
    return out.getvalue()


def exif_with_latitude_as_text() -> bytes:
    """EXIF whose GPS latitude entry says ASCII instead of RATIONAL: Pillow
    reads it, then fails writing it back (what ImageOps.exif_transpose does)."""
    raw = exif_block(orientation=6).tobytes()
    entry = struct.pack(">HHI", 2, 5, 3)  # tag 2 (GPSLatitude), RATIONAL, 3 values
    assert raw.startswith(b"Exif\x00\x00MM") and raw.count(entry) == 1
    return raw.replace(entry, struct.pack(">HHI", 2, 2, 3))


@functools.cache
def png_claiming(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A valid PNG of ``width`` × ``height`` zero pixels, compressed a few rows
    at a time (49 MP RGBA takes a couple of seconds: built once per run)."""
    colour_type, bit_depth, bytes_per_row = {
        "RGBA": (6, 8, 4 * width),
        "RGB": (2, 8, 3 * width),
        "1": (0, 1, (width + 7) // 8),
    }[mode]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = bytes(1 + bytes_per_row)  # filter byte 0, then the row
    rows = [compressor.compress(row * 64) for _ in range(height // 64)]
    idat = b"".join(rows) + compressor.compress(row * (height % 64)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
