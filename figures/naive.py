"""The same figures computed straight from the case table and the event log
with plain GROUP BY queries — what the rollups replace. Used to check the
rollups (tests) and as the baseline of ``bench/dashboard.py``; never by the
pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.db.models.functions import Substr

from cases.models import Case, CaseEvent


def area_figures(*, prefix: str, since: dt.datetime, until: dt.datetime) -> Counter:
    """Totals for cases received in [since, until) under area ``prefix``."""
    cases = Case.objects.filter(area__code__startswith=prefix, received_at__gte=since, received_at__lt=until)
    events = CaseEvent.objects.filter(case__in=cases)
    out = Counter(received=cases.count())
    first_responses = events.filter(data__first_response=True)
    out["responded"] = first_responses.count()
    out["responded_on_time"] = first_responses.filter(data__response_on_time=True).count()
    first_closes = events.filter(data__first_close=True)
    out["closed"] = first_closes.count()
    out["closed_on_time"] = first_closes.filter(data__close_on_time=True).count()
    out["reopened"] = events.filter(action="reopen").count()
    # The latest rating of each case.
    latest = {}
    for case_id, data in (
        events.filter(action="rate").order_by("case_id", "seq").values_list("case_id", "data")
    ):
        latest[case_id] = data
    out["rated"] = len(latest)
    out["solved"] = sum(1 for d in latest.values() if d["solved"])
    out["satisfied"] = sum(1 for d in latest.values() if d["satisfaction"] >= 3)
    return out


def received_by(*, prefix: str, since: dt.datetime, until: dt.datetime, level_digits: int) -> dict[str, int]:
    """Cases received per area at a level (6 digits: county, 9: township)."""
    rows = (
        Case.objects.filter(area__code__startswith=prefix, received_at__gte=since, received_at__lt=until)
        .annotate(part=Substr("area_id", 1, level_digits))
        .values("part")
        .annotate(n=Count("id"))
    )
    return {r["part"]: r["n"] for r in rows}


def received_by_family(*, prefix: str, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    rows = (
        Case.objects.filter(area__code__startswith=prefix, received_at__gte=since, received_at__lt=until)
        .annotate(family=Substr("category_id", 1, 2))
        .values("family")
        .annotate(n=Count("id"))
    )
    return {r["family"] or "": r["n"] for r in rows}
