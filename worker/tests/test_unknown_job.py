"""A job name that is not registered is refused with the list of those that are."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from changan.jobs import jobs


@pytest.mark.parametrize(
    "command",
    [
        ("run_job", "case_timer"),
        ("run_worker", "--only", "case_timers,case_timer"),
        ("run_worker", "--skip", "case_timer"),
    ],
)
def test_an_unknown_name_is_refused_with_the_known_ones(command):
    with pytest.raises(CommandError) as refused:
        call_command(*command)
    message = str(refused.value)
    assert "没有这个后台任务：case_timer。" in message
    assert all(job.name in message for job in jobs())


def test_run_job_without_a_name_lists_the_jobs():
    with pytest.raises(CommandError, match=r"请给出任务名.*case_timers"):
        call_command("run_job")


def test_skipping_every_job_leaves_nothing_to_run():
    with pytest.raises(CommandError, match="没有选中任何后台任务"):
        call_command("run_worker", "--skip", ",".join(job.name for job in jobs()))
