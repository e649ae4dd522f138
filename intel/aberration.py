"""Temporal aberration detectors for count series (探照灯's time axis), in
numpy/scipy, no Django. Each reproduces the R package ``surveillance``
(1.20.3) alarm for alarm and bound for bound — including its quirks, which
are named where they matter — so that our figures can be checked against
the reference software of public-health surveillance.

Every detector takes the whole series (older values are its history) —
or many series at once, one per row of a 2-D array, computed together —
and ``start``, the first time point to judge, and returns a ``Detection``
for the time points ``start … counts.shape[-1] - 1``: the expected value, the upper
bound, the statistic and the alarm (observed above the bound; CUSUM: the
statistic reaching ``h``). Time points are 0-based here (R's are 1-based).

Implemented so far: EARS C1, C2, C3 (``surveillance::earsC``), the Bayes
Poisson–Gamma predictive method (``algo.bayes``) and CUSUM with the
standard transform (``algo.cusum``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats


@dataclass(frozen=True)
class Detection:
    expected: np.ndarray
    upperbound: np.ndarray
    score: np.ndarray
    alarm: np.ndarray  # bool

    def alarms(self) -> list[int]:
        """Positions (within the judged range) of the alarms of one series."""
        return [int(i) for i in np.flatnonzero(self.alarm)]


def _series(counts) -> np.ndarray:
    y = np.asarray(counts, dtype=float)
    if y.ndim not in (1, 2):
        raise ValueError("counts must be one series or a 2-D array of series (rows)")
    return y


def _windows(y: np.ndarray, times: np.ndarray, first_lag: int, length: int) -> np.ndarray:
    """The ``length`` values ending ``first_lag`` steps before each time in
    ``times`` (``y[…, t - first_lag - length + 1 … t - first_lag]``), on a
    new last axis."""
    if times.min() - first_lag - length + 1 < 0:
        raise ValueError("the series is too short before the first time point judged")
    view = sliding_window_view(y, length, axis=-1)
    return view[..., times - first_lag - length + 1, :]


# ------------------------------------------------------------------ EARS


def ears(counts, *, start: int, method: str = "C1", baseline: int = 7, alpha: float | None = None,
         min_sigma: float = 0.0) -> Detection:  # fmt: skip
    """EARS C1, C2 and C3 (CDC), as ``surveillance::earsC``.

    * C1: the mean and SD of the ``baseline`` values just before ``t``; the
      bound is mean + z(1−alpha)·SD.
    * C2: the same with a two-step guard band (the values before ``t − 2``).
    * C3: R's form — the C2 excesses max(0, C2 − 1) of ``t − 2`` and ``t − 1``
      lower the bound: observed(t) + SD(t)·(z − excesses), floored at 0; so
      the alarm at ``t`` is decided by the two time points before it
      (R leaves the current one out of its sum).

    ``alpha`` defaults to R's: 0.001 for C1/C2, 0.025 for C3. An SD of zero
    gives R's results too: a bound equal to the mean (C1/C2), or no bound
    and no alarm (C3, where R divides by it)."""
    if method not in ("C1", "C2", "C3"):
        raise ValueError(f"unknown EARS method {method!r}")
    if baseline < 3:
        raise ValueError("the baseline needs at least 3 values")
    if min_sigma < 0:
        raise ValueError("min_sigma must not be negative")
    alpha = alpha if alpha is not None else (0.025 if method == "C3" else 0.001)
    z = stats.norm.ppf(1 - alpha)
    y = _series(counts)
    times = np.arange(start, y.shape[-1])
    observed = y[..., times]
    guard = 0 if method == "C1" else 2
    if method != "C3":
        mean, sigma = _mean_sd(_windows(y, times, 1 + guard, baseline), min_sigma)
        bound = mean + z * sigma
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (observed - mean) / sigma
        return Detection(mean, bound, score, observed > bound)
    lagged = np.arange(start - 2, y.shape[-1])  # C2 of t − 2 … t
    mean, sigma = _mean_sd(_windows(y, lagged, 3, baseline), min_sigma)
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = (y[..., lagged] - mean) / sigma
        excess = np.where(np.isnan(c2), np.nan, np.maximum(c2 - 1, 0))  # (NaN stays NaN, as R's pmax)
        before = excess[..., :-2] + excess[..., 1:-1]
        bound = np.maximum(observed + sigma[..., 2:] * (z - before), 0)
        bound = np.where(np.isnan(before), np.nan, bound)
        alarm = np.where(np.isnan(bound), False, observed > bound)
    return Detection(mean[..., 2:], bound, before, alarm)


def _mean_sd(ref: np.ndarray, min_sigma: float) -> tuple[np.ndarray, np.ndarray]:
    return ref.mean(axis=-1), np.maximum(ref.std(axis=-1, ddof=1), min_sigma)


# ----------------------------------------------------------------- Bayes


def bayes(counts, *, start: int, w: int = 6, b: int = 0, period: int = 52, alpha: float = 0.05,
          current_year: bool = True) -> Detection:  # fmt: skip
    """The Bayes method (``algo.bayes``): the reference values are the ``w``
    values before ``t`` (``current_year``) and, for each of ``b`` past
    periods, the 2w + 1 values around the same time then. With a flat
    prior their Poisson rate has a Gamma posterior, so the next count is
    negative binomial with size Σ + ½ and probability n/(n + 1); the bound
    is its (1 − alpha) quantile (R's ``qnbinom``)."""
    y = _series(counts)
    times = np.arange(start, y.shape[-1])
    parts = []
    if current_year:
        parts.append(_windows(y, times, 1, w))
    for i in range(1, b + 1):
        parts.append(_windows(y, times, i * period - w, 2 * w + 1))
    if not parts:
        raise ValueError("no reference values: use the current year or past periods")
    ref = np.concatenate(parts, axis=-1)
    valid = ~np.isnan(ref)
    n, total = valid.sum(axis=-1), np.where(valid, ref, 0).sum(axis=-1)
    bound = nbinom_quantile(1 - alpha, total + 0.5, n / (n + 1))
    expected = (total + 0.5) / n
    observed = y[..., times]
    return Detection(expected, bound, observed / np.maximum(expected, 1e-12), observed > bound)


def nbinom_quantile(q: float, size: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """R's ``qnbinom(q, size, prob)``: the smallest x with P(X ≤ x) ≥ q,
    where R allows for rounding by comparing with q·(1 − 64·ε)."""
    fuzzed = q * (1 - 64 * np.finfo(float).eps)
    x = stats.nbinom.ppf(fuzzed, size, prob)
    # ppf can land one off where the CDF sits on the boundary: step to R's answer.
    below = stats.nbinom.cdf(x - 1, size, prob) >= fuzzed
    x = np.where(below, x - 1, x)
    above = stats.nbinom.cdf(x, size, prob) < fuzzed
    return np.where(above, x + 1, x)


# ----------------------------------------------------------------- CUSUM


def cusum(counts, *, start: int, k: float = 1.04, h: float = 2.26, m: float | None = None) -> Detection:
    """CUSUM on standardised counts (``algo.cusum``, ``trans = "standard"``):
    x = (y − m)/√m with m the mean of everything before ``start`` unless
    given; S_t = max(0, S_{t−1} + x_t − k); an alarm while S_t ≥ h (R does
    not reset after one). The bound is the count that would reach h:
    ⌈√m·(h + k − S_{t−1}) + m⌉, at least 0."""
    y = _series(counts)
    if m is None:
        if start < 1:
            raise ValueError("CUSUM needs history before start (or m)")
        m = y[..., :start].mean(axis=-1, keepdims=True)
    m = np.broadcast_to(np.asarray(m, dtype=float), y[..., :1].shape)
    with np.errstate(divide="ignore", invalid="ignore"):  # m = 0: a silent history, R's NaN
        x = (y[..., start:] - m) / np.sqrt(m)
    s = np.zeros((*x.shape[:-1], x.shape[-1] + 1))
    for t in range(x.shape[-1]):  # (a recursion: one step over all series at a time)
        s[..., t + 1] = np.maximum(0.0, s[..., t] + x[..., t] - k)
    bound = np.maximum(np.ceil(np.sqrt(m) * (h + k - s[..., :-1]) + m), 0)
    bound = np.where(np.isnan(bound), 0.0, bound)  # (R sets an undefined bound to 0)
    return Detection(np.broadcast_to(m, x.shape).copy(), bound, s[..., 1:], s[..., 1:] >= h)
