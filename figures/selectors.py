"""Reads for the data center, always within the user's area scope, from the
rollup tables only (never a scan of the case table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import Substr

from cases.models import Category
from changan import clock
from figures.models import MEASURES, AreaTally, GridTally, Period, UnitTally
from orgs.models import OrgUnit
from regions.codes import Level, level_of, prefix_of
from regions.models import Area
from regions.selectors import area_in_scope

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
    today = today or clock.today()
    area = area_in_scope(user, code)
    prefix = prefix_of(area.code)
    child_digits = {Level.CITY: 6, Level.COUNTY: 9}.get(level_of(area.code))
    return {
        "area": area,
        "today": today,
        "totals": totals(prefix, today),
        "trend_days": trend(prefix, Period.DAY, [today - dt.timedelta(days=n) for n in DAYS_BACK]),
        "trend_months": trend(
            prefix, Period.MONTH, [_months_back(today.replace(day=1), n) for n in MONTHS_BACK]
        ),
        "families": family_ranking(prefix, today),
        "children": area_ranking(prefix, today, child_digits) if child_digits else [],
        "units": unit_ranking(prefix, today),
        "heat": heat(prefix, today, child_digits),
    }


DAYS_BACK = range(29, -1, -1)  # the last 30 days, oldest first
MONTHS_BACK = range(11, -1, -1)


def _rows(prefix: str):
    return AreaTally.objects.filter(area__startswith=prefix)


def _this_year(prefix: str, today: dt.date):
    return _rows(prefix).filter(kind=Period.MONTH, period__range=(today.replace(month=1, day=1), today))


def totals(prefix: str, today: dt.date) -> dict[str, Figures]:
    """Today, this month and this year, for cases received then."""
    return {
        name: Figures.of(_sum(_rows(prefix).filter(kind=kind, period__range=(start, end))))
        for name, (kind, start, end) in _periods(today).items()
    }


def _months_back(day: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months before ``day``'s."""
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def trend(prefix: str, kind: str, periods: list[dt.date]) -> list[dict]:
    """One point per period, zeros where nothing was received."""
    rows = _rows(prefix).filter(kind=kind, period__in=periods).values("period").annotate(**SUMS)
    found = {r["period"]: r for r in rows}
    return [{"period": p.isoformat(), **Figures.of(found.get(p, {})).__dict__} for p in periods]


def family_ranking(prefix: str, today: dt.date) -> list[dict]:
    """The ten category families with the most cases this year."""
    names = dict(Category.objects.filter(level=1).values_list("code", "name"))
    rows = (
        _this_year(prefix, today)
        .values("family")
        .annotate(received=Sum("received"))
        .order_by("-received")[:10]
    )
    return [{"family": r["family"], "name": names.get(r["family"], "未分类"), "received": r["received"]}
            for r in rows if r["received"]]  # fmt: skip


def area_ranking(prefix: str, today: dt.date, digits: int) -> list[dict]:
    """The areas one level down (``digits`` of their code), ranked by score."""
    rows = _this_year(prefix, today).annotate(part=Substr("area", 1, digits)).values("part").annotate(**SUMS)
    names = dict(
        Area.objects.filter(code__in=[r["part"].ljust(12, "0") for r in rows]).values_list("code", "name")
    )
    out = [
        {"code": r["part"].ljust(12, "0"), "name": names.get(r["part"].ljust(12, "0"), r["part"]),
         **Figures.of(r).__dict__}
        for r in rows
    ]  # fmt: skip
    return sorted(out, key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))


def unit_ranking(prefix: str, today: dt.date) -> list[dict]:
    """The departments of the area (its county's, for a township) by score."""
    start, end = today.replace(month=1, day=1), today
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


def heat(prefix: str, today: dt.date, child_digits: int | None) -> list[dict]:
    """Cases received this month per township (city, county) or per grid (a
    township)."""
    rows = GridTally.objects.filter(period=today.replace(day=1), grid__startswith=prefix)
    if child_digits:
        rows = rows.annotate(part=Substr("grid", 1, 9)).values("part").annotate(n=Sum("received"))
        return [{"code": r["part"] + "000", "n": r["n"]} for r in rows]
    return [{"code": r["grid"], "n": r["n"]} for r in rows.values("grid").annotate(n=Sum("received"))]
