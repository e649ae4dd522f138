"""The nightly run: the worker judges yesterday once, after the hour; the
command judges any day with a progress bar; a day run again keeps what
analysts decided."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from earlywarning import services
from earlywarning.models import Decision, Run, Signal
from earlywarning.tests.factories import signal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_city")]
NIGHT = timezone.make_aware(dt.datetime(2026, 11, 21, 1, 30))


@override_settings(EARLY_WARNING_HOUR=1)
def test_the_worker_judges_yesterday_once_after_the_hour():
    assert services.run_due(now=NIGHT - dt.timedelta(hours=1)) is None  # 00:30: not yet
    run = services.run_due(now=NIGHT)
    assert run.day == dt.date(2026, 11, 20) and run.finished_at is not None
    assert services.run_due(now=NIGHT + dt.timedelta(minutes=5)) is None  # another pass, another worker
    assert Run.objects.filter(day=run.day).count() == 1


@override_settings(EARLY_WARNING_HOUR=1)
def test_a_run_that_died_is_taken_over_later():
    Run.objects.create(day=dt.date(2026, 11, 20), started_at=NIGHT - dt.timedelta(hours=4))
    run = services.run_due(now=NIGHT)
    assert run is not None and run.finished_at is not None


def test_running_a_day_again_keeps_the_decided_signals(user_named):
    decided = signal()
    services.decide(signal=decided, by=user_named("analyst"), decision="dismissed", reason="已核实为正常")
    undecided = signal(rank=2)
    services.run_early_warning(day=decided.day)
    assert Signal.objects.filter(pk=decided.pk, decision=Decision.DISMISSED).exists()
    assert not Signal.objects.filter(pk=undecided.pk).exists()


def test_a_decision_on_a_signal_replaced_meanwhile_is_a_404_not_an_error(client_for):
    s = signal()
    client = client_for("analyst")
    Signal.objects.filter(pk=s.pk).delete()
    response = client.post(f"/warning/{s.pk}/decide/", {"decision": "confirmed"})
    assert response.status_code == 404


def test_the_command_judges_the_days_asked_for():
    out = StringIO()
    call_command("run_early_warning", "--date", "2026-11-20", "--days", "2", "--no-progress", stdout=out)
    assert list(Run.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2026, 11, 19),
        dt.date(2026, 11, 20),
    ]
    assert "2026-11-20: 信号 signals" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_early_warning", "--date", "20.11.2026", "--no-progress")


@override_settings(EARLY_WARNING_HOUR=1)
def test_a_worker_that_was_down_catches_up_on_the_days_it_missed():
    Run.objects.create(day=dt.date(2026, 11, 17), started_at=NIGHT, finished_at=NIGHT)
    services.run_due(now=NIGHT)
    judged = set(Run.objects.exclude(finished_at=None).values_list("day", flat=True))
    assert {dt.date(2026, 11, d) for d in range(14, 21)} <= judged  # the week before yesterday, once each


@override_settings(EARLY_WARNING={"history_days": 30})
def test_a_history_too_short_for_the_method_is_a_clear_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="history_days"):
        services.parameters()
