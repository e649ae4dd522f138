"""The worker's timers: warning at 80 %, overdue, sign overdue; no repeats."""

import datetime as dt

import pytest

from cases import services
from cases.models import CaseEvent, Tier
from notify.models import Notification

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_warning_then_overdue_then_nothing_more(handling_case, handler, dispatcher):
    case = handling_case
    report = services.sweep_timers(now=case.resolve_warn_at + dt.timedelta(seconds=1))
    assert report.warned == 1 and report.overdue == 0
    assert Notification.objects.filter(case=case, recipient=handler, kind="case_warning").exists()
    report = services.sweep_timers(now=case.resolve_due_at + dt.timedelta(seconds=1))
    assert (report.warned, report.overdue) == (0, 1)
    case.refresh_from_db()
    assert case.resolve_overdue and case.tier == Tier.SEVERAL_DEPARTMENTS
    assert Notification.objects.filter(case=case, recipient=dispatcher, kind="case_overdue").exists()
    # A restarted worker sweeping again finds nothing left to do.
    assert services.sweep_timers(now=case.resolve_due_at + dt.timedelta(hours=1)).total() == 0
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions.count("warn") == 1 and actions.count("overdue") == 1


@pytest.mark.django_db
def test_overdue_signing_is_escalated_to_the_dispatchers(dispatched_case, dispatcher):
    report = services.sweep_timers(now=dispatched_case.sign_due_at + dt.timedelta(seconds=1))
    assert report.sign_overdue == 1
    assert Notification.objects.filter(
        case=dispatched_case, recipient=dispatcher, kind="sign_overdue"
    ).exists()


@pytest.mark.django_db
def test_replied_and_suspended_cases_do_not_run_out(handling_case, handler):
    case = services.reply(case=handling_case, by=handler, result="已处理")
    assert services.sweep_timers(now=case.resolve_due_at + dt.timedelta(days=1)).overdue == 0


@pytest.mark.django_db
def test_a_later_deadline_clears_a_stale_warning(handling_case, handler, dispatcher):
    case = handling_case
    services.sweep_timers(now=case.resolve_warn_at + dt.timedelta(seconds=1))
    until = case.resolve_due_at + dt.timedelta(days=20)
    case = services.request_extension(case=case, by=handler, until=until, reason="协调中")
    case = services.grant_extension(case=case, by=dispatcher)
    assert not case.resolve_warned  # it will warn again near the new deadline
