"""Signing in: a lock-out after repeated wrong passwords, and an optional
TOTP second factor that the login page, the admin and the API all respect."""

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "changan-demo"

pytestmark = pytest.mark.usefixtures("small_city")


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def fresh(device: TOTPDevice) -> TOTPDevice:
    """Forget the last used code and the throttling django-otp applies after
    a wrong one, as a minute's wait would."""
    device.refresh_from_db()
    device.last_t, device.throttling_failure_count, device.throttling_failure_timestamp = -1, 0, None
    device.save()
    return device


@pytest.fixture
def staff(user_named):
    user = user_named("qixian_dispatcher")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_on_that_address(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page = client.post("/login/", {"username": staff.username, "password": "wrong"})
        assert page.status_code == 200 and "用户名、密码或动态验证码不正确" in page.content.decode()
    locked = client.post("/login/", {"username": staff.username, "password": "wrong"})
    assert locked.status_code == 429 and "暂时无法登录" in locked.content.decode()
    still = client.post("/login/", {"username": staff.username, "password": PASSWORD})
    assert still.status_code == 429  # even with the right password, until the cool-off ends
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    ok = elsewhere.post("/login/", {"username": staff.username, "password": PASSWORD})
    assert ok.status_code == 302  # the pair (name, address) is locked, not the person everywhere


@pytest.mark.django_db
def test_the_second_factor_is_turned_on_used_and_turned_off(client, staff):
    client.force_login(staff)
    page = client.get("/account/security/").content.decode()
    assert "<svg" in page and 'id="totp-secret"' in page  # the QR code is drawn here, nothing fetched
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    client.post("/account/security/", {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    client.post("/account/security/", {"token": code_for(fresh(device))})
    device.refresh_from_db()
    assert device.confirmed
    client.logout()

    without = client.post("/login/", {"username": staff.username, "password": PASSWORD})
    wrong = client.post("/login/", {"username": staff.username, "password": PASSWORD, "otp_token": "123"})
    for page in (without, wrong):  # worded like a wrong password: the page does not confirm the password
        assert page.status_code == 200 and "用户名、密码或动态验证码不正确" in page.content.decode()
    assert AccessAttempt.objects.get(username=staff.username).failures_since_start == 2  # counted
    form = {"username": staff.username, "password": PASSWORD, "otp_token": code_for(fresh(device))}
    assert client.post("/login/", form).status_code == 302
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith("/login/?next=")

    creds = base64.b64encode(f"{staff.username}:{PASSWORD}".encode()).decode()
    refused = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Basic {creds}")
    assert refused.status_code in (401, 403) and "second factor" in refused.content.decode()

    client.post("/account/security/", {"token": code_for(fresh(device))})
    assert not TOTPDevice.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_a_session_from_before_the_second_factor_is_signed_out(client, staff):
    old_session = Client()
    old_session.force_login(staff)  # e.g. a phone left signed in, or a stolen cookie
    assert old_session.get("/cases/").status_code == 200
    client.force_login(staff)
    client.get("/account/security/")
    device = TOTPDevice.objects.get(user=staff)
    client.post("/account/security/", {"token": code_for(fresh(device))})
    assert client.get("/cases/").status_code == 200  # this session passed the code
    bounced = old_session.get("/cases/")
    assert bounced.status_code == 302 and bounced["Location"].startswith("/login/")
    assert old_session.get("/cases/")["Location"].startswith("/login/")  # signed out for good
