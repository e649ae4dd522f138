"""The grid worker's photos go through the same reader as the residents':
no comment or script survives, a crafted EXIF block or an oversized file is
a message, never a server error."""

import pytest

from cases.models import Case
from intake import photos
from intake.tests.photo_files import SCRIPT, exif_with_latitude_as_text, gif_with_script, jpeg, upload

WORKER = "gw410611101001001"
GRID = "410611101001001"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def phone(client_for):
    return client_for(WORKER)


@pytest.mark.django_db
def test_before_and_after_photos_keep_only_their_pixels(phone):
    form = {"key": "fp-1", "grid": GRID, "text": "小广告贴满电线杆", "handle": "self", "result": "已清除"}
    files = {
        "photos": [upload("polyglot.gif", gif_with_script(), "image/gif")],
        "after_photos": [upload("crafted.jpg", jpeg((640, 480), exif=exif_with_latitude_as_text()))],
    }
    response = phone.post("/field/report/", {**form, **files})
    assert response.status_code == 302
    case = Case.objects.get(description="小广告贴满电线杆")
    assert case.attachments.count() == 2
    for attachment in case.attachments.all():
        for field in (attachment.image, attachment.thumbnail):
            with field.open("rb") as f:
                assert SCRIPT not in f.read()
    after = case.attachments.get(source="after")
    assert (after.width, after.height) == (480, 640)  # turned as the phone meant


@pytest.mark.django_db
def test_an_oversized_photo_is_refused_with_a_message(phone):
    huge = upload("huge.jpg", b"\xff\xd8\xff\xe0" + bytes(photos.MAX_BYTES))
    form = {"key": "fp-2", "grid": GRID, "text": "井盖破损", "handle": "report", "photos": [huge]}
    response = phone.post("/field/report/", form)
    assert response.status_code == 400 and "照片「huge.jpg」太大（超过 12 MB）" in response.content.decode()
    assert not Case.objects.filter(description="井盖破损").exists()
