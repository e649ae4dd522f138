"""The mediator's visit photos go through the same reader as the residents':
a crafted EXIF block keeps the photo, no comment or script survives, and an
oversized file is the form's message, never a server error."""

import datetime as dt

import pytest

from changan import clock
from intake import photos
from intake.tests.photo_files import SCRIPT, exif_with_latitude_as_text, gif_with_script, jpeg, upload
from mediation.models import Visit


def visit_form() -> dict:
    an_hour_ago = (clock.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {"at": an_hour_ago, "place": "王家", "met": "王建国", "findings": "墙面发霉"}


@pytest.mark.django_db
def test_visit_photos_keep_only_their_pixels(client_for, in_step):
    dispute = in_step("enter")
    files = [
        upload("polyglot.gif", gif_with_script(), "image/gif"),
        upload("crafted.jpg", jpeg((640, 480), exif=exif_with_latitude_as_text())),
    ]
    response = client_for("mediator").post(
        f"/mediation/{dispute.pk}/visit/", {**visit_form(), "photos": files}
    )
    assert response.status_code == 302
    (visit,) = Visit.objects.filter(dispute=dispute)
    assert visit.photos.count() == 2
    for attachment in visit.photos.all():
        with attachment.image.open("rb") as f:
            assert SCRIPT not in f.read()


@pytest.mark.django_db
def test_an_oversized_visit_photo_is_the_forms_message(client_for, in_step):
    dispute = in_step("enter")
    huge = upload("huge.jpg", b"\xff\xd8\xff\xe0" + bytes(photos.MAX_BYTES))
    response = client_for("mediator").post(
        f"/mediation/{dispute.pk}/visit/", {**visit_form(), "photos": [huge]}
    )
    assert response.status_code == 400 and "照片「huge.jpg」太大（超过 12 MB）" in response.content.decode()
    assert not Visit.objects.filter(dispute=dispute).exists()


@pytest.mark.django_db
def test_a_seventh_visit_photo_is_refused_not_dropped(client_for, in_step):
    dispute = in_step("enter")
    files = [upload(f"{i}.jpg", jpeg((64, 48))) for i in range(photos.MAX_PHOTOS + 1)]
    response = client_for("mediator").post(
        f"/mediation/{dispute.pk}/visit/", {**visit_form(), "photos": files}
    )
    assert response.status_code == 400 and "最多 6 张照片" in response.content.decode()
    assert not Visit.objects.filter(dispute=dispute).exists()
