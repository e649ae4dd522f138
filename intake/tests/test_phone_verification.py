"""A reporter may prove their phone with an SMS code: the report then
carries the verified mark, the reporter hears about each public step by SMS,
and can follow the report on another phone. Codes have tries and rate limits."""

import re

import pytest
from django.core.cache import cache

from cases import services as case_services
from cases.models import Case, Category
from intake.models import PlaceKind
from intake.services import place_token
from notify.backends import MemoryBackend
from notify.services import deliver_due
from orgs.models import OrgUnit

PHONE = "13912345678"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def sms(settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "notify.backends.MemoryBackend"}
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


@pytest.fixture
def url(db):
    return f"/report/?p={place_token(PlaceKind.GRID, '410611101001001')}"


def form(**extra):
    fields = {"key": "verify-1", "text": "小区门口的井盖丢了，很危险", "phone": PHONE, "consent": "on"}
    return {**fields, **extra}


def last_code(outbox) -> str:
    return re.search(r"验证码是 (\d{6})", outbox[-1]["body"]).group(1)


@pytest.mark.django_db
def test_a_verified_reporter_gets_sms_on_public_steps(client, url, sms, user_named, settings):
    settings.CHANGAN_PUBLIC_URL = "https://12345.example.gov.cn"
    page = client.post(url, form(op="send_code"))
    assert page.status_code == 200 and "验证码已发送到 139****5678" in page.content.decode()
    assert sms[-1]["address"] == PHONE
    response = client.post(url, form(code=last_code(sms)))
    assert response.status_code == 302
    case = Case.objects.get(number=client.get(response["Location"]).context["case"].number)
    assert case.reporter_verified and case.reporter_phone_digest
    dispatcher = user_named("dispatcher_410611")
    case = case_services.accept(case=case, by=dispatcher, category=Category.objects.get(code="010201"))
    case_services.dispatch(case=case, by=dispatcher, unit=OrgUnit.objects.get(name="淇滨区城市管理局"))
    sms.clear()
    deliver_due()
    bodies = [m["body"] for m in sms if m["address"] == PHONE]
    assert len(bodies) == 3  # received, accepted, dispatched
    assert case.number in bodies[-1] and "淇滨区城市管理局" in bodies[-1]
    # A link to "find my reports" (a new SMS code lets them in), not the case's
    # bearer tracking link: messages are stored and shown to administrators.
    assert bodies[-1].endswith("查看进度：https://12345.example.gov.cn/track/")


@pytest.mark.django_db
def test_an_unverified_phone_gets_no_sms(client, url, sms):
    response = client.post(url, form())
    assert response.status_code == 302
    case = Case.objects.latest("pk")
    assert not case.reporter_verified and case.reporter_phone_masked == "139****5678"
    deliver_due()
    assert not [m for m in sms if m["address"] == PHONE]


@pytest.mark.django_db
def test_wrong_codes_use_up_the_tries_and_nothing_typed_is_lost(client, url, sms):
    client.post(url, form(op="send_code"))
    right = last_code(sms)
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        page = client.post(url, form(code=wrong))
        assert page.status_code == 400 and f"还可以试 {left} 次" in page.content.decode()
        assert "小区门口的井盖丢了" in page.content.decode()
    page = client.post(url, form(code=wrong))
    assert page.status_code == 400 and "错误次数过多" in page.content.decode()
    page = client.post(url, form(code=right))  # too late: the code is spent
    assert page.status_code == 400 and "错误次数过多" in page.content.decode()
    assert not Case.objects.filter(description__startswith="小区门口的井盖丢了").exists()


@pytest.mark.django_db
def test_a_number_typed_with_86_is_the_same_phone(client, url, sms):
    client.post(url, form(op="send_code", phone="+86 139-1234-5678"))
    client.post(url, form(phone="8613912345678", code=last_code(sms)))
    case = Case.objects.latest("pk")
    assert case.reporter_verified and case.reporter_phone_masked == "139****5678"
    listed = client.get("/track/").content.decode()
    assert case.number in listed


@pytest.mark.django_db
def test_codes_are_rate_limited_and_bad_numbers_refused(client, sms):
    first = client.post("/report/sms-code/", {"phone": PHONE})
    assert first.status_code == 200 and "139****5678" in first.json()["message"]
    again = client.post("/report/sms-code/", {"phone": PHONE})
    assert again.status_code == 429 and "秒后再试" in again.json()["error"]
    landline = client.post("/report/sms-code/", {"phone": "0392-3312345"})
    assert landline.status_code == 400 and "11 位手机号" in landline.json()["error"]
    assert len(sms) == 1


@pytest.mark.django_db
def test_a_failing_gateway_says_so(client, settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "notify.backends.FailingBackend"}
    response = client.post("/report/sms-code/", {"phone": PHONE})
    assert response.status_code == 503 and "稍后再试" in response.json()["error"]


@pytest.mark.django_db
def test_follow_reports_on_another_phone(client, url, sms, django_user_model):
    from django.test import Client

    client.post(url, form(op="send_code"))
    client.post(url, form(code=last_code(sms)))
    client.post(url, form(key="verify-2", text="又发现一处井盖丢失"))  # same phone, verified in this session
    Client().post(url, form(key="other", text="别人填了我的号码", phone=PHONE))  # not verified
    cache.clear()  # a minute later: one code a minute per phone
    other_phone = Client()
    assert other_phone.get("/track/").status_code == 200
    other_phone.post("/track/", {"op": "send_code", "phone": PHONE})
    page = other_phone.post("/track/", {"op": "verify", "phone": PHONE, "code": last_code(sms)})
    text = page.content.decode()
    assert page.status_code == 200 and text.count("/track/") >= 2
    assert "井盖丢了" in text and "又发现一处井盖丢失" in text and "别人填了我的号码" not in text
    assert Client().post("/track/", {"tracking": "forged"}).status_code == 404
