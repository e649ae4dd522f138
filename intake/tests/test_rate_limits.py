"""Public endpoints are rate-limited; a refused request says why and when to retry."""

import pytest

from cases.models import Case
from intake.models import PlaceKind
from intake.services import place_token


@pytest.mark.django_db
def test_one_phone_cannot_flood_the_report_form(client):
    token = place_token(PlaceKind.GRID, "410611101001001")
    for i in range(5):
        data = {"key": f"rl-{i}", "text": f"第{i}次反映", "phone": "13900009999", "consent": "on"}
        assert client.post(f"/report/?p={token}", data).status_code == 302
    data = {"key": "rl-6", "text": "第6次反映", "phone": "13900009999", "consent": "on"}
    response = client.post(f"/report/?p={token}", data)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    page = response.content.decode()
    assert "这个手机号提交得太频繁了" in page and "分钟后再试" in page
    assert not Case.objects.filter(description="第6次反映").exists()
    # Another phone (and anonymous reports) from the same place still get through.
    other = {"key": "rl-7", "text": "别人的反映", "phone": "13900008888", "consent": "on"}
    assert client.post(f"/report/?p={token}", other).status_code == 302
