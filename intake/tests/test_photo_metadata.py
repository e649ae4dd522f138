"""Only the picture is kept: a comment (a GIF/JS polyglot's script, an
"Owner: …" note), EXIF, XMP and an ICC profile in an uploaded file reach
neither the stored photo nor its thumbnail, whichever page took the upload."""

import io

import pytest
from PIL import Image

from cases.models import Attachment, Case
from intake import photos
from intake.models import PlaceKind
from intake.services import place_token
from intake.tests.photo_files import PHONE, SCRIPT, gif_with_script, jpeg_with_private_segments, upload


def stored_bytes(photo: photos.Photo) -> list[bytes]:
    return [photo.jpeg, photo.thumbnail]


def test_a_jpeg_keeps_none_of_its_comment_exif_xmp_or_icc_profile():
    original = jpeg_with_private_segments()
    assert original.count(PHONE) == 3 and b"Zhang San" in original  # COM, EXIF and XMP
    photo = photos.read_photo(upload("owner.jpg", original))
    for data in stored_bytes(photo):
        assert PHONE not in data and b"Zhang San" not in data and b"xmpmeta" not in data
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and not image.getexif()
        assert not {"comment", "exif", "xmp", "icc_profile"} & image.info.keys()


def test_a_gif_comment_with_a_script_is_not_carried_into_the_jpeg():
    original = gif_with_script()
    assert SCRIPT in original
    photo = photos.read_photo(upload("polyglot.gif", original, "image/gif"))
    for data in stored_bytes(photo):
        assert b"<script" not in data and b"alert(1)" not in data
        assert "comment" not in Image.open(io.BytesIO(data)).info


@pytest.mark.django_db
def test_the_report_page_stores_neither_the_script_nor_the_phone_number(client, small_city):
    token = place_token(PlaceKind.GRID, "410611101001001")
    form = {"key": "meta-1", "text": "楼道堆放杂物", "consent": "on", "phone": "13500003333"}
    files = [
        upload("polyglot.gif", gif_with_script(), "image/gif"),
        upload("owner.jpg", jpeg_with_private_segments()),
    ]
    response = client.post(f"/report/?p={token}", {**form, "photos": files})
    assert response.status_code == 302
    case = Case.objects.get(description="楼道堆放杂物")
    attachments = Attachment.objects.filter(case=case)
    assert attachments.count() == 2
    for attachment in attachments:
        for field in (attachment.image, attachment.thumbnail):
            with field.open("rb") as f:
                data = f.read()
            assert SCRIPT not in data and b"alert(1)" not in data and PHONE not in data
