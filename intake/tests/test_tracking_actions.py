"""From the tracking page the reporter rates, asks once to reopen, and adds
information that reaches the handling unit."""

import pytest

from cases import services as case_services
from cases.models import Case, CaseEvent, Category, Status
from cases.tracking import tracking_code
from intake.models import PlaceKind
from intake.services import place_from_token, place_token, submit_report
from notify.models import Notification
from orgs.models import OrgUnit

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def reported(db):
    place = place_from_token(place_token(PlaceKind.GRID, "410611101001001"))
    return submit_report(key="t-1", session="test-session", place=place, text="路灯不亮", consent=True)


def walk_to_closed(case, user_named):
    dispatcher, unit = user_named("dispatcher_410611"), OrgUnit.objects.get(name="淇滨区城市管理局")
    handler = user_named("handler_410611_urban_management")
    case = case_services.accept(case=case, by=dispatcher, category=Category.objects.get(code="900202"))
    case = case_services.dispatch(case=case, by=dispatcher, unit=unit)
    case = case_services.sign(case=case, by=handler)
    case = case_services.reply(case=case, by=handler, result="已更换灯泡")
    return case_services.verify(case=case, by=dispatcher, passed=True)


@pytest.mark.django_db
def test_a_follow_up_reaches_the_dispatchers_before_dispatch(client, reported):
    url = f"/track/{tracking_code(reported)}/"
    assert 'id="follow-up"' in client.get(url).content.decode()
    assert client.post(url, {"action": "follow_up", "note": "晚上八点后最黑"}).status_code == 302
    event = CaseEvent.objects.get(case=reported, action="follow_up")
    assert event.actor is None and event.data == {"by": "reporter"}
    assert Notification.objects.filter(case=reported, kind="reporter_follow_up").exists()


@pytest.mark.django_db
def test_rate_unsolved_then_reopen_once(client, reported, user_named):
    case = walk_to_closed(reported, user_named)
    url = f"/track/{tracking_code(case)}/"
    page = client.get(url).content.decode()
    assert 'id="rate"' in page and "已更换灯泡" in page
    assert client.post(url, {"action": "rate", "satisfaction": "2", "solved": "no"}).status_code == 302
    case.refresh_from_db()
    assert (case.satisfaction, case.solved) == (2, False)
    assert client.post(url, {"action": "reopen", "reason": "还是不亮"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.reopen_count == 1
    assert 'id="reopen"' not in client.get(url).content.decode()


@pytest.mark.django_db
def test_refused_tracking_actions_say_why(client, reported):
    url = f"/track/{tracking_code(reported)}/"
    response = client.post(url, {"action": "rate", "satisfaction": "5", "solved": "yes"})
    assert response.status_code == 409 and "cannot rate" in response.content.decode()
    assert client.post(url, {"action": "verify"}).status_code == 404
    assert Case.objects.get(pk=reported.pk).satisfaction is None


@pytest.mark.django_db
def test_staff_cannot_act_as_the_reporter(client_for, reported):
    api = client_for("dispatcher_410611")
    r = api.post(f"/api/v1/cases/{reported.pk}/follow-up/", {"note": "x"}, content_type="application/json")
    assert r.status_code == 409


@pytest.mark.django_db
def test_the_reporter_passes_no_staff_check(reported):
    assert case_services.allowed_actions(reported, case_services.REPORTER) == ["follow_up"]


@pytest.mark.django_db
def test_follow_ups_are_limited_per_case(client, reported):
    url = f"/track/{tracking_code(reported)}/"
    for i in range(10):
        assert client.post(url, {"action": "follow_up", "note": f"补充{i}"}).status_code == 302
    refused = client.post(url, {"action": "follow_up", "note": "第十一次"})
    assert refused.status_code == 429 and not reported.events.filter(note="第十一次").exists()
