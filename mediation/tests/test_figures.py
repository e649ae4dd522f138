"""The dispute figures, read from the case event log, equal direct counts
of the dispute records on the demo city's disputes."""

import datetime as dt

import pytest
from django.utils import timezone

from changan import clock
from demo.disputes import simulate_disputes
from mediation.models import Agreement, Dispute, Obligation, Outcome, Step, Visit
from mediation.selectors import dispute_figures
from regions.models import Area


def _in(field: str, start: dt.date, end: dt.date) -> dict:
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return {f"{field}__gte": since, f"{field}__lt": until}


@pytest.fixture(scope="module")
def demo_disputes(demo_city, django_db_setup, django_db_blocker):
    """The demo's disputes, generated once for this module and removed after."""
    from django.db import connection

    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        stats = simulate_disputes(count=30, seed=7)
        yield stats
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        connection.close()


@pytest.mark.django_db
def test_every_step_has_disputes_and_the_figures_equal_direct_counts(demo_disputes):
    steps = set(Dispute.objects.values_list("step", flat=True))
    assert set(Step.values) <= steps, f"missing steps: {set(Step.values) - steps}"
    today = clock.today()
    start, end = today - dt.timedelta(days=150), today
    children = {a.code: a.name for a in Area.objects.filter(parent="410600000000")}
    total, rows = dispute_figures(area_code="410600000000", start=start, end=end, children=children)
    signed = Agreement.objects.filter(**_in("signed_at", start, end))
    assert total.found == Dispute.objects.filter(**_in("registered_at", start, end)).count() > 0
    assert total.accepted == Dispute.objects.filter(**_in("started_at", start, end)).count()
    assert total.agreements == signed.count()
    assert total.resolved == signed.filter(partial=False).count() > 0
    assert (
        total.failed
        == Dispute.objects.filter(outcome=Outcome.FAILED, **_in("concluded_at", start, end)).count()
    )
    assert total.cleared == Dispute.objects.filter(**_in("cleared_at", start, end)).count() > 0
    assert total.confirmations == Agreement.objects.filter(confirmation_result="confirmed").count()
    assert total.follow_ups == Visit.objects.filter(purpose="follow_up", **_in("at", start, end)).count()
    assert (
        total.satisfied
        == Visit.objects.filter(purpose="follow_up", satisfaction__gte=3, **_in("at", start, end)).count()
    )
    due = Obligation.objects.filter(due_on__gte=start, due_on__lte=today, agreement__signed_at__isnull=False)
    assert total.obligations_due == due.count()
    assert total.obligations_performed == due.filter(performed_on__isnull=False).count()
    levels = signed.filter(partial=False).values_list("dispute__level", flat=True)
    for level in ("village", "township", "county"):
        assert total.levels[level] == list(levels).count(level)
    # The rows split the total by county.
    assert sum(r.found for r in rows) == total.found
    assert sum(r.resolved for r in rows) == total.resolved
    assert 0 < total.average_days < 60


@pytest.mark.django_db
def test_the_figures_page_shows_the_city_and_refuses_a_reversed_period(client_for, demo_disputes):
    client = client_for("leader")
    page = client.get("/mediation/figures/?start=2020-01-01")
    assert page.status_code == 200
    html = page.content.decode()
    assert "化解率" in html and 'data-area="410600000000"' in html
    bad = client.get("/mediation/figures/?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 400 and "结束日期早于开始日期" in bad.content.decode()
    assert client_for("mediator").get("/mediation/figures/").status_code == 403
