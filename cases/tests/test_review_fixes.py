"""Regressions found in review: whistles through the API, stale whistles,
rule ranking, calendar edits, deadline validation, natural-time resume,
reopening a direct answer, half a point."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import RoleCode, User
from cases import limits, services
from cases.models import Case, CaseEvent, CaseUnit, Status, TimeLimitRule, TimeUnit, UnitRole
from changan import clock
from orgs.models import OrgUnit
from regions.models import Area, Grid
from worktime.models import CalendarDay
from worktime.selectors import work_calendar

pytestmark = pytest.mark.usefixtures("small_city")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def village_case(db):
    worker = User.objects.get(username="gw410611101001001")
    point = Grid.objects.get(code="410611101001001").boundary.representative_point()
    return services.receive_case(
        by=worker,
        title="河道倾倒垃圾",
        description="需要部门联合处置",
        channel="grid_worker",
        lon=point.x,
        lat=point.y,
    )


@pytest.mark.django_db
def test_a_grid_worker_whistles_to_county_departments_through_the_api(village_case):
    client = Client()
    client.force_login(User.objects.get(username="gw410611101001001"))
    urban = OrgUnit.objects.get(name="淇滨区城市管理局")
    r = post(client, f"/api/v1/cases/{village_case.pk}/whistle/", {"units": [urban.pk], "note": "请城管到场"})
    assert r.status_code == 200, r.content
    assert r.json()["lead_unit"] == urban.pk


@pytest.mark.django_db
def test_returned_and_merged_cases_are_not_escalated_for_old_whistles(village_case, user_named):
    worker = User.objects.get(username="gw410611101001001")
    unit = OrgUnit.objects.get(name="淇滨区城市管理局")
    staff = User.objects.create_user("u-staff", password="x-long-pass-1", org_unit=unit)
    staff.roles.add(RoleCode.HANDLER)
    case = services.blow_whistle(case=village_case, by=worker, units=[unit], note="到场")
    services.return_case(case=case, by=staff, reason="非本单位职责")
    due = CaseUnit.objects.get(case=case, role=UnitRole.WHISTLE).ack_due_at
    assert services.sweep_timers(now=due + dt.timedelta(hours=1)).whistles_escalated == 0
    assert not CaseEvent.objects.filter(case=case, action="whistle_overdue").exists()


@pytest.mark.django_db
def test_signing_answers_the_lead_units_whistle(village_case):
    worker = User.objects.get(username="gw410611101001001")
    unit = OrgUnit.objects.get(name="淇滨区城市管理局")
    staff = User.objects.create_user("u-staff", password="x-long-pass-1", org_unit=unit)
    staff.roles.add(RoleCode.HANDLER)
    case = services.blow_whistle(case=village_case, by=worker, units=[unit], note="到场")
    services.sign(case=case, by=staff)
    assert CaseUnit.objects.get(case=case, role=UnitRole.WHISTLE).acknowledged_at is not None


@pytest.mark.django_db
def test_a_county_rule_beats_a_city_rule(new_case):
    city, county = Area.objects.get(code="410600000000"), Area.objects.get(code="410622000000")
    TimeLimitRule.objects.create(area=city, resolve_amount=10, resolve_unit=TimeUnit.WORKING_DAYS)
    TimeLimitRule.objects.create(area=county, resolve_amount=3, resolve_unit=TimeUnit.WORKING_DAYS)
    assert limits.rule_for(new_case()).resolve_amount == 3


@pytest.mark.django_db
def test_moving_a_holiday_takes_effect(db):
    assert not work_calendar().is_workday(dt.date(2026, 6, 19))
    day = CalendarDay.objects.get(date=dt.date(2026, 6, 19))
    CalendarDay.objects.filter(pk=day.pk).delete()  # a bulk delete: no signal
    CalendarDay.objects.bulk_create([CalendarDay(date=dt.date(2026, 6, 22), is_workday=False, name="端午节")])
    from django.core.cache import cache

    cache.clear()  # as after the stamp's timeout
    cal = work_calendar()
    assert cal.is_workday(dt.date(2026, 6, 19)) and not cal.is_workday(dt.date(2026, 6, 22))


@pytest.mark.django_db
def test_hand_set_deadlines_must_be_future_and_within_a_year(handling_case, handler, dispatcher, client_for):
    case = services.request_extension(
        case=handling_case,
        by=handler,
        until=handling_case.resolve_due_at + dt.timedelta(days=2),
        reason="协调",
    )
    with pytest.raises(ValidationError, match="in the future"):
        services.grant_extension(case=case, by=dispatcher, until=clock.now() - dt.timedelta(days=1))
    api = client_for("qixian_dispatcher")
    too_late = clock.localtime() + dt.timedelta(days=400)
    r = post(api, f"/api/v1/cases/{case.pk}/supervise/", {"note": "x", "due": too_late.isoformat()})
    assert r.status_code == 400 and "within a year" in r.content.decode()
    assert api.get("/api/v1/cases/", {"lead_unit": "9" * 25}).status_code == 400


@pytest.mark.django_db
def test_a_24_hour_limit_moves_by_clock_time_after_suspension(new_case, dispatcher, bureau, handler):
    case = services.accept(case=new_case(urgency="fast"), by=dispatcher)
    case = services.sign(case=services.dispatch(case=case, by=dispatcher, unit=bureau), by=handler)
    due = case.resolve_due_at
    case = services.suspend(case=case, by=handler, reason="等待")
    Case.objects.filter(pk=case.pk).update(suspended_at=case.suspended_at - dt.timedelta(hours=48))
    case = services.resume(case=case, by=handler)
    assert case.resolve_due_at - due == pytest.approx(dt.timedelta(hours=48), abs=dt.timedelta(seconds=5))


@pytest.mark.django_db
def test_reopening_a_direct_answer_goes_back_to_the_dispatcher(new_case, dispatcher):
    case = services.answer(case=new_case(appeal_type="consult"), by=dispatcher, reply="已答复")
    case = services.rate(case=case, by=dispatcher, satisfaction=1, solved=False)
    case = services.reopen(case=case, by=dispatcher, reason="答复不清楚")
    assert case.status == Status.ACCEPTED and "dispatch" in services.allowed_actions(case, dispatcher)


@pytest.mark.django_db
def test_half_a_point_is_refused(new_case):
    with pytest.raises(ValidationError, match="both longitude and latitude"):
        new_case(lat=None)


@pytest.mark.django_db
def test_a_unit_member_without_the_handler_role_cannot_sign(dispatched_case, bureau):
    clerk = User.objects.create_user("clerk", password="x-long-pass-1", org_unit=bureau)
    with pytest.raises(services.ActionRefused):
        services.sign(case=dispatched_case, by=clerk)
