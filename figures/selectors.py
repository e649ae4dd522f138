"""Reads for the data center, always within the user's area scope, from the
rollup tables only (never a scan of the case table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.scope import scope_of
from figures.models import MEASURES, AreaTally, GridTally, Period, UnitTally
from regions.codes import Level, level_of, prefix_of
from regions.models import Area

# The rates, each with its formula (shown on the dashboard on hover).
RATES = {
    "response_rate": ("响应率", "按时响应的案件 ÷ 受理的案件", "responded_on_time", "received"),
    "solve_rate": ("解决率", "评价为已解决的案件 ÷ 已评价的案件", "solved", "rated"),
    "satisfaction_rate": ("满意率", "评价为基本满意及以上的案件 ÷ 已评价的案件", "satisfied", "rated"),
    "on_time_rate": ("按期办结率", "按期办结的案件 ÷ 已办结的案件", "closed_on_time", "closed"),
}


@dataclass
class Figures:
    counts: dict[str, int]
    rates: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None

    @classmethod
    def of(cls, counts: dict, *, base: str = "received") -> Figures:
        """``base``: what a unit's response rate is out of — the cases sent
        to it ("assigned"), where an area's is out of those received."""
        counts = {m: int(counts.get(m) or 0) for m in MEASURES}
        dens = {"received": base}
        rates = {
            name: _ratio(counts[num], counts[dens.get(den, den)])
            for name, (_l, _f, num, den) in RATES.items()
        }
        w_response, w_solve, w_satisfaction = settings.DASHBOARD_WEIGHTS
        parts = (rates["response_rate"], rates["solve_rate"], rates["satisfaction_rate"])
        score = None
        if all(p is not None for p in parts):
            score = round(w_response * parts[0] + w_solve * parts[1] + w_satisfaction * parts[2], 1)
        return cls(counts, rates, score)


def _ratio(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None


def area_in_scope(user, code: str | None) -> Area:
    """The area the dashboard shows: ``code`` if inside the user's scope, else
    the user's own (the whole city for a city-wide leader)."""
    scope = scope_of(user)
    if scope.nothing:
        raise Area.DoesNotExist
    root = scope.area_prefix or ""
    if code and code.startswith(root):
        area = Area.objects.filter(code=code).first()
        if area is not None and area.level <= Level.TOWNSHIP:
            return area
    own = Area.objects.filter(code=root.ljust(12, "0")).first() if root else None
    return own or Area.objects.filter(parent=None).order_by("code").first()


def _periods(today: dt.date) -> dict[str, tuple[str, dt.date, dt.date]]:
    month = today.replace(day=1)
    return {
        "today": (Period.DAY, today, today),
        "month": (Period.MONTH, month, month),
        "year": (Period.MONTH, today.replace(month=1, day=1), month),
    }


SUMS = {m: Sum(m) for m in MEASURES}


def _sum(qs) -> dict[str, int]:
    return qs.aggregate(**SUMS)


def dashboard(user, code: str | None = None, *, today: dt.date | None = None) -> dict:
    """Everything on the first screen for the area ``code`` (or the user's)."""
    today = today or timezone.localdate()
    area = area_in_scope(user, code)
    prefix = prefix_of(area.code)
    rows = AreaTally.objects.filter(area__startswith=prefix)
    periods = _periods(today)
    totals = {
        name: Figures.of(_sum(rows.filter(kind=kind, period__range=(start, end))))
        for name, (kind, start, end) in periods.items()
    }
    _, year_start, month = periods["year"]
    year = rows.filter(kind=Period.MONTH, period__range=(year_start, month))
    child_digits = {Level.CITY: 6, Level.COUNTY: 9}.get(level_of(area.code))
    return {
        "area": area,
        "today": today,
        "totals": totals,
        "trend_days": _trend(
            rows.filter(kind=Period.DAY), [today - dt.timedelta(days=n) for n in range(29, -1, -1)]
        ),
        "trend_months": _trend(
            rows.filter(kind=Period.MONTH), [_months_back(month, n) for n in range(11, -1, -1)]
        ),
        "families": _families(year),
        "children": _children(year, child_digits) if child_digits else [],
        "units": _units(user, prefix, year_start, month),
        "heat": _heat(prefix, month, child_digits),
    }


DAYS_BACK = range(29, -1, -1)  # the last 30 days, oldest first
MONTHS_BACK = range(11, -1, -1)


def _months_back(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def _trend(qs, periods: list[dt.date]) -> list[dict]:
    """One point per period, zeros where nothing was received."""
    found = {r["period"]: r for r in qs.filter(period__in=periods).values("period").annotate(**SUMS)}
    return [{"period": p.isoformat(), **Figures.of(found.get(p, {})).__dict__} for p in periods]


def _families(qs) -> list[dict]:
    from cases.models import Category

    names = dict(Category.objects.filter(level=1).values_list("code", "name"))
    rows = qs.values("family").annotate(received=Sum("received")).order_by("-received")[:10]
    return [{"family": r["family"], "name": names.get(r["family"], "未分类"), "received": r["received"]}
            for r in rows if r["received"]]  # fmt: skip


def _children(qs, digits: int) -> list[dict]:
    rows = qs.annotate(part=Substr("area", 1, digits)).values("part").annotate(**SUMS)
    names = dict(
        Area.objects.filter(code__in=[r["part"].ljust(12, "0") for r in rows]).values_list("code", "name")
    )
    out = [
        {"code": r["part"].ljust(12, "0"), "name": names.get(r["part"].ljust(12, "0"), r["part"]),
         **Figures.of(r).__dict__}
        for r in rows
    ]  # fmt: skip
    return sorted(out, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))


def _units(user, prefix: str, start: dt.date, end: dt.date) -> list[dict]:
    from orgs.models import OrgUnit

    units = OrgUnit.objects.filter(area__code__startswith=prefix[:6]) if prefix else OrgUnit.objects.all()
    rows = (
        UnitTally.objects.filter(kind=Period.MONTH, period__range=(start, end), unit__in=units)
        .values("unit", "unit__name")
        .annotate(**SUMS)
    )
    out = [
        {"unit": r["unit"], "name": r["unit__name"], **Figures.of(r, base="assigned").__dict__}
        for r in rows
        if r["assigned"]
    ]
    return sorted(out, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))


def _heat(prefix: str, month: dt.date, child_digits: int | None) -> list[dict]:
    """Cases received this month per township (city, county) or per grid (a
    township)."""
    rows = GridTally.objects.filter(period=month, grid__startswith=prefix)
    if child_digits:
        rows = rows.annotate(part=Substr("grid", 1, 9)).values("part").annotate(n=Sum("received"))
        return [{"code": r["part"] + "000", "n": r["n"]} for r in rows]
    return [{"code": r["grid"], "n": r["n"]} for r in rows.values("grid").annotate(n=Sum("received"))]
