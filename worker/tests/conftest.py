import datetime as dt
import json
import os
import subprocess
import sys
from contextlib import nullcontext
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from changan import clock, jobs

ROOT = Path(__file__).resolve().parents[2]


class Flaky:
    """A job that raises a plain ValueError until told to work."""

    def __init__(self) -> None:
        self.fail = True
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.fail:
            raise ValueError("the gateway said no")
        return "worked"


@pytest.fixture
def flaky():
    """A failing job registered ahead of the apps' own jobs, so they run after it in a pass."""
    job = Flaky()
    others = jobs.jobs()
    jobs.register("flaky", job)
    for other in others:
        jobs.unregister(other.name)
        jobs.register(other.name, other.run, every=other.every, slow=other.slow)
    yield job
    jobs.unregister("flaky")


@pytest.fixture
def run_worker_once():
    """One pass of the real command (at ``at`` on the services' clock); its stdout and stderr."""

    def run(at: dt.datetime | None = None) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        with clock.frozen_at(at) if at else nullcontext():
            call_command("run_worker", "--once", stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return run


@pytest.fixture
def supervised(tmp_path):
    """Run ``worker.tests.supervised``'s scenario with a worker command on a fresh SQLite
    file; its exit code, its result (each job's health, what the scenario found) and stderr."""

    def run(scenario: str, *command: str) -> tuple[int, dict, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        }
        done = subprocess.run(
            [sys.executable, "-m", "worker.tests.supervised", scenario, *command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        result = json.loads(lines[-1].removeprefix("RESULT ")) if lines else {}
        return done.returncode, result, done.stderr

    return run
