"""Public endpoints are rate-limited; a refused request says why and when to retry."""

import pytest

from cases.models import Case
from intake.models import PlaceKind
from intake.services import place_token

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_one_phone_cannot_flood_the_report_form(client):
    token = place_token(PlaceKind.GRID, "410611101001001")
    for i in range(5):
        data = {"key": f"rl-{i}", "text": f"第{i}次反映", "phone": "13900009999", "consent": "on"}
        assert client.post(f"/report/?p={token}", data).status_code == 302
    data = {"key": "rl-6", "text": "第6次反映", "phone": "13900009999", "consent": "on"}
    response = client.post(f"/report/?p={token}", data)
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交太频繁" in page and "分钟后再试" in page
    assert "第6次反映" in page  # refused as the form itself: nothing typed is lost
    assert not Case.objects.filter(description="第6次反映").exists()
    # The same number written another way is the same phone.
    data = {**data, "key": "rl-6b", "phone": "+86 139-0000-9999"}
    assert client.post(f"/report/?p={token}", data).status_code == 429
    # Another phone (and anonymous reports) from the same place still get through.
    other = {"key": "rl-7", "text": "别人的反映", "phone": "13900008888", "consent": "on"}
    assert client.post(f"/report/?p={token}", other).status_code == 302


@pytest.mark.django_db
def test_every_form_post_counts_against_the_address(client):
    token = place_token(PlaceKind.GRID, "410611101001001")
    for i in range(60):  # e.g. forms sent back for photos, never submitted
        assert client.post(f"/report/?p={token}", {"key": f"x-{i}", "op": "noop"}).status_code == 200
    refused = client.post(f"/report/?p={token}", {"key": "x-61", "op": "noop"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "分钟后再试" in refused.content.decode()


@pytest.mark.django_db
def test_a_forged_forwarded_address_is_not_believed_without_a_proxy(client, settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "notify.backends.MemoryBackend"}
    answers = [
        client.post("/report/sms-code/", {"phone": f"1390000{i:04d}"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        for i in range(11)
    ]
    assert [a.status_code for a in answers] == [200] * 10 + [429]  # ten an hour per real address
    settings.TRUST_X_FORWARDED_FOR = True  # behind the proxy, its header names the client
    behind = client.post("/report/sms-code/", {"phone": "13900001111"}, HTTP_X_FORWARDED_FOR="10.0.1.1")
    assert behind.status_code == 200


@pytest.mark.django_db
def test_a_bad_form_key_is_refused_without_losing_the_text(client):
    token = place_token(PlaceKind.GRID, "410611101001001")
    for key in ("", "a/b", "k" * 65):
        page = client.post(f"/report/?p={token}", {"key": key, "text": "钥匙坏了", "consent": "on"})
        assert page.status_code == 400 and "钥匙坏了" in page.content.decode()
    assert not Case.objects.filter(description="钥匙坏了").exists()
