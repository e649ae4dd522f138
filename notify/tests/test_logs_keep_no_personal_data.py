"""The default SMS backend writes to the log, and logs are read by more people
than residents' data is meant for: a logged message carries the masked
number, never the full one, never the body — so never an SMS code."""

import logging
import re

import pytest

from cases import services as case_services
from cases.models import Category, Channel
from notify.backends import ConsoleBackend
from notify.services import deliver_due
from regions.models import Grid

PHONE = "13912345678"
SENT: list[dict] = []

pytestmark = pytest.mark.usefixtures("small_city")


class RecordingConsole(ConsoleBackend):
    """The console backend, keeping what it was asked to send (to know the code)."""

    def send(self, **message) -> None:
        SENT.append(message)
        super().send(**message)


@pytest.fixture
def console(settings, caplog):
    backend = f"{__name__}.RecordingConsole"
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": backend}
    SENT.clear()
    caplog.set_level(logging.INFO)
    yield caplog
    SENT.clear()


@pytest.mark.django_db
def test_an_sms_code_is_logged_without_the_number_or_the_code(client, console):
    r = client.post("/report/sms-code/", {"phone": PHONE})
    assert r.status_code == 200, r.content
    (sent,) = SENT
    code = re.search(r"验证码是 (\d{6})", sent["body"]).group(1)
    assert sent["address"] == PHONE  # the gateway gets the real number…
    logged = console.text
    assert "139****5678" in logged  # …the log the masked one
    assert PHONE not in logged and code not in logged and "验证码是" not in logged


@pytest.mark.django_db
def test_a_reporter_and_staff_notifications_are_logged_masked_and_without_bodies(console, user_named):
    dispatcher = user_named("dispatcher_410611")
    dispatcher.phone = "13700001234"  # a work phone: masked like a resident's
    dispatcher.save()
    grid = Grid.objects.get(code="410611101001001")
    case = case_services.receive_case(
        by=None, title="楼道堆放杂物", description="张三家门口楼道堆满杂物，消防通道被堵",
        channel=Channel.QR, lon=grid.centroid_lon, lat=grid.centroid_lat,
        reporter_name="张三", reporter_phone=PHONE, reporter_verified=True,
    )  # fmt: skip
    case_services.accept(case=case, by=dispatcher, category=Category.objects.get(code="010201"))
    deliver_due()
    to_reporter = [m for m in SENT if m["address"] == PHONE]
    to_staff = [m for m in SENT if m["address"] == dispatcher.phone]
    assert to_reporter and to_staff and case.number in to_reporter[-1]["body"]
    logged = console.text
    assert "139****5678" in logged and "137****1234" in logged
    assert PHONE not in logged and dispatcher.phone not in logged
    assert "张三" not in logged and "消防通道" not in logged and "您反映的问题" not in logged
