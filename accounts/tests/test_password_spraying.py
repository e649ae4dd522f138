"""Password spraying — one wrong password for each of many accounts from one
address — locks the address, not only each (account, address) pair."""

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client

from accounts.models import User

PASSWORD = "changan-demo"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_wrong_passwords_on_many_accounts_lock_the_address(client, user_named, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    User.objects.bulk_create([User(username=f"sprayed{i:02d}") for i in range(40)])  # the small city has ~100
    targets = list(User.objects.filter(username__startswith="sprayed").order_by("username"))
    fresh = user_named("qixian_dispatcher")
    fresh.set_password(PASSWORD)
    fresh.save()
    pages = [client.post("/login/", {"username": u.username, "password": "wrong"}) for u in targets]
    assert all(p.status_code == 200 for p in pages[:20])  # each a plain "wrong password"
    assert all(p.status_code == 429 for p in pages[20:])
    assert "登录失败次数过多" in pages[-1].content.decode()
    assert AccessAttempt.objects.count() == 20  # the refused ones were not even tried
    right = client.post("/login/", {"username": fresh.username, "password": PASSWORD})
    assert right.status_code == 429  # the right password of an untouched account: refused too
    creds = base64.b64encode(f"{fresh.username}:{PASSWORD}".encode()).decode()
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Basic {creds}").status_code in (401, 403)

    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert elsewhere.post("/login/", {"username": fresh.username, "password": PASSWORD}).status_code == 302
    api_elsewhere = Client(REMOTE_ADDR="10.1.2.4")
    assert api_elsewhere.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Basic {creds}").status_code == 200


@pytest.mark.django_db
def test_the_limit_and_the_cool_off_are_settings(client, user_named, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for name in ("handler", "mediator", "inspector"):
        assert client.post("/login/", {"username": name, "password": "wrong"}).status_code == 200
    assert client.post("/login/", {"username": "analyst", "password": "wrong"}).status_code == 429
