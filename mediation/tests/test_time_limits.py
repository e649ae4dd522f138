"""The mediation's 30 days and the 30-day window for judicial confirmation
run on the working-time calendar: a period ending in a holiday ends on the
next workday, and the warning comes five workdays before — across the 2026
Mid-Autumn (25–27 September) and National Day (1–7 October) holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from changan import clock
from mediation import deadlines, services
from mediation.models import Agreement, Step
from notify.models import Notification
from worktime.selectors import work_calendar

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.django_db
def test_the_confirmation_window_ends_after_the_holiday_and_warns_five_workdays_before():
    calendar = work_calendar()
    due, warn = deadlines.confirmation_window(dt.date(2026, 9, 3), calendar, warn_workdays=5)
    assert due == dt.date(2026, 10, 8)  # day 30 is 3 October, a holiday: the first workday after
    assert warn == dt.date(2026, 9, 23)  # 30, 29, 28, (中秋 25–27), 24, 23 September
    # On a plain month the window is 30 days and the warning a working week earlier.
    assert deadlines.confirmation_window(dt.date(2026, 3, 2), calendar) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 3, 25),
    )


@pytest.mark.django_db
def test_the_mediation_limit_moves_past_the_holiday():
    due = deadlines.mediation_due(at("2026-09-03 10:00"), work_calendar())
    assert due == at("2026-10-08 17:30")


@pytest.mark.django_db
def test_the_worker_warns_on_the_right_day_and_once(in_step, mediator):
    with clock.frozen_at(at("2026-09-03 10:00")):
        dispute = in_step("clear")
    agreement = Agreement.objects.get(dispute=dispute)
    assert (agreement.confirmation_due, agreement.confirmation_warn_on) == (
        dt.date(2026, 10, 8),
        dt.date(2026, 9, 23),
    )
    assert dispute.step == Step.CLEAR
    # The obligation (due ten days after signing) becomes overdue after its day.
    assert services.sweep(now=at("2026-09-13 20:00")).overdue_obligations == 0
    assert services.sweep(now=at("2026-09-14 08:00")).overdue_obligations == 1
    before = services.sweep(now=at("2026-09-22 18:00"))
    assert before.confirmation_warnings == 0
    report = services.sweep(now=at("2026-09-23 08:00"))
    assert report.confirmation_warnings == 1
    assert Notification.objects.filter(recipient=mediator.user, kind="confirmation_window").exists()
    assert dispute.case.events.filter(action="confirmation_warn").count() == 1
    assert services.sweep(now=at("2026-09-24 08:00")).confirmation_warnings == 0  # once


@pytest.mark.django_db
def test_a_step_past_its_time_is_reported_to_the_mediator_and_the_dispatchers(in_step, mediator, dispatcher):
    with clock.frozen_at(at("2026-09-03 10:00")):
        dispute = in_step("enter")  # a first visit is due within 3 workdays
    assert services.sweep(now=at("2026-09-08 09:00")).overdue_steps == 0
    assert services.sweep(now=at("2026-09-08 11:00")).overdue_steps == 1
    note = Notification.objects.filter(kind="dispute_step_overdue", case=dispute.case)
    assert {n.recipient for n in note} >= {mediator.user, dispatcher}
