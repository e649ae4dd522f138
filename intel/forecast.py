"""The early-warning engine's own count-series method, shared by the
nightly run (``earlywarning.engine``) and the evaluation harness
(``bench/early_warning.py``), so the figures measured are those of the
method that runs.

Two steps:

1. **Forecast** each day's count from a baseline that ends ``guard`` days
   before the block of days it predicts (refitted every ``refit_every``
   days), so a rise cannot lift its own baseline. Series with at least
   ``dense_per_week`` cases a week get the negative-binomial GLM of
   ``intel.glr.nb_glm`` (weekday terms; yearly harmonics and a trend only
   when ``seasonal``, which needs about two years of history to tell the
   two apart); sparser series get the Gamma–Poisson predictive of their
   level with a Jeffreys prior (as ``algo.bayes``): a handful of cases
   cannot carry eleven coefficients, and a weekday that happened to have
   none would forecast zero.
2. **Test windows**: the sum of the last 1, 3 and 7 days against the summed
   forecast, as a negative-binomial upper-tail p-value; the smallest of
   them, Bonferroni-corrected over the windows with weights ½, ¼, ¼, is the
   day's p-value. One day catches a spike, a week a ramp or a step that no
   single day shows.

numpy/scipy, no Django."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from intel import glr
from intel.aberration import _series, nbinom_quantile

WINDOWS = (1, 3, 7)
# The weighted Bonferroni share of each window: half to the single day,
# where a spike in a sparse series has the fewest cases to show for itself.
WEIGHTS = (0.5, 0.25, 0.25)


@dataclass(frozen=True)
class Forecast:
    """For the days ``first … n − 1`` of each series (rows × days)."""

    first: int
    expected: np.ndarray  # the daily mean
    upperbound: np.ndarray  # the one-day (1 − alpha) quantile
    size: np.ndarray  # the negative binomial's size: θ (GLM) or the Gamma shape (level)
    shared_rate: np.ndarray  # per row: the level model (days share one uncertain rate)


def forecast(
    counts,
    *,
    first: int,
    first_weekday: int = 0,
    guard: int = 7,
    refit_every: int = 7,
    dense_per_week: float = 1.0,
    seasonal: bool = False,
    alpha: float = 0.01,
) -> Forecast:
    """The forecast of days ``first … n − 1``; see the module's docstring."""
    y = np.atleast_2d(_series(counts))
    rows, n = y.shape
    if not guard + 14 <= first < n:
        raise ValueError("first must leave at least two weeks of history before the guard")
    days = n - first
    # Refit blocks: the baseline of the block starting at day r ends at r − guard.
    block_start = first + (np.arange(days) // refit_every) * refit_every
    train_end = block_start - guard
    cum = np.concatenate([np.zeros((rows, 1)), np.cumsum(y, axis=1)], axis=1)
    total = cum[:, train_end]  # cases before each block's baseline end
    size = total + 0.5
    expected = size / train_end
    upperbound = np.empty_like(expected)
    shared = np.ones(rows, dtype=bool)
    dense = total[:, 0] >= dense_per_week * train_end[0] / 7
    index = np.flatnonzero(dense)
    if len(index):
        d = glr.nb_glm(
            y[index], start=first, period=365, first_weekday=first_weekday, harmonics=2 if seasonal else 0,
            trend=seasonal, guard=guard, refit_every=refit_every, alpha=alpha,
        )  # fmt: skip
        ok = np.isfinite(d.expected).all(axis=1) & np.isfinite(d.size).all(axis=1) & (d.size > 0).all(axis=1)
        index, fitted = index[ok], np.flatnonzero(ok)  # a fit that failed keeps the level model
        expected[index], upperbound[index], size[index] = (
            d.expected[fitted],
            d.upperbound[fitted],
            d.size[fitted],
        )
        shared[index] = False
    # The level model's bound, only where it is the model (the quantile is the costly part).
    level = np.broadcast_to(train_end / (train_end + 1), size.shape)
    upperbound[shared] = nbinom_quantile(1 - alpha, size[shared], level[shared])
    return Forecast(first, expected, upperbound, size, shared)


@dataclass(frozen=True)
class WindowTest:
    """For the days ``start … n − 1`` (rows × days): the day's p-value (the
    best window, weighted Bonferroni over the windows) and that window's length,
    observed and expected counts."""

    pvalue: np.ndarray
    window: np.ndarray
    observed: np.ndarray
    expected: np.ndarray

    @property
    def score(self) -> np.ndarray:
        """−log10 p: larger is stronger; what thresholds are tuned on."""
        return -np.log10(np.maximum(self.pvalue, 1e-300))


def window_test(counts, fc: Forecast, *, start: int, windows: tuple[int, ...] = WINDOWS,
                weights: tuple[float, ...] = WEIGHTS) -> WindowTest:  # fmt: skip
    """Test each day from ``start`` with every window ending on it. A
    window's sum is negative binomial with the summed mean: for the GLM with
    the size times the window (exact for equal daily means), for the level
    model with the same shape (its days share one uncertain rate)."""
    y = np.atleast_2d(_series(counts))
    if start - max(windows) + 1 < fc.first:
        raise ValueError("the forecast must begin max(windows) − 1 days before start")
    zero = np.zeros((len(y), 1))
    cy = np.concatenate([zero, np.cumsum(y[:, fc.first :], axis=1)], axis=1)
    ce = np.concatenate([zero, np.cumsum(fc.expected, axis=1)], axis=1)
    t = np.arange(start, y.shape[1]) - fc.first + 1  # cumulative index just past each judged day
    best = np.full((len(y), len(t)), np.inf)
    shape = best.shape
    window, observed, expected = np.ones(shape, dtype=int), np.zeros(shape), np.zeros(shape)
    if len(weights) != len(windows) or abs(sum(weights) - 1) > 1e-9:
        raise ValueError("one weight per window, summing to 1")
    for w, weight in zip(windows, weights, strict=True):
        obs = cy[:, t] - cy[:, t - w]
        mu = np.maximum(ce[:, t] - ce[:, t - w], 1e-12)
        day_size = fc.size[:, t - 1]
        k = np.where(fc.shared_rate[:, None], day_size, day_size * w)
        # P(S ≥ obs) = I_{1−q}(obs, k) with q = k/(k + μ) (scipy's nbdtrc would truncate k to an integer).
        p = np.where(obs > 0, special.betainc(np.maximum(obs, 1), k, mu / (k + mu)), 1.0) / weight
        better = p < best
        best = np.where(better, p, best)
        window = np.where(better, w, window)
        observed = np.where(better, obs, observed)
        expected = np.where(better, mu, expected)
    pvalue = np.minimum(best, 1.0)
    return WindowTest(pvalue, window, observed, expected)
