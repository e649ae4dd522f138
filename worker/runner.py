"""When and in which thread the jobs run; each pass of a job goes through
``services.run_guarded``, the one guard.

- ``run_pass``: every due job once, one after the other, in this thread
  (``--once``: tests, cron, a first pass by hand).
- ``supervise``: each job in its own thread, pass after pass, until ``stop``
  is set. A slow job (the nightly early warning) then holds up only itself,
  never the case timers or the deliveries. ``run_worker`` runs every job so
  (the embedded default), ``run_job`` one (a process per job in production).

On SQLite the threads' writes wait for each other (the settings' WAL,
``BEGIN IMMEDIATE`` and a 20 s busy timeout): no job holds a write
transaction that long (a mail or SMS gateway is given ``EMAIL_TIMEOUT`` /
its own timeout), so they do not fail as locked."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import connections

from changan.jobs import Job
from worker.services import Outcome, run_guarded

log = logging.getLogger("changan.worker")
Report = Callable[[Outcome], None]


def run_pass(selected: list[Job], *, report: Report) -> list[Outcome]:
    """Run each of ``selected`` that is due, in order; report each outcome as it comes."""
    outcomes = []
    for job in selected:
        outcome = run_guarded(job)
        if outcome is not None:
            report(outcome)
            outcomes.append(outcome)
    return outcomes


def supervise(selected: list[Job], *, interval: float, stop: threading.Event, report: Report) -> list[str]:
    """Run each job in its own thread until ``stop`` is set; then wait until
    each has finished its current pass. A job whose thread ends unasked stops
    them all, and its name is returned: the process should then exit with an
    error, so its service manager restarts it whole."""
    died: list[str] = []
    threads = [
        threading.Thread(
            target=keep_running, args=(job,),
            kwargs={"interval": interval, "stop": stop, "report": report, "died": died},
            name=f"job-{job.name}", daemon=True,
        )
        for job in selected
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=1)  # in steps: the main thread must stay free to take signals
    return died


def keep_running(
    job: Job, *, interval: float, stop: threading.Event, report: Report, died: list[str] | None = None
) -> None:
    """One job's loop: a pass, then ``interval`` seconds' rest (cut short by ``stop``)."""
    log.info("job %s: started, due or not checked every %s s", job.name, interval)
    try:
        while not stop.is_set():
            outcome = run_guarded(job)
            if outcome is not None:
                report(outcome)
            stop.wait(interval)
    finally:
        if not stop.is_set():  # not asked to: the report failed, or a BaseException escaped the guard
            log.error("job %s stopped unexpectedly; stopping the others", job.name)
            if died is not None:
                died.append(job.name)
            stop.set()
        connections.close_all()  # this thread's own; nothing else would close them
