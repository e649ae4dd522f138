"""The temporal detectors reproduce R ``surveillance`` 1.20.3 on the
reference fixtures (weekly Salmonella Newport, Germany; see
../shared/data/surveillance_reference/SOURCES.md): alarm for alarm over
the 105 test weeks, and the further 2011 values listed there."""

import numpy as np
import pytest

from intel import aberration
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
        ("EarsC1", lambda y, s: aberration.ears(y, start=s, method="C1")),
        ("EarsC2", lambda y, s: aberration.ears(y, start=s, method="C2")),
        ("EarsC3", lambda y, s: aberration.ears(y, start=s, method="C3", alpha=0.001)),
        ("Bayes", lambda y, s: aberration.bayes(y, start=s, w=6, b=0, alpha=0.05)),
        ("Cusum", lambda y, s: aberration.cusum(y, start=s, k=1.04, h=2.26)),
    ],
)
def test_alarm_for_alarm_on_the_test_weeks(salmonella, fixture, detect):
    y, start = salmonella
    found = detect(y, start)
    expected = reference.alarms(fixture)
    assert len(found.alarm) == len(expected) == 105
    assert np.flatnonzero(found.alarm != expected).tolist() == []


def test_the_2011_values_listed_with_the_fixtures(salmonella):
    y, start = salmonella
    year = y[: start + 52]  # range = the 52 weeks of 2011; R's index 1 = 2011-01-03

    def weeks(d):
        return [i + 1 for i in d.alarms()]

    c1 = aberration.ears(year, start=start, method="C1", alpha=0.05)
    assert weeks(c1) == [31, 35, 43, 44, 45, 46]
    assert np.allclose(c1.upperbound[:4], [3.278854, 3.278854, 3.436517, 3.855617], atol=1e-6)
    assert weeks(aberration.ears(year, start=start, method="C2", alpha=0.05)) == [
        15,
        16,
        31,
        35,
        44,
        45,
        46,
        47,
    ]
    assert weeks(aberration.ears(year, start=start, method="C3", alpha=0.05)) == [32, 45, 46, 47, 48, 49]
    assert weeks(aberration.bayes(year, start=start, w=6, b=0, alpha=0.05)) == [31, 35, 44, 45, 46]
    assert weeks(aberration.cusum(year, start=start)) == list(range(44, 53))
    assert aberration.cusum(year, start=start).expected[0] == pytest.approx(2.5288, abs=1e-4)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="too short"):
        aberration.ears([1, 2, 3], start=2)
    with pytest.raises(ValueError, match="unknown EARS method"):
        aberration.ears(range(20), start=10, method="C4")
    with pytest.raises(ValueError, match="at least 3"):
        aberration.ears(range(20), start=10, baseline=2)
