"""``run_worker --only`` and ``--skip`` choose the jobs it runs."""

from io import StringIO

import pytest
from django.core.management import call_command

from changan.jobs import jobs
from worker.models import JobHealth

pytestmark = pytest.mark.usefixtures("small_city")  # its users and units


def ran() -> set[str]:
    return set(JobHealth.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_only_runs_the_named_jobs():
    call_command("run_worker", "--once", "--only", "case_timers, intake_purge", stdout=StringIO())
    assert ran() == {"case_timers", "intake_purge"}


@pytest.mark.django_db
def test_skip_runs_all_the_others():
    call_command("run_worker", "--once", "--skip", "early_warning", stdout=StringIO())
    assert ran() == {job.name for job in jobs()} - {"early_warning"}
