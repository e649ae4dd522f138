"""Upload limits set at the framework (changan.uploads): a request declaring
more than MAX_REQUEST_BYTES is answered 413 without being read, and a file
past MAX_UPLOAD_FILE_BYTES is stopped while it streams in, the page then
giving its usual "photo too large" message — never a server error."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from cases.models import Case
from intake import photos
from intake.models import PlaceKind, StagedPhoto
from intake.services import place_token

MB = 1024 * 1024


def noisy_jpeg(size: tuple[int, int]) -> bytes:
    """A photo camera noise keeps large: about 1.5 MB at 1200 × 900."""
    bands = [Image.effect_noise(size, 60 + 20 * i) for i in range(3)]
    out = io.BytesIO()
    Image.merge("RGB", bands).save(out, format="JPEG", quality=95)
    return out.getvalue()


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def report_url(small_city) -> str:
    return f"/report/?p={place_token(PlaceKind.GRID, '410611101001001')}"


def form(key: str, **extra):
    return {"key": key, "text": "排水沟堵塞", "consent": "on", "phone": "13500003333", **extra}


def test_the_default_limits_fit_the_largest_legitimate_form():
    # The grid worker's report: 6 photos and 6 "after" photos, each up to the photo limit.
    assert settings.MAX_UPLOAD_FILE_BYTES == photos.MAX_BYTES
    assert 12 * photos.MAX_BYTES < settings.MAX_REQUEST_BYTES <= 12 * photos.MAX_BYTES + 2 * MB


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/report/", "/field/report/", "/track/anything/"])
def test_a_request_declaring_more_than_the_limit_is_answered_413_unread(client, path):
    declared = str(settings.MAX_REQUEST_BYTES + 1)
    response = client.post(path, b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=declared)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert f"提交的内容太大（超过 {settings.MAX_REQUEST_BYTES / MB:g} MB）" in response.content.decode()


@pytest.mark.django_db
def test_a_real_request_over_a_lower_limit_is_answered_413_and_one_under_it_goes_through(client, report_url):
    with override_settings(MAX_REQUEST_BYTES=200_000):
        big = SimpleUploadedFile("big.jpg", noisy_jpeg((600, 400)), content_type="image/jpeg")
        assert big.size > 200_000
        refused = client.post(report_url, {**form("limit-1"), "photos": [big]})
        assert refused.status_code == 413 and not Case.objects.filter(description="排水沟堵塞").exists()
        small = SimpleUploadedFile("small.jpg", small_jpeg(), content_type="image/jpeg")
        assert client.post(report_url, {**form("limit-2"), "photos": [small]}).status_code == 302


@pytest.mark.django_db
def test_a_photo_over_12_mb_gets_the_forms_message_and_keeps_the_rest(client, report_url):
    huge = SimpleUploadedFile(
        "huge.jpg", b"\xff\xd8\xff\xe0" + bytes(photos.MAX_BYTES), content_type="image/jpeg"
    )
    good = SimpleUploadedFile("good.jpg", small_jpeg(), content_type="image/jpeg")
    response = client.post(report_url, {**form("huge-1"), "photos": [huge, good]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "照片「huge.jpg」太大（超过 12 MB）" in page and "排水沟堵塞" in page
    assert StagedPhoto.objects.filter(key="huge-1").count() == 1  # the good photo is kept for the retry


@pytest.mark.django_db
def test_a_file_past_the_per_file_limit_is_stopped_while_it_streams(client, report_url):
    with override_settings(MAX_UPLOAD_FILE_BYTES=1 * MB):
        photo = noisy_jpeg((1200, 900))
        assert 1 * MB < len(photo) < photos.MAX_BYTES  # a good photo, but past this server's limit
        big = SimpleUploadedFile("big.jpg", photo, content_type="image/jpeg")
        good = SimpleUploadedFile("good.jpg", small_jpeg(), content_type="image/jpeg")
        response = client.post(report_url, {**form("stream-1"), "photos": [big, good]})
    assert response.status_code == 400
    assert "照片「big.jpg」太大（超过 1 MB）" in response.content.decode()
    assert StagedPhoto.objects.filter(key="stream-1").count() == 1
