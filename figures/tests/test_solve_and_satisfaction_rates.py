"""解决率 and 满意率 are two measures, not one number printed twice: a rating
counts as solved and as satisfied independently, and the demo's year has
cases that are one and not the other (so rankings differ between them)."""

import datetime as dt

import pytest

from cases.models import Case
from changan import clock
from demo.year import simulate_year
from figures.selectors import Figures, area_ranking
from figures.services import measures_of


def test_a_rating_counts_solved_and_satisfied_each_on_its_own():
    solved_but_unhappy = measures_of("rate", {"satisfaction": 1, "solved": True})
    unsolved_but_content = measures_of("rate", {"satisfaction": 4, "solved": False})
    assert (solved_but_unhappy["solved"], solved_but_unhappy["satisfied"]) == (1, 0)
    assert (unsolved_but_content["solved"], unsolved_but_content["satisfied"]) == (0, 1)
    figures = Figures.of({"rated": 4, "solved": 3, "satisfied": 1, "received": 4})
    assert (figures.rates["solve_rate"], figures.rates["satisfaction_rate"]) == (75.0, 25.0)


@pytest.mark.django_db
def test_the_demo_year_rates_solving_and_satisfaction_differently(small_city):
    end = dt.date(clock.today().year - 1, 12, 31)  # a whole year's ratings, on any day it runs
    simulate_year(cases_per_year=400, seed=5, end=end)
    rated = Case.objects.exclude(satisfaction=None)
    assert rated.filter(solved=True, satisfaction__lte=2).exists()
    assert rated.filter(solved=False, satisfaction__gte=3).exists()
    rows = area_ranking("4106", end, 6)
    assert any(r["rates"]["solve_rate"] != r["rates"]["satisfaction_rate"] for r in rows)
