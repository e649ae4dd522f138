"""Decompression bombs: a small file that claims a huge raster is refused
from its header, before any decoding — the 49-megapixel RGBA PNG of 190 KB
that took ~370 MB to decode, and files far more compressed than any photo."""

import io

import pytest
from PIL import Image

from intake import photos
from intake.tests.photo_files import png_claiming, upload


def read(data: bytes, name: str = "bomb.png") -> photos.Photo:
    return photos.read_photo(upload(name, data, "image/png"))


def test_the_49_megapixel_rgba_png_of_190_kb_is_refused():
    bomb = png_claiming(7000, 7000, "RGBA")
    assert len(bomb) < 200_000
    with pytest.raises(photos.PhotoRefused, match="像素过多"):
        read(bomb)


@pytest.mark.parametrize("side", [10_000, 20_000])  # Pillow's own warning (89 MP) and error (179 MP)
def test_rasters_beyond_pillows_own_thresholds_are_refused(side):
    with pytest.raises(photos.PhotoRefused, match="像素过多"):
        read(png_claiming(side, side, "1"))


def test_a_raster_within_the_pixel_limit_but_compressed_like_no_photo_is_refused():
    bomb = png_claiming(4096, 4096, "RGBA")  # 16.8 MP, 64 MB decoded from 65 KB
    assert photos.MAX_PIXELS > 4096 * 4096 and len(bomb) * photos.MAX_RATIO < 4096 * 4096 * 4
    with pytest.raises(photos.PhotoRefused, match="压缩比"):
        read(bomb)


def test_a_big_real_photo_is_not_taken_for_a_bomb():
    noise = Image.merge("RGB", [Image.effect_noise((4000, 3000), 40 + 10 * i) for i in range(3)])
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=90)
    photo = read(out.getvalue(), "big.jpg")
    assert (photo.width, photo.height) == (photos.MAX_SIDE, photos.MAX_SIDE * 3 // 4)


def test_a_small_flat_image_is_not_taken_for_a_bomb():
    photo = read(png_claiming(1200, 900, "RGB"), "flat.png")  # ratio ~ 1000, but only 3 MB decoded
    assert (photo.width, photo.height) == (1200, 900)


def test_a_48_megapixel_phone_jpeg_is_decoded_at_a_reduced_scale_and_kept():
    out = io.BytesIO()
    Image.new("RGB", (8000, 6000), (120, 130, 140)).save(out, format="JPEG", quality=80)
    photo = read(out.getvalue(), "48mp.jpg")  # 48 MP declared, above MAX_PIXELS; decoded at 1/2
    assert (photo.width, photo.height) == (photos.MAX_SIDE, photos.MAX_SIDE * 3 // 4)
