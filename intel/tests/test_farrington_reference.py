"""The Farrington detectors reproduce R ``surveillance`` 1.20.3 on the
reference fixtures (weekly Salmonella Newport, Germany; see
../shared/data/surveillance_reference/SOURCES.md): alarm for alarm over the
105 test weeks with the whole training series in front, and the further
2011 values listed there, which R computed on the series with its dates
(so a year back is 52 or 53 weeks)."""

import numpy as np
import pytest

from intel import farrington
from intel.tests import reference
from intel.tests.reference import needs_reference

pytestmark = needs_reference


@pytest.fixture(scope="module")
def salmonella() -> tuple[np.ndarray, np.ndarray, int]:
    return reference.salmonella()


def test_algo_farrington_alarm_for_alarm_on_the_test_weeks(salmonella):
    y, _, start = salmonella
    found = farrington.farrington(y, start=start, b=3, w=3, alpha=0.01)
    expected = reference.alarms("Farrington")
    assert len(found.alarm) == len(expected) == 105
    assert np.flatnonzero(found.alarm != expected).tolist() == []
    assert found.alarm.sum() == 9


def test_farrington_flexible_alarm_for_alarm_on_the_test_weeks(salmonella):
    y, _, start = salmonella
    found = farrington.farrington_flexible(
        y, start=start, b=3, w=3, reweight=True, weights_threshold=2.58, alpha=0.01,
        past_weeks_not_included=26, threshold_method="delta", powertrans="2/3", limit54=(5, 4), no_periods=1,
    )  # fmt: skip
    expected = reference.alarms("FarringtonFlexible")
    assert len(found.alarm) == len(expected) == 105
    assert np.flatnonzero(found.alarm != expected).tolist() == []
    assert found.alarm.sum() == 10


def test_the_2011_values_listed_with_the_fixtures(salmonella):
    y, dates, start = salmonella
    year, days = (
        y[: start + 52],
        dates[: start + 52],
    )  # range = the 52 weeks of 2011; R's index 1 = 2011-01-03

    def weeks(d):
        return [i + 1 for i in d.alarms()]

    original = farrington.farrington_flexible(
        year, start=start, dates=days, variant="original", b=4, w=3, past_weeks_not_included=3, alpha=0.05,
        limit54=(0, 50),
    )  # fmt: skip
    assert weeks(original) == [3, 4, 5, 11, 13, 15, 16, 18, 35, 44, 45, 46, 47, 50, 51]
    assert np.allclose(original.upperbound[:3], [1.98005, 2.03622, 1.91627], atol=1e-5)

    improved = farrington.farrington_flexible(
        year, start=start, dates=days, variant="improved", b=4, w=3, alpha=0.05, limit54=(0, 50)
    )
    assert weeks(improved) == [35, 44, 45, 46, 47, 50, 51, 52]
    assert np.all(improved.upperbound == np.round(improved.upperbound))  # a negative binomial quantile


def test_without_dates_a_year_is_exactly_one_period(salmonella):
    """By index (R's sts without dates) the same call gives R's other
    answer (checked with R 1.20.3): the 2011 reference values are 52 weeks
    apart, not 52 or 53."""
    y, _, start = salmonella
    found = farrington.farrington_flexible(
        y[: start + 52], start=start, variant="original", b=4, w=3, past_weeks_not_included=3, alpha=0.05,
        limit54=(0, 50),
    )  # fmt: skip
    assert [i + 1 for i in found.alarms()] == [3, 11, 15, 35, 44, 45, 46, 47, 50, 51, 52]
    assert np.allclose(found.upperbound[:3], [1.6964769, 2.1286153, 2.1491765], atol=1e-6)


def test_limit54_silences_quiet_weeks(salmonella):
    """Fewer than 5 cases in 4 weeks: no alarm and R's bound (0 for
    algo.farrington, NA for farringtonFlexible), whatever the model says."""
    y, _, start = salmonella
    quiet = y.copy()
    quiet[start + 10 : start + 14] = [0, 0, 0, 4]
    strict = farrington.farrington(quiet, start=start, b=3, w=3, alpha=0.5)
    assert not strict.alarm[13] and strict.upperbound[13] == 0 and strict.expected[13] > 0
    flexible = farrington.farrington_flexible(quiet, start=start, b=3, alpha=0.5)
    assert not flexible.alarm[13] and np.isnan(flexible.upperbound[13])
    # without the rule, both would alarm on that week
    assert farrington.farrington(quiet, start=start, b=3, w=3, alpha=0.5, limit54=(0, 4)).alarm[13]
    assert farrington.farrington_flexible(quiet, start=start, b=3, alpha=0.5, limit54=(0, 4)).alarm[13]


def test_scores_and_pvalues_order_the_evidence(salmonella):
    y, _, start = salmonella
    found = farrington.farrington(y, start=start, b=3, w=3, alpha=0.01)
    assert np.all(found.score[found.alarm] > 1)
    assert np.all(found.pvalue[found.alarm] < 0.005)  # beyond the two-sided 99 % bound
    assert found.pvalue[found.alarm].max() < np.median(found.pvalue[~found.alarm])


def test_bad_arguments_are_refused(salmonella):
    y, _, start = salmonella
    with pytest.raises(ValueError, match="too short"):
        farrington.farrington_flexible(y, start=100, b=3)
    with pytest.raises(ValueError, match="unknown variant"):
        farrington.farrington_flexible(y, start=start, variant="newest")
    with pytest.raises(ValueError, match="unknown threshold_method"):
        farrington.farrington_flexible(y, start=start, b=3, threshold_method="exact")
    with pytest.raises(ValueError, match="limit54"):
        farrington.farrington(y, start=start, limit54=(5, 0))
    with pytest.raises(ValueError, match="powertrans"):
        farrington.farrington(y, start=start, powertrans="3/4")
