"""``manage.py run_job <name>`` runs that one job and no other — once, or in a
loop until SIGTERM (a process per job in production); ``--list`` shows the
jobs and how often each is due."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from notify.models import Delivery, DeliveryState
from notify.services import notify
from worker.models import JobHealth


@pytest.mark.django_db
def test_once_runs_only_the_named_job(small_city, flaky):
    dispatcher = User.objects.exclude(phone="").first()
    notify(recipients=[dispatcher], title="请签收", kind="test")

    call_command("run_job", "notification_delivery", "--once", stdout=StringIO())

    assert Delivery.objects.get(notification__title="请签收").state == DeliveryState.SENT
    assert list(JobHealth.objects.values_list("name", flat=True)) == ["notification_delivery"]
    assert flaky.calls == 0


def test_in_a_loop_it_runs_only_the_named_job_until_sigterm(supervised):
    code, result, err = supervised("one_job", "run_job", "quick", "--interval", "0.01")

    assert code == 0, err
    assert result["found"] == {"quick_passes": 3}  # the third pass sent SIGTERM; "other" never ran
    assert list(result["health"]) == ["quick"]


def test_list_shows_each_job_and_its_cadence():
    out = StringIO()
    call_command("run_job", "--list", stdout=out)
    lines = {line.split()[0]: line.split(maxsplit=1)[1] for line in out.getvalue().splitlines()}
    assert lines["case_timers"] == "每一轮（每隔 --interval 秒）"
    assert lines["intake_purge"] == "每 60 分钟"
    assert lines["early_warning"] == "每 5 分钟（耗时较长）"
