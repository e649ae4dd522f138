"""Photos: only real images, EXIF (with GPS) stripped, limits, bombs refused;
a refused photo loses nothing else the person typed."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases.models import Attachment, Case
from cases.tracking import tracking_code
from changan import clock
from intake import photos
from intake.models import PlaceKind, StagedPhoto
from intake.services import place_token, purge_expired


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 900), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (35.0, 45.0, 0.0), 3: "E", 4: (114.0, 17.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_real_photo_is_re_encoded_without_exif_and_gets_a_thumbnail():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the phone's EXIF is there
    photo = photos.read_photo(SimpleUploadedFile("a.jpg", original))
    stored = Image.open(io.BytesIO(photo.jpeg))
    assert stored.format == "JPEG" and not stored.getexif() and "exif" not in stored.info
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumb.size) == photos.THUMB_SIDE and (photo.width, photo.height) == (1200, 900)


def test_a_renamed_text_file_is_refused():
    with pytest.raises(photos.PhotoRefused, match=r"「fake\.jpg」不是有效的图片"):
        photos.read_photo(SimpleUploadedFile("fake.jpg", b"this is not a picture at all" * 10))


def test_a_truncated_image_is_refused():
    with pytest.raises(photos.PhotoRefused):
        photos.read_photo(SimpleUploadedFile("cut.jpg", jpeg_with_gps()[:2000]))


def test_a_decompression_bomb_is_refused():
    # A tiny PNG that claims 20,000 × 20,000 pixels.
    image = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(photos.PhotoRefused, match="像素过多"):
        photos.read_photo(SimpleUploadedFile("bomb.png", out.getvalue()))


def test_an_oversized_file_is_refused_before_decoding():
    with pytest.raises(photos.PhotoRefused, match=r"「huge\.jpg」太大（超过 12 MB）"):
        photos.read_photo(SimpleUploadedFile("huge.jpg", b"0" * (photos.MAX_BYTES + 1)))


@pytest.fixture
def token(small_city):
    return place_token(PlaceKind.GRID, "410611101001001")


def form(**extra):
    return {"key": "p-1", "text": "井盖丢了", "consent": "on", "phone": "13500003333", **extra}


@pytest.mark.django_db
def test_photos_arrive_with_the_report_and_are_served_only_to_those_who_may_see_them(
    client, client_for, token
):
    upload = SimpleUploadedFile("well.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(f"/report/?p={token}", {**form(), "photos": [upload]})
    assert response.status_code == 302
    case = Case.objects.get(description="井盖丢了")
    (attachment,) = Attachment.objects.filter(case=case)
    assert not Image.open(attachment.image.open("rb")).getexif()
    receipt = client.get(response["Location"]).content.decode()
    track = receipt.split('id="track" href="')[1].split('"')[0].replace("http://testserver", "")
    assert client.get(f"{track}photos/{attachment.pk}/?thumb=1").status_code == 200
    staff = client_for("dispatcher_410611")
    assert staff.get(f"/cases/{case.pk}/photos/{attachment.pk}/")["Content-Type"] == "image/jpeg"
    other = client_for("xunxian_dispatcher")
    assert other.get(f"/cases/{case.pk}/photos/{attachment.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_refused_photo_keeps_the_rest_of_the_form_and_the_good_photos(client, token):
    bad = SimpleUploadedFile("fake.jpg", b"not an image" * 20, content_type="image/jpeg")
    good = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(2)]
    response = client.post(f"/report/?p={token}", {**form(), "photos": [bad, *good]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "fake.jpg" in page and "井盖丢了" in page and "13500003333" in page
    assert not Case.objects.filter(description="井盖丢了").exists()
    staged = list(StagedPhoto.objects.filter(key="p-1").values_list("pk", flat=True))
    assert len(staged) == 2 and all(f"/report/photos/{pk}/" in page for pk in staged)
    assert not [u for u in re.findall(r'src="([^"]*)"', page) if "p-1" in u]  # no key in URLs (nor logs)
    assert client.get(f"/report/photos/{staged[0]}/")["Content-Type"] == "image/jpeg"
    assert Client().get(f"/report/photos/{staged[0]}/").status_code == 404  # another browser
    # The person drops one of the kept photos and sends the form again, with no new file.
    response = client.post(f"/report/?p={token}", {**form(), "drop": [staged[0]]})
    assert response.status_code == 302
    case = Case.objects.get(description="井盖丢了")
    assert Attachment.objects.filter(case=case).count() == 1
    assert not StagedPhoto.objects.filter(key="p-1").exists()


@pytest.mark.django_db
def test_kept_photos_of_abandoned_forms_are_purged_after_a_day(client, token):
    bad = SimpleUploadedFile("fake.jpg", b"not an image" * 20, content_type="image/jpeg")
    good = SimpleUploadedFile("ok.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(f"/report/?p={token}", {**form(key="gone"), "photos": [bad, good]})
    assert purge_expired(now=clock.now()) == 0
    assert purge_expired(now=clock.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert not StagedPhoto.objects.filter(key="gone").exists()


@pytest.mark.django_db
def test_the_reporter_adds_a_photo_later_and_the_handling_unit_sees_it(client, client_for, token):
    client.post(f"/report/?p={token}", form())
    case = Case.objects.get(description="井盖丢了")
    track = f"/track/{tracking_code(case)}/"
    photo = SimpleUploadedFile("later.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(track, {"action": "follow_up", "note": "", "photos": [photo]})
    assert response.status_code == 302
    (attachment,) = Attachment.objects.filter(case=case)
    assert case.events.filter(action="follow_up", data__photos=1).exists()
    page = client_for("dispatcher_410611").get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/photos/{attachment.pk}/" in page
    empty = client.post(track, {"action": "follow_up", "note": ""})
    assert empty.status_code == 400 and "add a note or a photo" in empty.content.decode()


@pytest.mark.django_db
def test_at_most_six_photos(client, token):
    uploads = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(7)]
    response = client.post(f"/report/?p={token}", {**form(), "photos": uploads})
    assert response.status_code == 400 and "最多 6 张照片" in response.content.decode()
