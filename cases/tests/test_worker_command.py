"""`manage.py run_worker --once` runs one pass of timers and deliveries."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_one_pass_marks_overdue_cases_and_reports(handling_case):
    Case.objects.filter(pk=handling_case.pk).update(
        resolve_warn_at=handling_case.resolve_warn_at - dt.timedelta(days=30),
        resolve_due_at=handling_case.resolve_due_at - dt.timedelta(days=30),
    )
    out = StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert "overdue 1" in out.getvalue() and "warned 1" in out.getvalue()
    assert CaseEvent.objects.filter(case=handling_case, action="overdue").count() == 1
    call_command("run_worker", "--once", stdout=StringIO())
    assert CaseEvent.objects.filter(case=handling_case, action="overdue").count() == 1
