"""The nightly run's series method (intel.forecast): a forecast behind a
guard, the level model for sparse series, and windows that catch what a
single day does not."""

import numpy as np
import pytest
from scipy import stats

from intel import forecast


def _daily(mean: float, days: int = 500, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    weekday = np.where(np.arange(days) % 7 >= 5, 0.5, 1.2)
    return rng.poisson(mean * weekday).astype(float)


def test_a_sparse_series_gets_the_level_model_and_its_exact_p_value():
    y = np.zeros(200)
    y[[20, 90]] = 1  # two cases in the history
    y[-1] = 3
    fc = forecast.forecast(y, first=193)
    assert fc.shared_rate.all()
    train = 200 - 7 - 7  # the last block's baseline ends a guard before it
    assert fc.expected[0, -1] == pytest.approx(2.5 / train)
    test = forecast.window_test(y, fc, start=199)
    # One day, 3 cases: P(NB(2.5, train/(train + 1)) ≥ 3), at the single day's weight ½.
    one_day = stats.nbinom.sf(2, 2.5, train / (train + 1))
    assert test.window[0, 0] == 1 and test.pvalue[0, 0] == pytest.approx(one_day / 0.5, rel=1e-9)


def test_a_busy_series_gets_the_glm_with_its_weekday_rhythm():
    y = _daily(10)
    fc = forecast.forecast(y, first=len(y) - 14)
    assert not fc.shared_rate.any()
    is_weekend = (np.arange(len(y) - 14, len(y)) % 7) >= 5
    ratio = fc.expected[0, is_weekend].mean() / fc.expected[0, ~is_weekend].mean()
    assert ratio == pytest.approx(0.5 / 1.2, rel=0.15)


def test_a_slow_rise_is_found_by_the_week_where_no_single_day_is():
    y = _daily(10, seed=3)
    y[-7:] += 7  # +70 % for a week: no day stands out, the week does
    fc = forecast.forecast(y, first=len(y) - 7)
    test = forecast.window_test(y, fc, start=len(y) - 1)
    assert test.window[0, 0] == 7 and test.pvalue[0, 0] < 1e-4
    single = forecast.window_test(y, fc, start=len(y) - 1, windows=(1,), weights=(1.0,))
    assert single.pvalue[0, 0] > 1e-3


def test_the_guard_keeps_an_outbreak_out_of_its_own_baseline():
    y = _daily(5, days=120, seed=4)
    y[-6:] += 60
    guarded = forecast.forecast(y, first=len(y) - 7, guard=7)
    unguarded = forecast.forecast(y, first=len(y) - 7, guard=0, refit_every=1)
    assert guarded.expected[0, -1] < unguarded.expected[0, -1]


def test_rows_at_once_equal_rows_one_by_one():
    y = np.vstack([_daily(m, seed=s) for s, m in enumerate((0.05, 2, 20))])
    together = forecast.window_test(y, forecast.forecast(y, first=480), start=486)
    for i in range(3):
        alone = forecast.window_test(y[i], forecast.forecast(y[i], first=480), start=486)
        np.testing.assert_allclose(together.pvalue[i], alone.pvalue[0], rtol=1e-6)


def test_weights_must_cover_the_windows():
    y = _daily(3)
    with pytest.raises(ValueError, match="weight"):
        forecast.window_test(y, forecast.forecast(y, first=480), start=490, weights=(0.5, 0.5))
