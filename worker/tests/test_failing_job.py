"""A job that raises does not stop the worker: the rest of the pass runs, the
job is retried later with a growing delay, and after repeated failures the
administrators are told — once per streak."""

import datetime as dt
import logging

import pytest

from accounts.models import User
from changan import clock
from changan.jobs import jobs
from notify.models import Delivery, DeliveryState, Notification
from notify.services import notify
from worker.models import JobHealth
from worker.services import backoff

pytestmark = pytest.mark.usefixtures("small_city")  # its users and units

MINUTE = dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_a_job_that_raises_does_not_stop_the_other_jobs_of_the_pass(flaky, caplog, run_worker_once):
    dispatcher = User.objects.exclude(phone="").first()
    notify(recipients=[dispatcher], title="请签收", kind="test")

    _, err = run_worker_once()

    assert flaky.calls == 1
    assert "flaky" in err and "ValueError" in err
    assert Delivery.objects.get(notification__title="请签收").state == DeliveryState.SENT
    health = JobHealth.objects.get(name="flaky")
    assert health.consecutive_failures == 1 and health.last_success_at is None
    assert health.last_error == "ValueError: the gateway said no"
    # The apps' own jobs all ran after it, in the same pass.
    ran = JobHealth.objects.exclude(name="flaky").exclude(last_success_at=None)
    assert set(ran.values_list("name", flat=True)) == {job.name for job in jobs()} - {"flaky"}
    # Logged with its traceback.
    failure = next(r for r in caplog.records if r.name == "changan.worker" and "flaky" in r.getMessage())
    assert failure.levelno == logging.ERROR and failure.exc_info[0] is ValueError


@pytest.mark.django_db
def test_a_failing_job_backs_off_and_alerts_the_administrators_once(flaky, caplog, run_worker_once):
    start = clock.now()
    run_worker_once(start)
    assert JobHealth.objects.get(name="flaky").next_due_at == start + MINUTE

    run_worker_once(start + 30 * dt.timedelta(seconds=1))  # not due yet: not run
    assert flaky.calls == 1

    at = start + MINUTE
    for failures, delay in ((2, 2), (3, 4), (4, 8)):
        run_worker_once(at)
        health = JobHealth.objects.get(name="flaky")
        assert flaky.calls == failures == health.consecutive_failures
        assert health.next_due_at == at + delay * MINUTE  # 1, 2, 4, 8 … minutes
        at = health.next_due_at

    alerts = Notification.objects.filter(kind="job_failing")
    # One message each to the superuser and to the holder of the administrator role.
    assert sorted(alerts.values_list("recipient__username", flat=True)) == ["admin", "qixian_admin"]
    assert "flaky" in alerts.first().title and "ValueError" in alerts.first().body
    alert_lines = [r for r in caplog.records if "ALERT" in r.getMessage()]
    assert len(alert_lines) == 1 and alert_lines[0].levelno == logging.ERROR


@pytest.mark.django_db
def test_the_delay_is_capped_at_an_hour(flaky, settings, run_worker_once):
    settings.WORKER_ALERT_AFTER_FAILURES = 100
    JobHealth.objects.create(name="flaky", consecutive_failures=9)
    at = clock.now()
    run_worker_once(at)
    assert JobHealth.objects.get(name="flaky").next_due_at == at + 60 * MINUTE


@pytest.mark.django_db
def test_a_success_ends_the_streak_and_a_new_streak_alerts_again(flaky, run_worker_once):
    at = clock.now()
    for _ in range(3):
        run_worker_once(at)
        at = JobHealth.objects.get(name="flaky").next_due_at
    flaky.fail = False

    out, _ = run_worker_once(at)

    health = JobHealth.objects.get(name="flaky")
    assert health.consecutive_failures == 0 and health.last_success_at == at
    assert health.next_due_at == at  # due again at the next pass
    assert "flaky: worked" in out
    flaky.fail = True
    for _ in range(3):
        run_worker_once(at)
        at = JobHealth.objects.get(name="flaky").next_due_at
    assert Notification.objects.filter(kind="job_failing", recipient__username="admin").count() == 2


def test_the_back_off_stays_capped_however_long_a_job_fails(settings):
    assert backoff(1) == settings.WORKER_BACKOFF
    assert backoff(100) == backoff(10_000) == settings.WORKER_BACKOFF_MAX  # no OverflowError
