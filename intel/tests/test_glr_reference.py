"""The GLR charts reproduce R ``surveillance`` 1.20.3 on the reference
fixtures (weekly Salmonella Newport, Germany; see
../shared/data/surveillance_reference/SOURCES.md).

epysurv's defaults behind ``GLRPoisson_pred`` and ``GLRNegativeBinomial_pred``
(``epysurv/models/timepoint/glr.py``): c.ARL 5, M −1, change "intercept",
theta NULL, dir ("inc", "dec") — R's ``match.arg`` takes "inc" —, ret
"cases", and for the NB class alpha 0, so both are the Poisson chart (the
two files are identical). mu0 is not passed (epysurv spells it ``m0``), so
R fits its default in-control model: a Poisson GLM with one harmonic pair
and no trend on the 365 training weeks."""

import numpy as np
import pytest

from bench import glr_charts
from intel.tests import reference
from intel.tests.reference import needs_reference

pytestmark = needs_reference


@pytest.fixture(scope="module")
def salmonella() -> tuple[np.ndarray, int]:
    y, _, start = reference.salmonella()
    return y, start


@pytest.mark.parametrize(
    ("fixture", "detect"),
    [
        ("GLRPoisson", lambda y, s: glr_charts.glrpois(y, start=s, c_arl=5, ret="cases")),
        ("GLRNegativeBinomial", lambda y, s: glr_charts.glrnb(y, start=s, alpha=0.0, c_arl=5, ret="cases")),
    ],
)
def test_alarm_for_alarm_on_the_test_weeks(salmonella, fixture, detect):
    y, start = salmonella
    expected = reference.alarms(fixture)
    found = detect(y, start)
    assert len(found.alarm) == len(expected) == 105
    assert np.flatnonzero(found.alarm != expected).tolist() == []
    assert expected.sum() == 5  # 2011-11-07, 11-14, 11-21, 12-19, 2012-01-23


def test_the_chart_restarts_after_an_alarm(salmonella):
    """After an alarm R starts the chart afresh at the next week: our
    statistics from there on equal a new chart started there with the same
    in-control means — and differ from the chart carried on without a
    restart, which would keep alarming."""
    y, start = salmonella
    d = glr_charts.glrpois(y, start=start, c_arl=5)
    first = d.alarms()[0]
    fresh = glr_charts.glrpois(y, start=start + first + 1, mu0=d.expected[first + 1 :], c_arl=5)
    assert np.allclose(d.score[first + 1 :], fresh.score)
    assert d.alarms()[1:] == [first + 1 + i for i in fresh.alarms()]
    unbroken = glr_charts.glrpois(y[: start + first + 2], start=start, mu0=d.expected[: first + 2], c_arl=1e9)
    assert unbroken.score[first + 1] > d.score[first + 1]


def test_the_2011_nb_cusum_value_listed_with_the_fixtures(salmonella):
    y, start = salmonella
    year = y[: start + 52]  # range = the 52 weeks of 2011
    # glrnb(c.ARL=4, theta=log(2), ret="cases", mu0=list(S=1, trend=TRUE)), alpha from glm.nb
    d = glr_charts.glrnb(year, start=start, c_arl=4, theta=np.log(2), ret="cases", trend=True)
    assert [i + 1 for i in d.alarms()] == [45, 46, 47, 51]
    same = glr_charts.nb_cusum(year, start=start, shift=2.0, h=4, ret="cases", trend=True)
    assert same.alarms() == d.alarms()
    assert np.array_equal(same.upperbound, d.upperbound)


def test_bad_arguments_are_refused(salmonella):
    y, start = salmonella
    with pytest.raises(ValueError, match="intercept"):
        glr_charts.glrpois(y, start=start, change="epi")
    with pytest.raises(ValueError, match="alpha can only be estimated"):
        glr_charts.glrnb(y, start=start, mu0=np.ones(len(y) - start))
    with pytest.raises(ValueError, match="shift"):
        glr_charts.nb_cusum(y, start=start, shift=1.0)
