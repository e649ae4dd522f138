import datetime as dt
from contextlib import nullcontext
from io import StringIO

import pytest
from django.core.management import call_command

from changan import clock, jobs


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
