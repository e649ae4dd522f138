"""A crafted EXIF block cannot turn an upload into a server error: a broken
orientation is ignored and the photo kept, and whatever the EXIF holds the
reader only ever returns a photo or refuses it with a message."""

import io
import struct
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from cases.models import Attachment, Case
from intake import photos
from intake.models import PlaceKind
from intake.services import place_token
from intake.tests.photo_files import exif_block, exif_with_latitude_as_text, jpeg, upload


def read(data: bytes) -> photos.Photo:
    return photos.read_photo(upload("phone.jpg", data))


def test_the_orientation_the_phone_meant_is_applied():
    photo = read(jpeg((64, 48), exif=exif_block(orientation=6)))  # rotate 90° clockwise to view
    assert (photo.width, photo.height) == (48, 64)
    stored = Image.open(io.BytesIO(photo.jpeg)).convert("RGB")
    assert stored.getpixel((40, 8))[2] > 200 > stored.getpixel((8, 8))[2]  # top-left is now top-right


def test_an_exif_block_pillow_cannot_write_back_keeps_the_photo_and_its_orientation():
    photo = read(jpeg((64, 48), exif=exif_with_latitude_as_text()))
    assert (photo.width, photo.height) == (48, 64)


@pytest.mark.parametrize("orientation", [0, 9, 255, 65535])
def test_an_impossible_orientation_is_ignored(orientation):
    photo = read(jpeg((64, 48), exif=exif_block(orientation=orientation)))
    assert (photo.width, photo.height) == (64, 48)


@pytest.mark.filterwarnings("ignore:Truncated File Read")  # Pillow says so of the broken entry
def test_an_orientation_of_the_wrong_type_is_ignored():
    raw = exif_block(orientation=6).tobytes()
    entry = struct.pack(">HHII", 0x0112, 3, 1, 6 << 16)  # SHORT 6, left-justified in the value field
    assert raw.count(entry) == 1
    for kind, count in [(2, 4), (5, 1), (7, 9), (12, 1)]:  # ASCII, RATIONAL, UNDEFINED, DOUBLE
        broken = raw.replace(entry, struct.pack(">HHII", 0x0112, kind, count, 0xFFFFFFFF))
        photo = read(jpeg((64, 48), exif=broken))
        assert (photo.width, photo.height) == (64, 48)


BASE_EXIF = exif_block(orientation=6).tobytes()


@st.composite
def mutated_exif(draw) -> bytes:
    data = bytearray(BASE_EXIF)
    for _ in range(draw(st.integers(1, 8))):  # flip bytes after the "Exif\0\0" mark
        data[draw(st.integers(6, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):  # a truncated IFD
        data = data[: draw(st.integers(8, len(data)))]
    if draw(st.booleans()):  # any orientation value
        at = BASE_EXIF.index(struct.pack(">HH", 0x0112, 3)) + 8
        if at + 2 <= len(data):
            data[at : at + 2] = struct.pack(">H", draw(st.integers(0, 65535)))
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exif=mutated_exif())
def test_mutated_exif_only_ever_gives_a_photo_or_a_refusal(exif):
    data = jpeg((64, 48), exif=exif)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about corrupt EXIF; that is the point here
        try:
            photo = read(data)
        except photos.PhotoRefused:
            return
    assert isinstance(photo, photos.Photo) and {photo.width, photo.height} == {64, 48}


@pytest.mark.django_db
def test_a_crafted_exif_photo_reaches_the_report_page_without_a_server_error(client, small_city):
    token = place_token(PlaceKind.GRID, "410611101001001")
    form = {"key": "exif-1", "text": "路灯不亮", "consent": "on", "phone": "13500003333"}
    photo = upload("crafted.jpg", jpeg((640, 480), exif=exif_with_latitude_as_text()))
    response = client.post(f"/report/?p={token}", {**form, "photos": [photo]})
    assert response.status_code == 302
    case = Case.objects.get(description="路灯不亮")
    (attachment,) = Attachment.objects.filter(case=case)
    assert (attachment.width, attachment.height) == (480, 640)
