"""``run_worker`` or ``run_job`` in a process of its own, with test jobs, on a
fresh SQLite file: ``python -m worker.tests.supervised <scenario> <command> <options…>``
with ``DATABASE_URL`` naming the file (the ``supervised`` fixture does that).

The supervisor's threads open connections of their own, which need rows that
are committed and a database file; the suite's test transaction and in-memory
database give them neither. Each scenario registers its jobs, and one of them
ends the run by sending the process SIGTERM, as systemd would. The last line
printed is ``RESULT`` and, as JSON, each job's health and what the scenario
found."""

import datetime as dt
import json
import os
import signal
import sys
import threading
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from changan import clock, jobs  # noqa: E402
from worker.models import JobHealth  # noqa: E402

found: dict[str, object] = {}


def stop_the_worker() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def slow_and_quick() -> None:
    """A slow job that waits until a quick one has completed a pass after it started."""
    slow_started, quick_completed = threading.Event(), threading.Event()
    passes_while_slow = []

    def slow() -> str:
        started = clock.now()
        slow_started.set()
        try:
            if not quick_completed.wait(timeout=60):  # a safety net, not a measure: it would wait for ever
                raise TimeoutError("the quick job did not run while the slow one was running")
            quick = JobHealth.objects.get(name="quick")
            found["quick_succeeded_while_slow_ran"] = quick.last_success_at > started
        finally:
            stop_the_worker()  # while this pass still runs: it must be finished and recorded all the same
        return "slow done"

    def quick() -> str:
        if slow_started.is_set():
            passes_while_slow.append(1)
            if len(passes_while_slow) == 2:  # the first such pass has completed, bookkeeping included
                quick_completed.set()
        return ""

    jobs.register("quick", quick)
    jobs.register("slow", slow, slow=True)


def failing() -> None:
    """A job that raises a plain RuntimeError beside one that works."""
    passes_after_failure = []

    def broken() -> str:
        raise RuntimeError("the printer is on fire")

    def quick() -> str:
        if JobHealth.objects.filter(name="broken", consecutive_failures__gt=0).exists():
            passes_after_failure.append(1)
            found["quick_passes_after_the_failure"] = len(passes_after_failure)
            if len(passes_after_failure) == 2:
                stop_the_worker()
        return ""

    jobs.register("broken", broken)
    jobs.register("quick", quick)


def writers() -> None:
    """Two jobs writing to one SQLite file at the same moment, a read then a write in each transaction."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE scratch (job TEXT, n INTEGER)")
    together, finished = threading.Barrier(2), []

    def writer(name: str) -> str:
        try:
            together.wait(timeout=60)
            for n in range(100):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM scratch WHERE job = %s", [name])
                    time.sleep(0.001)  # lets the other writer in between the read and the write
                    cursor.execute("INSERT INTO scratch (job, n) VALUES (%s, %s)", [name, n])
            return f"{name} wrote 100 rows"
        finally:
            finished.append(name)
            if len(finished) == 2:  # both passes are over, whatever became of them
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM scratch")
                    found["rows"] = cursor.fetchone()[0]
                stop_the_worker()

    for name in ("writer_a", "writer_b"):
        jobs.register(name, lambda name=name: writer(name), every=dt.timedelta(hours=1))


def one_job() -> None:
    """``quick`` stops the run after three passes; ``other`` only notes that it ran."""
    passes = []

    def quick() -> str:
        passes.append(1)
        found["quick_passes"] = len(passes)
        if len(passes) == 3:
            stop_the_worker()
        return ""

    def other() -> str:
        found["other_ran"] = True
        return ""

    jobs.register("quick", quick)
    jobs.register("other", other)


SCENARIOS = {"slow_and_quick": slow_and_quick, "failing": failing, "writers": writers, "one_job": one_job}

if __name__ == "__main__":
    scenario, *command = sys.argv[1:]
    with connection.schema_editor() as editor:
        editor.create_model(JobHealth)
    SCENARIOS[scenario]()
    call_command(*command)
    health = {
        h.name: {
            "failures": h.consecutive_failures,
            "error": h.last_error,
            "succeeded": bool(h.last_success_at),
        }
        for h in JobHealth.objects.all()
    }
    print("RESULT " + json.dumps({"health": health, "found": found}, ensure_ascii=False), flush=True)
