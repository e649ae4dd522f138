"""The background jobs: ``manage.py run_job <name>`` runs one in its own
process (production: a process per job), ``manage.py run_worker`` all of
them, each in its own thread (the worker app). Each app that owns a job
registers it in its own ``jobs.py`` (the worker app imports those when the
apps are ready, as the admin does with ``admin.py``); this module knows
nothing of timers, messages or warnings — only names, callables and
cadences — and imports no app, so any app may register a job.

A job is a callable without arguments that does one pass of its work and
returns a short summary for the worker's output ("" when there was nothing
to do). It must be safe to run in several processes at once and to repeat,
and it runs in a thread of its own under ``run_worker``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

EVERY_PASS = dt.timedelta(0)


@dataclass(frozen=True)
class Job:
    name: str  # short and stable: it names the job's health row and its line in /healthz/jobs
    run: Callable[[], str | None]
    every: dt.timedelta = EVERY_PASS  # how long after a start the job is due again
    slow: bool = False  # minutes long: runs after the quick jobs in a one-off pass (--once)


_jobs: dict[str, Job] = {}


def register(name: str, run: Callable[[], str | None], *, every: dt.timedelta = EVERY_PASS,
             slow: bool = False) -> Job:  # fmt: skip
    job = _jobs[name] = Job(name=name, run=run, every=every, slow=slow)
    return job


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def jobs() -> list[Job]:
    """The quick jobs in the order they were registered, then the slow ones."""
    return sorted(_jobs.values(), key=lambda job: job.slow)
