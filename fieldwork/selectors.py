"""The grid worker's reads: their grids, the open cases there, today's log."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import OPEN_STATUSES, Case
from cases.selectors import cases_for
from changan import clock
from fieldwork.models import Patrol, Visit
from regions.models import Grid
from regions.selectors import grids_of_worker


def my_grids(user) -> QuerySet[Grid]:
    return grids_of_worker(user).select_related("village").order_by("code")


def open_cases(user, grids) -> QuerySet[Case]:
    return (
        cases_for(user)
        .filter(grid__in=grids, status__in=OPEN_STATUSES)
        .select_related("category")
        .order_by("-received_at")
    )


def today(user) -> dict:
    start = clock.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "patrols": list(Patrol.objects.filter(worker=user, started_at__gte=start).select_related("grid")),
        "visits": list(Visit.objects.filter(worker=user, at__gte=start).select_related("grid")),
        "current": Patrol.objects.filter(worker=user, ended_at=None).first(),
    }
