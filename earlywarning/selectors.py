"""Reads of the early-warning signals, always scoped to the user's areas."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from shapely.geometry import mapping

from accounts.scope import scope_of
from cases.models import Case
from cases.selectors import AREA_ROLES, cases_for
from earlywarning.models import Decision, Run, Signal
from regions.models import Area, Grid


def may_see_signals(user) -> bool:
    """Signals are about areas: whoever sees every case of an area sees them."""
    return user.is_superuser or any(user.has_role(r) for r in AREA_ROLES)


def signals_for(user) -> QuerySet[Signal]:
    if not may_see_signals(user):
        return Signal.objects.none()
    return Signal.objects.filter(scope_of(user).area_q("area__code"))


def signal_for(user, pk: int) -> Signal:
    """One signal the user may see; ``Signal.DoesNotExist`` otherwise."""
    return signals_for(user).select_related("area", "category", "decided_by", "explained_by").get(pk=pk)


def last_day(user) -> dt.date | None:
    """The most recent day judged (whether or not it found anything here)."""
    if not may_see_signals(user):
        return None
    return Run.objects.exclude(finished_at=None).order_by("-day").values_list("day", flat=True).first()


def day_board(user, day: dt.date, *, kind: str = "", show_explained: bool = False) -> dict:
    """The day's signals in rank order, with what the page needs around them."""
    signals = signals_for(user).filter(day=day)
    totals = signals.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(decision=Decision.OPEN)),
        confirmed=Count("pk", filter=Q(decision=Decision.CONFIRMED)),
        dismissed=Count("pk", filter=Q(decision=Decision.DISMISSED)),
        explained=Count("pk", filter=Q(explained_by__isnull=False)),
    )
    if kind:
        signals = signals.filter(kind=kind)
    if not show_explained:
        signals = signals.filter(explained_by__isnull=True)
    signals = signals.select_related("area", "category", "decided_by", "explained_by__area").annotate(
        n_cases=Count("cases")
    )
    return {
        "day": day,
        "run": Run.objects.filter(day=day).first(),
        "signals": list(signals.order_by("rank")),
        "totals": totals,
        "days": list(
            Run.objects.exclude(finished_at=None).order_by("-day").values_list("day", flat=True)[:30]
        ),
    }


def cases_behind(user, signal: Signal) -> QuerySet[Case]:
    """The signal's cases that the user may open (a unit's staff may see
    a township's signal but not every case behind it)."""
    return (
        cases_for(user)
        .filter(pk__in=signal.cases.values("pk"))
        .select_related("category", "area", "grid")
        .order_by("received_at")
    )


def signal_map(user, signal: Signal) -> dict:
    """What the signal's small map draws: the area's outline, a cluster's
    grids and circle, and the points of the cases behind it."""
    area = Area.objects.filter(pk=signal.area_id).only("boundary", "name").first()
    grids = signal.detail.get("grids", [])
    shapes = [
        {"code": g.code, "name": g.name, "shape": mapping(g.boundary)}
        for g in Grid.objects.filter(code__in=grids).exclude(boundary=None).only("code", "name", "boundary")
    ]
    points = [
        {"number": number, "lon": lon, "lat": lat}
        for number, lon, lat in cases_behind(user, signal)
        .exclude(lon=None)
        .values_list("number", "lon", "lat")
    ]
    outline = None
    if area is not None and area.boundary is not None and not grids:
        outline = mapping(area.boundary.simplify(0.0005, preserve_topology=True))
    return {
        "outline": outline,
        "grids": shapes,
        "centre": signal.detail.get("centre"),
        "radius_m": signal.detail.get("radius_m"),
        "points": points,
    }
