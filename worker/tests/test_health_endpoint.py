"""/healthz/jobs: each job's status and last success, 503 when one is failing
or late, so a monitor can page someone. Public: no error text."""

import datetime as dt

import pytest

from changan import clock
from changan.jobs import jobs
from worker.models import JobHealth

pytestmark = pytest.mark.usefixtures("small_city")  # its users and units


@pytest.mark.django_db
def test_all_jobs_ok_after_a_pass(client, run_worker_once):
    run_worker_once()
    response = client.get("/healthz/jobs")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["jobs"]) == {job.name for job in jobs()}
    assert {j["status"] for j in body["jobs"].values()} == {"ok"}
    assert all(j["last_success"] for j in body["jobs"].values())
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_job_that_keeps_failing_is_shown_and_answers_503_until_it_works(client, flaky, run_worker_once):
    at = clock.now()
    run_worker_once(at)
    at = JobHealth.objects.get(name="flaky").next_due_at
    response = client.get("/healthz/jobs")
    assert response.status_code == 200  # one failure: retried, nobody paged yet
    flaky_job = {"status": "retrying", "last_success": None, "consecutive_failures": 1}
    assert response.json()["jobs"]["flaky"] == flaky_job
    for _ in range(2):
        run_worker_once(at)
        at = JobHealth.objects.get(name="flaky").next_due_at

    with clock.frozen_at(at):
        response = client.get("/healthz/jobs")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["jobs"]["flaky"]["status"] == "failing"
    assert response.json()["jobs"]["notification_delivery"]["status"] == "ok"
    assert b"gateway" not in response.content and b"ValueError" not in response.content

    flaky.fail = False
    run_worker_once(at)
    with clock.frozen_at(at):
        response = client.get("/healthz/jobs")
    assert response.status_code == 200
    assert response.json()["jobs"]["flaky"]["status"] == "ok"
    assert response.json()["jobs"]["flaky"]["last_success"] == at.isoformat()


@pytest.mark.django_db
def test_jobs_not_run_for_long_are_late(client, run_worker_once):
    run_worker_once()
    with clock.frozen_at(clock.now() + dt.timedelta(minutes=20)):
        assert client.get("/healthz/jobs").status_code == 200  # a slow pass is not an alarm
    with clock.frozen_at(clock.now() + dt.timedelta(hours=2)):  # the worker stopped
        response = client.get("/healthz/jobs")
    assert response.status_code == 503
    assert response.json()["jobs"]["case_timers"]["status"] == "late"
    assert response.json()["jobs"]["intake_purge"]["status"] == "late"


@pytest.mark.django_db
def test_a_worker_that_never_ran_is_late(client):
    response = client.get("/healthz/jobs")
    assert response.status_code == 503
    assert {j["status"] for j in response.json()["jobs"].values()} == {"late"}
