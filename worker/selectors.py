"""What /healthz/jobs shows: each registered job's status, from its health
row. Public, so names, times and counts only — never the error text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from changan import clock
from changan.jobs import jobs
from worker.models import JobHealth

OK, RETRYING, FAILING, LATE = "ok", "retrying", "failing", "late"
HEALTHY = {OK, RETRYING}  # a failure or two is retried; a monitor is paged for the others


@dataclass(frozen=True)
class JobStatus:
    name: str
    status: str
    last_success_at: dt.datetime | None
    consecutive_failures: int


def job_statuses() -> list[JobStatus]:
    """ok; retrying (failed, fewer than ``WORKER_ALERT_AFTER_FAILURES`` times
    in a row); failing (that many or more); late (due more than
    ``WORKER_LATE_AFTER`` ago and not run — the worker is down or stuck — or
    never run at all)."""
    health = {h.name: h for h in JobHealth.objects.all()}
    return [_status(job.name, health.get(job.name)) for job in jobs()]


def _status(name: str, health: JobHealth | None) -> JobStatus:
    if health is None:
        return JobStatus(name, LATE, None, 0)
    failures = health.consecutive_failures
    if failures >= settings.WORKER_ALERT_AFTER_FAILURES:
        status = FAILING
    elif health.next_due_at and health.next_due_at < clock.now() - settings.WORKER_LATE_AFTER:
        status = LATE
    else:
        status = RETRYING if failures else OK
    return JobStatus(name, status, health.last_success_at, failures)
