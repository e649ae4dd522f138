"""Behaviour of the daily negative-binomial GLM detector ``nb_glm``: it
learns the weekday pattern, flags an injected spike, its guard band keeps a
step in the counts from raising its own baseline, and many series computed
together give exactly what each gives alone."""

import numpy as np
import pytest

from intel import glr

DAYS, START = 1095, 730
WEEKDAY = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.3])  # weekends quiet (e.g. 12345 hotline)


def _series(rng: np.random.Generator, count: int, mean: float = 12.0, size: float = 8.0) -> np.ndarray:
    t = np.arange(DAYS)
    mu = mean * WEEKDAY[t % 7] * np.exp(0.3 * np.cos(2 * np.pi * t / 365))
    return rng.negative_binomial(size, size / (size + mu), (count, DAYS)).astype(float)


def test_the_weekday_effect_is_learned():
    y = _series(np.random.default_rng(1), 20)
    d = glr.nb_glm(y, start=START)
    weekend = d.expected[:, (np.arange(START, DAYS) % 7) >= 5].mean()
    weekdays = d.expected[:, (np.arange(START, DAYS) % 7) < 5].mean()
    assert weekend / weekdays == pytest.approx(0.3, abs=0.05)
    # Without weekday terms the model cannot tell the days apart.
    flat = glr.nb_glm(y, start=START, weekday=False)
    assert flat.expected[:, (np.arange(START, DAYS) % 7) >= 5].mean() / flat.expected.mean() > 0.8


def test_an_injected_spike_is_flagged_and_nothing_much_else():
    y = _series(np.random.default_rng(2), 10)
    at = START + 100  # a Wednesday-like weekday
    y[3, at] += 40
    d = glr.nb_glm(y, start=START, alpha=0.001)
    assert d.alarm[3, 100]
    assert d.pvalue[3, 100] < 1e-6
    assert d.score[3, 100] == pytest.approx(-np.log10(d.pvalue[3, 100]))
    assert d.alarm.mean() < 0.01  # about alpha on the clean days
    # The score grows with the count: a bigger spike is more evidence.
    y[3, at] += 10
    assert glr.nb_glm(y, start=START, alpha=0.001).score[3, 100] > d.score[3, 100]


def test_the_guard_band_keeps_a_step_from_masking_itself():
    """A level shift ×3 from day START + 60: refitting daily on the days
    just before, without a guard, the baseline absorbs the step within days
    and the alarms stop; a 28-day guard keeps the step out of the fit that
    judges its first 4 weeks."""
    y = _series(np.random.default_rng(3), 1, size=50)[0]
    step = START + 60
    y[step:] *= 3
    days = slice(60, 60 + 28)
    blind = glr.nb_glm(y, start=START, guard=0, refit_every=1, train_window=365)
    guarded = glr.nb_glm(y, start=START, guard=28, refit_every=1, train_window=365)
    assert guarded.alarm[days].sum() >= 20
    assert blind.alarm[days].sum() <= guarded.alarm[days].sum() - 5
    assert guarded.expected[days].mean() < 0.6 * blind.expected[days].mean()


def test_rows_together_equal_rows_one_by_one():
    rng = np.random.default_rng(4)
    y = np.vstack([_series(rng, 1, mean=m, size=s) for m, s in [(0.4, 2.0), (5.0, 3.0), (60.0, 30.0)]])
    together = glr.nb_glm(y, start=START, refit_every=60)
    for r in range(len(y)):
        alone = glr.nb_glm(y[r], start=START, refit_every=60)
        assert np.allclose(together.expected[r], alone.expected, rtol=1e-9)
        assert np.array_equal(together.upperbound[r], alone.upperbound)
        assert np.array_equal(together.alarm[r], alone.alarm)
        assert np.allclose(together.pvalue[r], alone.pvalue, rtol=1e-9)


def test_too_little_history_is_refused():
    y = _series(np.random.default_rng(5), 1)[0]
    with pytest.raises(ValueError, match="too little history"):
        glr.nb_glm(y, start=20, guard=7)
