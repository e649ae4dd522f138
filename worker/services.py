"""Running one job under the guard every runner shares (``run_guarded``):
a job that raises is logged with its traceback, retried later with a growing
delay, and reported to the administrators once its failures reach
``WORKER_ALERT_AFTER_FAILURES`` in a row; nothing it does stops the other
jobs. Which jobs run when, and in which thread, is ``worker.runner``'s."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import RoleCode, User
from changan import clock
from changan.jobs import Job
from notify.services import notify
from worker.models import JobHealth

log = logging.getLogger("changan.worker")


@dataclass(frozen=True)
class Outcome:
    job: str
    ok: bool
    summary: str = ""  # the job's own summary, or the error when it failed


def run_guarded(job: Job) -> Outcome | None:
    """One pass of ``job`` if it is due (None when it is not). Never raises:
    any exception, of the job or of the bookkeeping (the database is away),
    is logged and becomes a failed outcome. Ends by returning this thread's
    database connections, as a request does: connections are per thread, and
    a runner's thread lives for many passes."""
    try:
        return run_job(job) if is_due(job) else None
    except Exception as exc:
        log.exception("worker could not run job %s", job.name)
        return Outcome(job.name, ok=False, summary=describe(exc))
    finally:
        _release_connections()


def is_due(job: Job) -> bool:
    due = JobHealth.objects.filter(name=job.name).values_list("next_due_at", flat=True).first()
    return due is None or due <= clock.now()


def run_job(job: Job) -> Outcome:
    started = clock.now()
    JobHealth.objects.update_or_create(name=job.name, defaults={"last_started_at": started})
    try:
        summary = job.run() or ""
    except Exception as exc:
        log.exception("job %s failed", job.name)
        _release_connections()  # one the failure left unusable is replaced for the bookkeeping
        error = describe(exc)
        record_failure(job=job, error=error)
        return Outcome(job.name, ok=False, summary=error)
    record_success(job=job, started=started)
    return Outcome(job.name, ok=True, summary=summary)


def record_success(*, job: Job, started: dt.datetime) -> None:
    with transaction.atomic():
        health = JobHealth.objects.select_for_update().get(name=job.name)
        if health.consecutive_failures >= settings.WORKER_ALERT_AFTER_FAILURES:
            log.warning("job %s works again after %d failures", job.name, health.consecutive_failures)
        health.last_success_at = clock.now()
        health.consecutive_failures = 0
        health.next_due_at = started + job.every
        health.save()


def record_failure(*, job: Job, error: str) -> None:
    """Count the failure, put the next try off (``backoff``) and, when the
    streak reaches the threshold, alert — once per streak."""
    now = clock.now()
    with transaction.atomic():
        health = JobHealth.objects.select_for_update().get(name=job.name)
        health.consecutive_failures += 1
        health.last_failure_at, health.last_error = now, error
        health.next_due_at = now + backoff(health.consecutive_failures)
        health.save()
        if health.consecutive_failures == settings.WORKER_ALERT_AFTER_FAILURES:
            alert(health)


def backoff(failures: int) -> dt.timedelta:
    """``WORKER_BACKOFF`` after the first failure, doubling, capped at ``WORKER_BACKOFF_MAX``."""
    # The exponent is capped too: 2**41 minutes no longer fits a timedelta.
    return min(settings.WORKER_BACKOFF * 2 ** min(failures - 1, 30), settings.WORKER_BACKOFF_MAX)


def alert(health: JobHealth) -> None:
    log.error(
        "ALERT: job %s has failed %d times in a row (last error: %s); administrators notified",
        health.name,
        health.consecutive_failures,
        health.last_error,
    )
    administrators = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(roles__code=RoleCode.ADMINISTRATOR)
    )
    notify(
        recipients=administrators.distinct(),
        kind="job_failing",
        title=_("后台任务 %(job)s 连续失败 %(count)d 次")
        % {"job": health.name, "count": health.consecutive_failures},
        body=_("最近错误：%(error)s。任务将按退避间隔自动重试，请检查工作进程日志。")
        % {"error": health.last_error},
    )


def describe(exc: BaseException) -> str:
    """The exception's class and the start of its message (a message may
    carry data from a row, so it is cut short and never shown in public)."""
    return f"{type(exc).__name__}: {exc}"[:200]


def _release_connections() -> None:
    # Close this thread's connections that are unusable (after a failure) or
    # past CONN_MAX_AGE (always, on SQLite). Inside a caller's transaction (a
    # test's) the caller owns them.
    if not connection.in_atomic_block:
        close_old_connections()
