"""Photos: only real images, EXIF (with GPS) stripped, limits, bombs refused;
a refused photo loses nothing else the person typed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Attachment, Case
from intake import photos
from intake.models import PlaceKind
from intake.services import place_token


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
    photo = photos.process(original, name="a.jpg")
    stored = Image.open(io.BytesIO(photo.jpeg))
    assert stored.format == "JPEG" and not stored.getexif() and "exif" not in stored.info
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumb.size) == photos.THUMB_SIDE and (photo.width, photo.height) == (1200, 900)


def test_a_renamed_text_file_is_refused():
    with pytest.raises(photos.PhotoRefused, match="not a valid image"):
        photos.process(b"this is not a picture at all" * 10, name="fake.jpg")


def test_a_truncated_image_is_refused():
    with pytest.raises(photos.PhotoRefused):
        photos.process(jpeg_with_gps()[:2000], name="cut.jpg")


def test_a_decompression_bomb_is_refused():
    # A tiny PNG that claims 20,000 × 20,000 pixels.
    image = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(photos.PhotoRefused, match="too many pixels"):
        photos.process(out.getvalue(), name="bomb.png")


def test_an_oversized_file_is_refused_before_decoding():
    with pytest.raises(photos.PhotoRefused, match="larger than 12 MB"):
        photos.process(b"0" * (photos.MAX_BYTES + 1), name="huge.jpg")


@pytest.fixture
def token(db):
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
def test_a_refused_photo_keeps_the_rest_of_the_form(client, token):
    bad = SimpleUploadedFile("fake.jpg", b"not an image" * 20, content_type="image/jpeg")
    response = client.post(f"/report/?p={token}", {**form(), "photos": [bad]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "fake.jpg" in page and "井盖丢了" in page and "13500003333" in page
    assert not Case.objects.filter(description="井盖丢了").exists()


@pytest.mark.django_db
def test_at_most_six_photos(client, token):
    uploads = [SimpleUploadedFile(f"{i}.jpg", jpeg_with_gps(), content_type="image/jpeg") for i in range(7)]
    response = client.post(f"/report/?p={token}", {**form(), "photos": uploads})
    assert response.status_code == 400 and "at most 6 photos" in response.content.decode()
