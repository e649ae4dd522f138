"""The background jobs the worker runs (``manage.py run_worker``, the worker
app). Each app that owns a job registers it in its own ``jobs.py`` (the
worker app imports those when the apps are ready, as the admin does with
``admin.py``); this module knows nothing of timers, messages or warnings —
only names, callables and cadences — and imports no app, so any app may
register a job.

A job is a callable without arguments that does one pass of its work and
returns a short summary for the worker's output ("" when there was nothing
to do). It must be safe to run in several workers at once and to repeat."""

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
    slow: bool = False  # runs after the quick jobs of a pass, so it cannot hold them up


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
