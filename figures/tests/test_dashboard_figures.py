"""Every figure on the data center's first screen equals a direct count from
the case table and the event log, on a simulated year of the small city —
the rollups are kept by the services, event by event, and never drift."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent
from demo.year import simulate_year
from figures import naive
from figures.models import MEASURES, AreaTally, GridTally, UnitTally
from figures.selectors import dashboard

END = dt.date(2026, 11, 27)


def local(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@pytest.fixture
def year(small_city):
    simulate_year(cases_per_year=600, seed=7, end=END)
    assert Case.objects.count() > 400


def test_every_figure_matches_the_event_log(year, user_named):
    leader = user_named("leader")  # the whole city
    screen = dashboard(leader, today=END)
    city = screen["area"]
    prefix = city.code[:4]
    month = END.replace(day=1)
    ranges = {
        "today": (local(END), local(END + dt.timedelta(days=1))),
        "month": (local(month), local(END + dt.timedelta(days=1))),
        "year": (local(END.replace(month=1, day=1)), local(END + dt.timedelta(days=1))),
    }
    for name, (since, until) in ranges.items():
        expected = naive.area_figures(prefix=prefix, since=since, until=until)
        got = screen["totals"][name].counts
        assert {k: got[k] for k in expected} == dict(expected), name
    assert screen["totals"]["year"].counts["received"] > 300
    assert screen["totals"]["year"].counts["rated"] > 50  # the rates rest on real numbers

    year_since, year_until = ranges["year"]
    by_county = naive.received_by(prefix=prefix, since=year_since, until=year_until, level_digits=6)
    assert {c["code"][:6]: c["counts"]["received"] for c in screen["children"]} == by_county
    by_family = naive.received_by_family(prefix=prefix, since=year_since, until=year_until)
    assert {f["family"]: f["received"] for f in screen["families"]} == {
        k: v for k, v in sorted(by_family.items(), key=lambda kv: -kv[1])[:10]
    }
    month_cases = Case.objects.filter(received_at__gte=ranges["month"][0], received_at__lt=ranges["month"][1])
    heat: dict[str, int] = {}
    for area_id in month_cases.exclude(grid=None).values_list("area_id", flat=True):
        heat[area_id[:9] + "000"] = heat.get(area_id[:9] + "000", 0) + 1
    assert heat and {h["code"]: h["n"] for h in screen["heat"]} == heat

    # Departments: cases sent to each unit this year (dispatch, reassign, a whistle that dispatched).
    sent = CaseEvent.objects.filter(
        action__in=("dispatch", "reassign", "whistle"),
        case__received_at__gte=year_since,
        case__received_at__lt=year_until,
    )
    per_unit: dict[int, int] = {}
    for data in sent.values_list("data", flat=True):
        if "unit" in data:
            per_unit[data["unit"]] = per_unit.get(data["unit"], 0) + 1
    assert {u["unit"]: u["counts"]["assigned"] for u in screen["units"]} == per_unit

    drill_down_to_the_grids(leader, screen)
    a_county_leader_sees_only_the_county(user_named("leader_410622"))


def drill_down_to_the_grids(leader, city):
    county = city["children"][0]["code"]
    county_screen = dashboard(leader, county, today=END)
    assert county_screen["area"].code == county and county_screen["children"]
    township = county_screen["children"][0]["code"]
    township_screen = dashboard(leader, township, today=END)
    assert township_screen["children"] == []  # the bottom of the drill-down
    assert all(len(h["code"]) == 15 and h["code"].startswith(township[:9]) for h in township_screen["heat"])


def a_county_leader_sees_only_the_county(leader):
    screen = dashboard(leader, "410611000000", today=END)  # asks for another county
    assert screen["area"].code == "410622000000"
    naive_year = naive.area_figures(
        prefix="410622", since=local(END.replace(month=1, day=1)), until=local(END + dt.timedelta(days=1))
    )
    assert screen["totals"]["year"].counts["received"] == naive_year["received"]


def test_a_rebuild_from_the_log_gives_the_same_tallies(small_city):
    from io import StringIO

    from django.core.management import call_command

    simulate_year(cases_per_year=160, seed=11, end=END)
    assert CaseEvent.objects.filter(action__in=("reassign", "return", "whistle")).exists()

    def rows():
        areas = AreaTally.objects.values_list("kind", "period", "area", "family", *MEASURES)
        units = UnitTally.objects.values_list("kind", "period", "unit", *MEASURES)
        grids = GridTally.objects.values_list("period", "grid", "received")
        return sorted(r for r in areas if any(r[4:])), sorted(r for r in units if any(r[3:])), sorted(grids)

    before = rows()
    out = StringIO()
    call_command("rebuild_figures", "--no-progress", stdout=out)
    assert rows() == before and before[0]
    assert "events counted" in out.getvalue()
