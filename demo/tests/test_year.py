"""The demo's year of cases is made by the services, so its logs are real."""

import datetime as dt

import pytest
from django.db.models import Count

from cases.models import Case, CaseEvent, Status
from cases.tests.test_invariants import check_invariants
from demo.year import simulate_year


@pytest.mark.django_db
def test_a_simulated_year_leaves_cases_in_many_states_with_valid_logs(small_city):
    stats = simulate_year(cases_per_year=240, seed=3, end=dt.date(2026, 11, 1))
    assert stats["cases"] >= 200
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Status.CLOSED] > stats["cases"] * 0.6
    assert {Status.CLOSED, Status.REJECTED} <= set(statuses)
    assert set(statuses) & {Status.RECEIVED, Status.DISPATCHED, Status.HANDLING, Status.REPLIED}
    # Events carry the simulated times, spread over the year, never in the future.
    first, last = (
        CaseEvent.objects.order_by("at").values_list("at", flat=True)[::1][0],
        CaseEvent.objects.latest("at").at,
    )
    assert first.date() < dt.date(2026, 1, 1) and last.date() <= dt.date(2026, 11, 1)
    assert (
        CaseEvent.objects.filter(action="rate").exists() and CaseEvent.objects.filter(action="warn").exists()
    )
    for case in Case.objects.order_by("?")[:60]:
        check_invariants(case)
