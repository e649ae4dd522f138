"""The GLR charts of R ``surveillance`` (1.20.3), reproduced in numpy/scipy
as baselines for the early-warning benchmark (``bench/early_warning.py``);
the nightly run does not use them (it runs ``intel.forecast``, on
``intel.glr.nb_glm``). Checked against R itself by
``intel/tests/test_glr_vs_r.py`` and ``test_glr_reference.py``.

* ``glrpois`` and ``glrnb`` reproduce ``algo.glrpois`` and ``algo.glrnb``
  (``change = "intercept"``): the generalised likelihood-ratio (GLR)
  statistic for a step change of the log mean since some unknown time,
  against an in-control mean ``mu0`` — R's statistic, its ``"cases"``
  bound, its restart after each alarm, and, when ``mu0`` is not given,
  R's in-control fit (a Poisson GLM or ``MASS::glm.nb`` with a trend and
  harmonic terms, fitted on the data before ``start``).
* ``nb_cusum`` is the same family with the change fixed in advance: the
  recursive negative-binomial (or Poisson) likelihood-ratio CUSUM, which is
  what R's ``algo.glrnb`` computes when ``theta`` is given.

As in ``intel.aberration``, every chart takes one series or many (rows of
a 2-D array, computed together) and ``start``, the first time point judged
(0-based), and returns a ``Detection`` for ``start … n − 1``."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from intel.aberration import Detection, _series
from intel.glr import fit_nb_glm, fit_poisson_glm

# ------------------------------------------------ in-control mean (R's hook)


def _glr_design(t: np.ndarray, *, period: int, harmonics: int, trend: bool, scale: float) -> np.ndarray:
    """R's ``estimateGLRNbHook`` formula ``y ~ 1 [+ t] + Σ cos(2sπt/p) +
    sin(2sπt/p)`` with t the 1-based time index; the trend column is divided
    by ``scale`` (the fit is the same, the normal equations better posed)."""
    cols = [np.ones_like(t, dtype=float)]
    if trend:
        cols.append(t / scale)
    for s in range(1, harmonics + 1):
        cols += [np.cos(2 * s * np.pi / period * t), np.sin(2 * s * np.pi / period * t)]
    return np.column_stack(cols)


def in_control_mean(
    counts, *, start: int, alpha: float | None, period: int = 52, harmonics: int = 1, trend: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The in-control mean of ``algo.glrnb`` when ``mu0`` is not given: a
    log-linear model of the counts before ``start`` with ``harmonics``
    seasonal pairs of period ``period`` and optionally a linear trend,
    predicted over ``start … n − 1``. ``alpha`` (NB dispersion, variance
    μ + αμ²) 0 fits a Poisson GLM, a positive value a negative-binomial GLM
    with that dispersion, None ``MASS::glm.nb`` (and its θ gives α = 1/θ).
    Returns (mu0 for the judged range, α per row)."""
    y = _series(counts)
    y2 = np.atleast_2d(y)
    n = y2.shape[-1]
    if start < 2:
        raise ValueError("the in-control model needs history before start")
    design = _glr_design(
        np.arange(1, n + 1, dtype=float),
        period=period,
        harmonics=harmonics,
        trend=trend,
        scale=float(start - 1),
    )
    train, judged = design[:start], design[start:]  # (R's t = 1 … start, then start + 1 … n)
    if alpha is None:
        beta, theta, _ = fit_nb_glm(y2[:, :start], train)
        a = 1 / theta
    elif alpha == 0:
        beta, _ = fit_poisson_glm(y2[:, :start], train)
        a = np.zeros(y2.shape[0])
    else:
        beta, _, _ = fit_nb_glm(y2[:, :start], train, theta=1 / alpha)
        a = np.full(y2.shape[0], float(alpha))
    mu0 = np.exp(beta @ judged.T)
    return (mu0[0], a[0]) if y.ndim == 1 else (mu0, a)


# ------------------------------------------------------------ GLR charts


def _segment_sums(v: np.ndarray) -> np.ndarray:
    """Σ v[k … n] for every k (n = last column), row by row."""
    return np.cumsum(v[:, ::-1], axis=1)[:, ::-1]


def _poisson_glr(
    x: np.ndarray, mu: np.ndarray, low: np.ndarray, high: np.ndarray, direction: int
) -> np.ndarray:
    """max over low ≤ k ≤ high of sup_κ Σ_{i=k}^{n} log Pois(x_i; e^κ μ_i)/Pois(x_i; μ_i),
    κ restricted to the direction: the C code's closed form κ̂ = log(Σx/Σμ)."""
    sx, sm = _segment_sums(x), _segment_sums(mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = direction * np.maximum(0, direction * np.log(sx / sm))
        lr = kappa * sx + (1 - np.exp(kappa)) * sm
    return _max_over(lr, low, high)


def _max_over(lr: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    k = np.arange(lr.shape[1])
    ok = (k >= low[:, None]) & (k <= high[:, None]) & ~np.isnan(lr)  # (C: NaN never beats the max)
    best = np.where(ok, lr, -1e99).max(axis=1, initial=-1e99)
    return np.where(high < low, 0.0, best)  # (no admissible k: R's statistic stays 0)


def _nb_glr(
    x: np.ndarray, mu: np.ndarray, alpha: np.ndarray, low: np.ndarray, high: np.ndarray, direction: int
) -> np.ndarray:
    """The same for the negative binomial with dispersion α: κ̂ has no closed
    form, so each segment k … n gets Newton's method on its concave profile
    (as the C code does), all segments and rows at once."""
    m = x.shape[1]
    a = alpha[:, None, None]
    inside = np.arange(m)[None, :] >= np.arange(m)[:, None]  # [k, i]: i in k … n
    xs, ms = x[:, None, :], mu[:, None, :]
    sx, sm = _segment_sums(x), _segment_sums(mu)
    with np.errstate(divide="ignore"):
        kappa = np.log(np.maximum(sx, 0.5) / sm)  # the Poisson estimate: a close start
    todo = sx > 0
    for _ in range(100):
        e = np.exp(kappa)[..., None]
        denom = 1 + a * e * ms
        score = np.where(inside, (xs - e * ms) / denom, 0).sum(axis=2)
        info = e[..., 0] * np.where(inside, ms * (a * xs + 1) / denom**2, 0).sum(axis=2)
        step = np.where(todo, np.clip(score / info, -3, 3), 0.0)  # (Newton on a concave profile)
        kappa = kappa + step
        todo &= np.abs(step) > 1e-12
        if not todo.any():
            break
    kappa = np.where(sx == 0, -np.inf, kappa)  # (all zeros: the sup is at κ → −∞)
    kappa = direction * np.maximum(0, direction * kappa)
    kappa = np.where(np.isinf(kappa), -18.0, kappa)  # (R stops its Newton there)
    e = np.exp(kappa)[..., None]
    lnk = np.where(inside, kappa[..., None] * xs + (xs + 1 / a) * np.log((1 + a * ms) / (1 + a * ms * e)), 0)
    return _max_over(lnk.sum(axis=2), low, high)


def _smallest(
    pred: Callable[[np.ndarray, np.ndarray], np.ndarray], rows: np.ndarray, *, cap: float = 2.0**40
) -> np.ndarray:
    """For each row, the smallest integer v ≥ 0 with pred(rows, v) true,
    pred being monotone in v (false … false true … true); ``cap`` + 1 where
    it is false up to ``cap``."""
    out = np.zeros(rows.size)
    zero = pred(rows, np.zeros(rows.size))
    todo = np.flatnonzero(~zero)
    lo, hi = np.zeros(todo.size), np.ones(todo.size)
    while todo.size:  # gallop up to a true value
        ok = pred(rows[todo], hi) | (hi > cap)
        grow = ~ok
        if not grow.any():
            break
        lo = np.where(grow, hi, lo)
        hi = np.where(grow, np.minimum(hi * 2, cap + 1), hi)
    while todo.size and np.any(hi - lo > 1):  # then bisect
        open_ = hi - lo > 1
        mid = np.floor((lo + hi) / 2)
        ok = pred(rows[todo], mid)
        hi, lo = np.where(open_ & ok, mid, hi), np.where(open_ & ~ok, mid, lo)
    out[todo] = hi
    return out


def _glr_run(
    x: np.ndarray,
    mu0: np.ndarray,
    alpha: np.ndarray,
    *,
    c_arl: float,
    m_window: int,
    direction: int,
    ret: str,
    x_max: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The GLR chart over the judged range, restarted after every alarm as
    R does (``algo.glrnb`` cuts the series after the alarm and runs again
    from the next time point). Returns (statistic, upper bound, alarm)."""
    rows, length = x.shape
    poisson = np.all(alpha == 0)
    stat, bound = np.zeros((rows, length)), np.zeros((rows, length))
    alarm = np.zeros((rows, length), dtype=bool)
    origin = np.zeros(rows, dtype=int)
    for n in range(length):
        low = origin if m_window < 0 else np.maximum(origin, n - m_window)
        # R's windowed Poisson code leaves out the segment of the last point alone.
        high = np.full(rows, n - 1 if poisson and m_window > 0 else n)

        def at(idx: np.ndarray, value: np.ndarray | None = None, n=n, low=low, high=high) -> np.ndarray:
            xs = x[idx, : n + 1]
            if value is not None:
                xs = xs.copy()
                xs[:, n] = value
            if poisson:
                return _poisson_glr(xs, mu0[idx, : n + 1], low[idx], high[idx], direction)
            return _nb_glr(xs, mu0[idx, : n + 1], alpha[idx], low[idx], high[idx], direction)

        every = np.arange(rows)
        stat[:, n] = at(every)
        alarm[:, n] = stat[:, n] >= c_arl
        if ret == "cases":
            bound[:, n] = _glr_cases(
                at,
                x[:, n],
                alarm[:, n],
                high < low,
                c_arl=c_arl,
                direction=direction,
                poisson=poisson,
                x_max=x_max,
            )
        origin[alarm[:, n]] = n + 1
    if ret == "value":
        bound = stat
    return stat, np.maximum(bound, 0.0), alarm


def _glr_cases(
    at,
    observed: np.ndarray,
    alarmed: np.ndarray,
    empty: np.ndarray,
    *,
    c_arl: float,
    direction: int,
    poisson: bool,
    x_max: float,
) -> np.ndarray:
    """R's ``"cases"`` bound at one time point: the count there that would
    have made (for ``dir = "dec"``: unmade) an alarm, the rest unchanged.
    Poisson (C code): the smallest count from 0 up that reaches c.ARL.
    Negative binomial (R's brute-force search from the observed count):
    the same smallest count, except that R never searches from an
    observed 0 nor beyond ``x_max`` + 1 (1e99 then) and reports 0 where
    even 0 alarms."""
    rows = np.arange(observed.size)
    if poisson:
        if direction == 1:
            found = _smallest(lambda idx, v: at(idx, v) >= c_arl, rows)
        else:
            found = _smallest(lambda idx, v: at(idx, v) <= c_arl, rows)
        return np.where(empty, 0.0, found)
    found = _smallest(lambda idx, v: at(idx, v) >= c_arl, rows, cap=x_max + 1)
    quiet_out = ~alarmed & ((observed < 1) | (observed > x_max) | (found > x_max + 1))
    found = np.where(quiet_out, 1e99, found)
    return np.where(alarmed & (observed > x_max), 0.0, found)


def _lr_cusum(
    x: np.ndarray, mu0: np.ndarray, alpha: np.ndarray, *, kappa: float, c_arl: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The recursive LR CUSUM for a known change κ of the log mean (R's
    ``lr_cusum`` / ``lr_cusum_nb``): S_t = max(0, S_{t−1} + z_t) with z_t
    the log-likelihood ratio of x_t, an alarm when S_t > c (strictly) and a
    restart from 0 after it. The bound is R's back-calculated count that
    would give S_t = c — not rounded, as R returns it."""
    rows, length = x.shape
    a = alpha[:, None]
    nb = a > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(nb, np.log((1 + a * mu0) / (1 + a * mu0 * np.exp(kappa))), 0.0)
        z = np.where(
            nb, kappa * x + (x + 1 / np.where(nb, a, 1)) * log_ratio, kappa * x + (1 - np.exp(kappa)) * mu0
        )
    stat, bound = np.zeros((rows, length)), np.zeros((rows, length))
    alarm = np.zeros((rows, length), dtype=bool)
    previous = np.zeros(rows)
    for t in range(length):  # (a recursion: one step over all series at a time)
        with np.errstate(divide="ignore", invalid="ignore"):
            pois_cases = (c_arl - previous + mu0[:, t] * (np.exp(kappa) - 1)) / kappa
            nb_cases = (c_arl - previous - log_ratio[:, t] / np.where(nb[:, 0], alpha, 1)) / (
                kappa + log_ratio[:, t]
            )
        bound[:, t] = np.where(nb[:, 0], nb_cases, pois_cases)
        stat[:, t] = np.maximum(0, previous + z[:, t])
        alarm[:, t] = stat[:, t] > c_arl
        previous = np.where(alarm[:, t], 0.0, stat[:, t])
    return stat, bound, alarm


def glrnb(
    counts,
    *,
    start: int,
    mu0=None,
    alpha: float | None = None,
    c_arl: float = 5.0,
    m_window: int = -1,
    change: str = "intercept",
    theta: float | None = None,
    direction: str = "inc",
    ret: str = "value",
    x_max: float = 1e4,
    period: int = 52,
    harmonics: int = 1,
    trend: bool = False,
) -> Detection:
    """The negative-binomial GLR chart of ``surveillance::algo.glrnb``
    (Höhle & Paul 2008): at each time n the largest log-likelihood ratio,
    over all change points k (within ``m_window`` of n unless −1) and
    changes κ of the log mean in ``direction``, of the counts k … n against
    their in-control mean ``mu0``; an alarm when it reaches ``c_arl``,
    after which the chart restarts at the next time point.

    * ``mu0``: the in-control means over the judged range (one per judged
      time point, or per row and point); None fits R's default model on
      the counts before ``start`` (see ``in_control_mean``: ``harmonics``
      seasonal pairs of ``period``, ``trend``).
    * ``alpha``: dispersion (variance μ + αμ²); 0 is the Poisson chart; None
      estimates it with ``MASS::glm.nb`` together with ``mu0`` (as R does
      when ``alpha`` is not in its control list).
    * ``theta``: a fixed change κ = ``theta`` instead of the GLR — the
      recursive LR CUSUM (see ``nb_cusum``).
    * ``ret``: ``"value"`` makes the upper bound the statistic, ``"cases"``
      the count at each time point that would have raised the alarm.

    ``score`` is always the statistic; ``expected`` is ``mu0``."""
    if change != "intercept":
        raise ValueError("only change='intercept' is implemented")
    if direction not in ("inc", "dec"):
        raise ValueError("direction is 'inc' or 'dec'")
    if ret not in ("value", "cases"):
        raise ValueError("ret is 'value' or 'cases'")
    if theta is not None and theta == 1:
        raise ValueError("theta has to be larger than 1")  # (R's own check, kept for parity)
    y = _series(counts)
    y2 = np.atleast_2d(y)
    rows, length = y2.shape[0], y2.shape[1] - start
    if mu0 is None:
        mu, a = in_control_mean(y2, start=start, alpha=alpha, period=period, harmonics=harmonics, trend=trend)
    else:
        if alpha is None:
            raise ValueError("alpha can only be estimated together with mu0 (mu0=None)")
        mu = np.broadcast_to(np.asarray(mu0, dtype=float), (rows, length)).copy()
        a = np.full(rows, float(alpha))
    if ret == "cases" and theta is None and np.any(a > 0) and direction == "dec":
        raise ValueError(
            "R's cases search for the negative-binomial GLR only makes sense for direction='inc'"
        )
    x = y2[:, start:]
    if theta is None:
        stat, bound, alarm = _glr_run(
            x,
            mu,
            a,
            c_arl=c_arl,
            m_window=m_window,
            direction=1 if direction == "inc" else -1,
            ret=ret,
            x_max=x_max,
        )
    else:
        stat, cases, alarm = _lr_cusum(x, mu, a, kappa=float(theta), c_arl=c_arl)
        bound = np.maximum(np.nan_to_num(cases if ret == "cases" else stat, nan=0.0), 0.0)
    if y.ndim == 1:
        return Detection(mu[0], bound[0], stat[0], alarm[0])
    return Detection(mu, bound, stat, alarm)


def glrpois(
    counts,
    *,
    start: int,
    mu0=None,
    c_arl: float = 5.0,
    m_window: int = -1,
    change: str = "intercept",
    theta: float | None = None,
    direction: str = "inc",
    ret: str = "value",
    period: int = 52,
    harmonics: int = 1,
    trend: bool = False,
) -> Detection:
    """The Poisson GLR chart of ``surveillance::algo.glrpois``: ``glrnb``
    with α = 0 (R's own definition); with ``theta`` the Poisson LR CUSUM.
    Without ``mu0`` the in-control mean is R's Poisson GLM on the counts
    before ``start``."""
    return glrnb(
        counts,
        start=start,
        mu0=mu0,
        alpha=0.0,
        c_arl=c_arl,
        m_window=m_window,
        change=change,
        theta=theta,
        direction=direction,
        ret=ret,
        period=period,
        harmonics=harmonics,
        trend=trend,
    )


def nb_cusum(
    counts,
    *,
    start: int,
    shift: float = 2.0,
    h: float = 5.0,
    mu0=None,
    alpha: float | None = None,
    ret: str = "value",
    period: int = 52,
    harmonics: int = 1,
    trend: bool = False,
) -> Detection:
    """The negative-binomial CUSUM (Höhle & Paul 2008, eq. 4): a recursive
    likelihood-ratio chart for the mean multiplying by ``shift`` (κ =
    log shift; below 1 watches for a fall), alarming when the statistic
    exceeds ``h`` and restarting after each alarm. ``mu0``/``alpha`` as in
    ``glrnb`` (None: R's in-control fit and ``glm.nb`` dispersion; α = 0
    gives the Poisson CUSUM). It is ``algo.glrnb(theta = log(shift),
    c.ARL = h)``; ``ret="cases"`` bounds are the (unrounded) counts that
    would have reached h."""
    if shift <= 0 or shift == 1:
        raise ValueError("shift must be positive and not 1")
    return glrnb(
        counts,
        start=start,
        mu0=mu0,
        alpha=alpha,
        c_arl=h,
        theta=float(np.log(shift)),
        ret=ret,
        period=period,
        harmonics=harmonics,
        trend=trend,
    )


__all__ = ["glrnb", "glrpois", "in_control_mean", "nb_cusum"]
