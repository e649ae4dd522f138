"""The Farrington family of aberration detectors (探照灯's seasonal baseline),
in numpy/scipy, no Django: ``surveillance::algo.farrington`` (Farrington et
al. 1996) and ``surveillance::farringtonFlexible`` (its generalisation, with
the "improved" settings of Noufaily et al. 2013), reproduced alarm for alarm
and bound for bound with the R package 1.20.3, including the quirks named
where they matter.

Both fit, for every judged time point t, a quasi-Poisson log-linear model
to reference values from the same season in past years, predict the count
at t and put an upper bound on it. Fitting one small GLM per series and per
time point, as R does, is what makes these methods slow; here every fit of a
call is computed at once. Two facts make that possible:

* the reference values sit at the same lags before t for every t (by
  index; with calendar dates a year back is 52 or 53 weeks, so the time
  points fall into a few groups that each share one design), up to
  missing values;
* the design is "a level per season group, plus an optional linear trend",
  whose weighted least-squares step has a closed form (the trend slope is
  the within-group regression of the working response on time). So each
  IRLS step is a few sums over the reference values, for all fits together.

The IRLS is R's ``glm.fit`` step by step (start at y + 0.1, the deviance
test |Δdev|/(|dev| + 0.1) < 1e-8, at most 25 steps, the fitted mean floored
at machine epsilon), because the answer where it stops early matters: a
reference window of zeros drives the fitted mean towards 0 and the bound
depends on the step at which R stops. Like ``glm.fit``, the returned working
weights (and so hat values, covariance and prediction error) are those of
the last step's start, while the coefficients are its result.

Time points are 0-based here (R's are 1-based); the trend variable is the
lag from t, which gives the same fit as R's absolute time (it only shifts
the intercept) and keeps the arithmetic well conditioned.

Cost grows with series × judged time points × reference values × IRLS
steps (about 5). ``farrington`` uses b(2w + 1) reference values; the
"improved" ``farrington_flexible`` uses the whole past b years (≈ 1,070 for
daily data and b = 3), which makes it some 30 times slower per fit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from intel.aberration import Detection, _series, nbinom_quantile

_EPS = np.finfo(float).eps
_LOG_EPS = np.log(_EPS)
_MAXIT, _EPSILON = 25, 1e-8  # glm.control() defaults


@dataclass(frozen=True)
class FarringtonDetection(Detection):
    """A ``Detection`` with what else the fits tell: ``pvalue`` is the upper
    tail probability of the observed count under the predictive
    distribution (the 2/3-power normal approximation for the delta method,
    the negative binomial for ``nbPlugin``/``muan``); ``trend`` whether the
    time trend was kept; ``dispersion`` the φ used in the bound (≥ 1)."""

    pvalue: np.ndarray
    trend: np.ndarray  # bool
    dispersion: np.ndarray


# ------------------------------------------------------------ the design


@dataclass(frozen=True)
class _Design:
    """Reference values of every judged time point t: ``lags`` (t − lag is
    the reference value), grouped by season level in contiguous runs
    (``starts``); ``group`` maps each lag to its level and ``current`` is
    the level t itself belongs to."""

    lags: np.ndarray
    group: np.ndarray
    starts: np.ndarray
    current: int

    @property
    def time(self) -> np.ndarray:
        return -self.lags.astype(float)  # the trend variable, 0 at t


def _design(labels: dict[int, int], current: int) -> _Design:
    lags = np.array(sorted(labels, key=lambda lag: (labels[lag], -lag)))
    levels = np.array([labels[lag] for lag in lags])
    kept = np.unique(levels)
    group = np.searchsorted(kept, levels)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return _Design(lags, group, starts, int(np.searchsorted(kept, current)))


# ------------------------------------------------------------ the GLM fit


@dataclass(frozen=True)
class _Fit:
    """A batch of quasi-Poisson fits, one per row, in ``glm.fit``'s terms."""

    level: np.ndarray  # (m, g) log-mean of each season group at t
    slope: np.ndarray  # (m,) trend per time step (0 without trend)
    mu: np.ndarray  # (m, n) fitted means
    working: np.ndarray  # (m, n) working weights of the last step
    total: np.ndarray  # (m, g) Σ working weight per group
    centre: np.ndarray  # (m, g) weighted mean time per group
    spread: np.ndarray  # (m,) Σ w (time − centre)², inf without trend
    converged: np.ndarray  # (m,) bool
    df: np.ndarray  # (m,) residual degrees of freedom

    def pearson(self, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """``summary.glm``'s dispersion: Σ weights·r²/df with r the working
        residual (y − μ)/μ and, by default, the working weights."""
        weights = self.working if weights is None else weights
        r = (y - self.mu) / self.mu
        return np.where(weights > 0, weights * r**2, 0).sum(axis=-1) / self.df

    def hat(self, d: _Design) -> np.ndarray:
        leverage = 1 / self.total[:, d.group] + (d.time - self.centre[:, d.group]) ** 2 / self.spread[:, None]
        h = self.working * leverage
        return np.where(h > 1 - 10 * _EPS, 1.0, h)  # as lm.influence

    def at_t(self, d: _Design) -> tuple[np.ndarray, np.ndarray]:
        """The linear predictor at t and x₀ᵀ(XᵀWX)⁻¹x₀ (times the dispersion,
        the variance of the predictor)."""
        g = d.current
        return self.level[:, g], 1 / self.total[:, g] + self.centre[:, g] ** 2 / self.spread


def _group_sums(x: np.ndarray, d: _Design) -> np.ndarray:
    return np.add.reduceat(x, d.starts, axis=-1)


def _deviance(y: np.ndarray, ylogy: np.ndarray, log_mu: np.ndarray, mu: np.ndarray, prior: np.ndarray):
    """Σ of the quasi-Poisson deviance residuals 2·prior·(y log(y/μ) − (y − μ)),
    with y log y computed once per fit and log μ known."""
    return 2 * (prior * (ylogy - y * log_mu - y + mu)).sum(axis=-1)


def _glm(y: np.ndarray, prior: np.ndarray, d: _Design, *, trend: bool) -> _Fit:
    """Fit log μ = level[group] (+ slope·time) by ``glm.fit``'s IRLS to every
    row of ``y`` (m, n) with prior weights ``prior`` (0 = no value). Rows
    stop one by one as R's deviance test is met; the others go on. A
    non-finite deviance (exp overflowing at a reference value) leaves the
    row unconverged, where R would halve the step."""
    m, n = y.shape
    g = len(d.starts)
    time = d.time
    gaps = bool((prior <= 0).any())
    ylogy = special.xlogy(y, y)
    mu = y + 0.1
    eta = np.log(mu)
    devold = _deviance(y, ylogy, eta, mu, prior)
    out = {
        "level": np.empty((m, g)),
        "slope": np.zeros(m),
        "mu": np.empty((m, n)),
        "working": np.empty((m, n)),
        "total": np.empty((m, g)),
        "centre": np.zeros((m, g)),
        "spread": np.full(m, np.inf),
        "converged": np.zeros(m, dtype=bool),
    }
    active = np.arange(m)
    for step in range(_MAXIT):
        if active.size == m:  # (views while every row is still going)
            yy, pp, mm, ee, yl = y, prior, mu, eta, ylogy
        else:
            yy, pp, mm, ee, yl = y[active], prior[active], mu[active], eta[active], ylogy[active]
        w = pp * mm  # (dμ/dη)²/V(μ) = μ for the log link
        wz = w * ee + pp * (yy - mm)  # w·z, z = η + (y − μ)/μ the working response
        total = _group_sums(w, d)
        with np.errstate(divide="ignore", invalid="ignore"):
            level = _group_sums(wz, d) / total
            if trend:
                centre = _group_sums(w * time, d) / total
                dt = time - centre[:, d.group]
                spread = (w * dt * dt).sum(axis=-1)
                slope = (wz * dt).sum(axis=-1) / spread  # Σ w·dt = 0 within each group
                level = level - slope[:, None] * centre
                new_eta = level[:, d.group] + slope[:, None] * time
            else:
                new_eta = level[:, d.group]
        if gaps:
            new_eta = np.where(pp > 0, new_eta, 0.0)  # (no value: keep μ finite there, it has no weight)
        with np.errstate(over="ignore"):
            new_mu = np.maximum(np.exp(new_eta), _EPS)  # R's linkinv for "log"
        with np.errstate(invalid="ignore"):
            dev = _deviance(yy, yl, np.maximum(new_eta, _LOG_EPS), new_mu, pp)
        done = np.abs(dev - devold[active]) / (0.1 + np.abs(dev)) < _EPSILON
        keep = done | (step == _MAXIT - 1)
        rows = active[keep]
        out["level"][rows] = level[keep]
        out["mu"][rows] = new_mu[keep]
        out["working"][rows] = w[keep]
        out["total"][rows] = total[keep]
        out["converged"][rows] = done[keep]
        if trend:
            out["slope"][rows] = slope[keep]
            out["centre"][rows] = centre[keep]
            out["spread"][rows] = spread[keep]
        going = ~keep
        if active.size == m:
            mu, eta, devold = mu.copy(), eta.copy(), devold.copy()
        active = active[going]
        mu[active], eta[active], devold[active] = new_mu[going], new_eta[going], dev[going]
        if not active.size:
            break
    rank = g + int(trend)
    return _Fit(**out, df=(prior > 0).sum(axis=-1) - rank)


def _reweighted(
    y: np.ndarray, valid: np.ndarray, d: _Design, first: _Fit, *, trend: bool, threshold: float
) -> tuple[_Fit, np.ndarray, np.ndarray]:
    """Farrington's reweighting: down-weight reference values whose scaled
    Anscombe residual exceeds ``threshold`` (weight ∝ s⁻², scaled so the
    weights sum to the number of values) and fit again. Returns the new fit,
    its φ = max(dispersion, 1) and the weights."""
    phi = np.maximum(first.pearson(y), 1)
    mu = first.mu
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(mu)
        s = 1.5 * (np.cbrt(y) ** 2 / np.cbrt(root) - root) / np.sqrt(phi[:, None] * (1 - first.hat(d)))
        big = valid & (s > threshold)
        gamma = valid.sum(axis=-1) / np.where(big, s**-2.0, np.where(valid, 1.0, 0.0)).sum(axis=-1)
        omega = np.where(big, s**-2.0, 1.0) * gamma[:, None]
    omega = np.where(valid, omega, 0.0)
    fit = _glm(y, omega, d, trend=trend)
    return fit, np.maximum(fit.pearson(y), 1), omega


@dataclass(frozen=True)
class _Model:
    """The chosen model at every judged time point (flattened over series
    and time points)."""

    eta: np.ndarray  # linear predictor at t
    variance: np.ndarray  # x₀ᵀ(XᵀWX)⁻¹x₀
    phi: np.ndarray  # max(dispersion, 1), the φ of the bound
    raw: np.ndarray  # the dispersion R's predict uses in farringtonFlexible
    trend: np.ndarray  # bool
    ok: np.ndarray  # bool: a model exists (farringtonFlexible gives NA otherwise)


def _choose(
    y: np.ndarray,
    valid: np.ndarray,
    d: _Design,
    *,
    trend: bool,
    reweight: bool,
    threshold: float,
    p_trend: float,
    b: int,
    weights_for_test: str,
    need_convergence: bool,
) -> _Model:
    """Fit with trend; keep it only if it is significant (p < ``p_trend``),
    b ≥ 3 and the prediction at t does not exceed the largest reference
    value; otherwise fit without. ``weights_for_test``: "working" (R's
    algo.farrington: ``summary.glm`` of the glm.fit result) or "prior"
    (farringtonFlexible, which overwrites the model's working weights with
    the reweighting weights, so its trend test and its prediction variance
    use Σ ω·r²/df, not the φ of the bound)."""
    m = y.shape[0]

    def final(rows: np.ndarray, first: _Fit, with_trend: bool) -> tuple[_Fit, np.ndarray, np.ndarray]:
        if not reweight:
            return first, np.maximum(first.pearson(y[rows]), 1), first.pearson(y[rows])
        fit, phi, omega = _reweighted(y[rows], valid[rows], d, first, trend=with_trend, threshold=threshold)
        raw = fit.pearson(y[rows], omega if weights_for_test == "prior" else None)
        return fit, phi, raw

    eta, variance = np.full(m, np.nan), np.full(m, np.nan)
    phi, raw = np.full(m, np.nan), np.full(m, np.nan)
    kept, ok = np.zeros(m, dtype=bool), np.zeros(m, dtype=bool)

    without = np.arange(m)
    if trend:
        rows = np.arange(m)
        first = _glm(y, valid.astype(float), d, trend=True)
        conv = first.converged
        rows = rows[conv]
        first = _subset(first, conv)
        fit, f_phi, f_raw = final(rows, first, True)
        e0, v0 = fit.at_t(d)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_value = fit.slope / np.sqrt(f_raw / fit.spread)
        p = 2 * stats.t.sf(np.abs(t_value), fit.df)
        largest = np.where(valid[rows], y[rows], -np.inf).max(axis=-1)
        keep = (b >= 3) & (p < p_trend) & (np.maximum(np.exp(e0), _EPS) <= largest)
        r = rows[keep]
        eta[r], variance[r], phi[r], raw[r] = e0[keep], v0[keep], f_phi[keep], f_raw[keep]
        kept[r], ok[r] = True, True
        without = np.setdiff1d(np.arange(m), r)
    rows = without
    first = _glm(y[rows], valid[rows].astype(float), d, trend=False)
    fit, f_phi, f_raw = final(rows, first, False)
    e0, v0 = fit.at_t(d)
    eta[rows], variance[rows], phi[rows], raw[rows] = e0, v0, f_phi, f_raw
    ok[rows] = first.converged if need_convergence else True
    return _Model(eta, variance, phi, raw, kept, ok)


def _subset(fit: _Fit, rows: np.ndarray) -> _Fit:
    return _Fit(**{k: v[rows] for k, v in fit.__dict__.items()})


# ------------------------------------------------------------ thresholds


def _delta_bound(mu0, var_mu0, phi, *, z: float, powertrans: str, observed):
    """Farrington's bound: a normal interval for μ₀ on a power scale that
    makes the count roughly symmetric, with τ = φ + Var(μ̂₀)/μ₀. Returns
    the upper end and the upper tail probability of the observed count."""
    tau = phi + var_mu0 / mu0
    if powertrans == "none":
        se, power = np.sqrt(mu0 * tau), 1.0
    elif powertrans == "1/2":
        se, power = np.sqrt(tau / 4), 0.5
    elif powertrans == "2/3":
        se, power = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau), 2 / 3
    else:
        raise ValueError(f"unknown powertrans {powertrans!r}")
    with np.errstate(invalid="ignore"):
        ends = [(mu0**power + sign * z * se) ** (1 / power) for sign in (-1, 1)]
    upper = np.fmax(*ends)  # R sorts the two ends, NaN (a negative base) first
    pvalue = stats.norm.sf(observed**power, loc=mu0**power, scale=se)
    return upper, pvalue


def _poisson_quantile(q: float, mu: np.ndarray) -> np.ndarray:
    """R's ``qpois`` (with its 1 − 64ε fuzz, as ``nbinom_quantile``)."""
    fuzzed = q * (1 - 64 * _EPS)
    x = stats.poisson.ppf(fuzzed, mu)
    x = np.where(stats.poisson.cdf(x - 1, mu) >= fuzzed, x - 1, x)
    return np.where(stats.poisson.cdf(x, mu) < fuzzed, x + 1, x)


def _nb_bound(mu0, phi, *, alpha: float, observed):
    """Noufaily's bound: the (1 − alpha) quantile of a negative binomial with
    mean ``mu0`` and variance φ·μ₀ (Poisson when φ = 1)."""
    over = phi > 1
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(over, mu0 / (phi - 1), 1.0)
    upper = np.where(
        over,
        nbinom_quantile(1 - alpha, size, np.where(over, 1 / phi, 0.5)),
        _poisson_quantile(1 - alpha, mu0),
    )
    pvalue = np.where(
        over,
        stats.nbinom.sf(observed - 1, size, np.where(over, 1 / phi, 0.5)),
        stats.poisson.sf(observed - 1, mu0),
    )
    finite = np.isfinite(mu0)
    return np.where(finite, upper, np.nan), np.where(finite, pvalue, np.nan)


def _enough_cases(y: np.ndarray, times: np.ndarray, limit54: tuple[float, int]) -> np.ndarray:
    """Farrington's rule that fewer than ``limit54[0]`` cases in the last
    ``limit54[1]`` time points (t included) never alarm."""
    cases, span = limit54
    if not (cases >= 0 and span > 0):
        raise ValueError("limit54 needs cases >= 0 and a period > 0")
    csum = np.concatenate([np.zeros((*y.shape[:-1], 1)), np.cumsum(y, axis=-1)], axis=-1)
    lo = np.maximum(times - span + 1, 0)
    return csum[..., times + 1] - csum[..., lo] >= cases


def _score(observed, expected, upper):
    """(observed − expected)/(bound − expected): R's score for the delta
    method, 1 at the bound; NaN where the bound does not exceed the expected
    value (a degenerate negative binomial quantile)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(upper > expected, (observed - expected) / (upper - expected), np.nan)


def _flat(y: np.ndarray, times: np.ndarray, d: _Design) -> tuple[np.ndarray, np.ndarray]:
    """Reference values (series × times, n), NaN-free, and which exist."""
    index = times[:, None] - d.lags[None, :]
    inside = index >= 0
    ref = y[..., np.where(inside, index, 0)]
    valid = inside & ~np.isnan(ref)
    ref = np.where(valid, ref, 0.0)
    return ref.reshape(-1, len(d.lags)), valid.reshape(-1, len(d.lags))


def _batches(total: int, n: int, budget: int = 1_000_000):
    """Row slices so that one (rows, n) array stays near ``budget`` values."""
    step = max(1, budget // max(n, 1))
    for lo in range(0, total, step):
        yield slice(lo, min(total, lo + step))


def _fit_all(y2: np.ndarray, times: np.ndarray, years: np.ndarray, design, **options) -> _Model:
    """Fit every series at every time point; time points whose reference
    years lie at the same lags (all of them, without dates) share a design
    built by ``design(lags of the b years)``."""
    fields = _Model.__dataclass_fields__
    out = {
        f: np.empty((y2.shape[0], len(times)), dtype=bool if f in ("trend", "ok") else float) for f in fields
    }
    kinds, which = np.unique(years, axis=0, return_inverse=True)
    for kind, lags in enumerate(kinds):
        at = np.flatnonzero(which.reshape(-1) == kind)
        d = design(lags)
        ref, valid = _flat(y2, times[at], d)
        parts = [_choose(ref[s], valid[s], d, **options) for s in _batches(ref.shape[0], len(d.lags))]
        for f in fields:
            out[f][:, at] = np.concatenate([getattr(part, f) for part in parts]).reshape(y2.shape[0], len(at))
    return _Model(**{f: v.reshape(-1) for f, v in out.items()})


def _year_lags(times: np.ndarray, *, b: int, period: int, dates) -> np.ndarray:
    """How many time points back the same time of year lies, for each of
    the b past years (times × b). Without dates: i·period. With dates (one
    per time point, evenly spaced; weekly or daily), R's rule for series
    with ``epochAsDate``: the same calendar date i years earlier (29 Feb →
    1 Mar, as R's ``seq(by = "-1 year")``), moved for weekly data to the
    nearest day of the same weekday, so that a year back is 52 or 53 weeks."""
    if dates is None:
        return np.tile(np.arange(1, b + 1) * period, (len(times), 1))
    days = np.asarray(dates, dtype="datetime64[D]")
    step = {52: 7, 365: 1}.get(period)
    if step is None or len(days) < 2 or np.any(np.diff(days).astype(int) != step):
        raise ValueError(
            "dates are supported for weekly (period 52) or daily (period 365) series, evenly spaced"
        )
    out = np.empty((len(times), b), dtype=int)
    for row, t in enumerate(times):
        now = days[t].item()
        for i in range(1, b + 1):
            try:
                then = now.replace(year=now.year - i)
            except ValueError:  # 29 February
                then = now.replace(year=now.year - i, month=3, day=1)
            back = (now - then).days
            if step == 7:
                back = 7 * round(back / 7)  # the nearest same weekday (7 is odd: no ties)
            out[row, i - 1] = back // step
    return out


# -------------------------------------------------------- algo.farrington


def farrington(
    counts,
    *,
    start: int,
    b: int = 3,
    w: int = 3,
    period: int = 52,
    alpha: float = 0.01,
    reweight: bool = True,
    trend: bool = True,
    limit54: tuple[float, int] = (5, 4),
    powertrans: str = "2/3",
    dates=None,
) -> FarringtonDetection:
    """Farrington et al. (1996) as ``surveillance::algo.farrington``.

    Reference values: the 2w + 1 values around t − i·period, i = 1 … b
    (those before the series starts are left out, as R does with a
    warning). A quasi-Poisson GLM with a linear trend, reweighted once for
    outliers (Anscombe residuals above 1); the trend stays only if
    significant at 5 %, b ≥ 3 and the prediction at t is within the
    reference values, else the model is fitted again without it. The bound
    is the upper end of the two-sided (1 − alpha) interval
    (μ₀^⅔ ± z₁₋α/₂·σ)^{3/2}, with φ = max(dispersion, 1) in both the
    prediction variance and τ.

    No alarm and a bound of 0 where fewer than ``limit54[0]`` cases fell in
    the last ``limit54[1]`` time points. ``expected`` is μ₀ and ``score``
    (observed − μ₀)/(bound − μ₀) everywhere (R: 0 where limit54 applies);
    alarm ⇔ score > 1 where limit54 allows. ``dates`` (one per time point)
    chooses the past years by calendar, as R does for a series with dates
    (see ``_year_lags``).

    b = 3 and alpha = 0.01 are epysurv's defaults; R's own are b = 5 and
    alpha = 0.05 (the other defaults are R's)."""
    if b < 1 or w < 0 or period < 2 * w + 1:
        raise ValueError("need b >= 1, w >= 0 and a period longer than the 2w + 1 window")
    y = _series(counts)
    if start < 0 or start >= y.shape[-1]:
        raise ValueError("start must be a time point of the series")
    times = np.arange(start, y.shape[-1])

    def design(years: np.ndarray) -> _Design:
        return _design({int(back) + j: 0 for back in years for j in range(-w, w + 1)}, 0)

    y2 = y.reshape(-1, y.shape[-1])
    years = _year_lags(times, b=b, period=period, dates=dates)
    model = _fit_all(
        y2, times, years, design, trend=trend, reweight=reweight, threshold=1.0, p_trend=0.05, b=b,
        weights_for_test="working", need_convergence=False,
    )  # fmt: skip
    shape = (*y.shape[:-1], len(times))
    mu0 = np.maximum(np.exp(model.eta), _EPS)
    observed = y[..., times].reshape(-1)
    upper, pvalue = _delta_bound(
        mu0, model.phi * model.variance * mu0**2, model.phi, z=stats.norm.ppf(1 - alpha / 2),
        powertrans=powertrans, observed=observed,
    )  # fmt: skip
    enough = _enough_cases(y, times, limit54).reshape(-1)
    score = _score(observed, mu0, upper)
    with np.errstate(invalid="ignore"):
        alarm = enough & ((observed - mu0) / (upper - mu0) > 1)
    return FarringtonDetection(
        expected=mu0.reshape(shape),
        upperbound=np.where(enough, upper, 0.0).reshape(shape),
        score=score.reshape(shape),
        alarm=alarm.reshape(shape),
        pvalue=pvalue.reshape(shape),
        trend=model.trend.reshape(shape),
        dispersion=model.phi.reshape(shape),
    )


# ------------------------------------------------------ farringtonFlexible

_FLEXIBLE_DEFAULTS = {  # R's control defaults of farringtonFlexible
    "b": 5,
    "w": 3,
    "reweight": True,
    "weights_threshold": 2.58,
    "alpha": 0.05,
    "trend": True,
    "p_threshold_trend": 0.05,
    "limit54": (5, 4),
    "powertrans": "2/3",
    "no_periods": 1,
    "past_weeks_not_included": None,  # R: w
    "threshold_method": "delta",
}
_VARIANTS = {
    # Farrington et al. 1996 as the surveillance documentation sets it up.
    "original": {
        "no_periods": 1,
        "weights_threshold": 1.0,
        "past_weeks_not_included": None,
        "p_threshold_trend": 0.05,
        "threshold_method": "delta",
    },
    # Noufaily et al. 2013: a 10-level seasonal factor over the whole past,
    # the last 26 weeks left out, outliers only beyond 2.58, the trend
    # always considered, a negative binomial plug-in threshold.
    "improved": {
        "no_periods": 10,
        "weights_threshold": 2.58,
        "past_weeks_not_included": 26,
        "p_threshold_trend": 1.0,
        "threshold_method": "nbPlugin",
    },
}


def farrington_flexible(
    counts,
    *,
    start: int,
    variant: str | None = None,
    period: int = 52,
    b: int | None = None,
    w: int | None = None,
    reweight: bool | None = None,
    weights_threshold: float | None = None,
    alpha: float | None = None,
    trend: bool | None = None,
    p_threshold_trend: float | None = None,
    past_weeks_not_included: int | None = None,
    no_periods: int | None = None,
    threshold_method: str | None = None,
    limit54: tuple[float, int] | None = None,
    powertrans: str | None = None,
    dates=None,
) -> FarringtonDetection:
    """``surveillance::farringtonFlexible``. Settings not given come from
    ``variant`` ("original" or "improved", see ``_VARIANTS``) and then from
    R's defaults (b 5, w 3, alpha 0.05, limit54 (5, 4), 2/3 power, …).

    Reference values: with ``no_periods`` = 1 the b windows of 2w + 1 around
    t − i·period; with more, every value from t − b·period − w on, the
    windows forming one level of a seasonal factor and the stretches between
    them split into no_periods − 1 further levels (R's ``blocks``). Values
    in the last ``past_weeks_not_included`` time points (and t) are left
    out. The trend test uses ``p_threshold_trend``; the bound is the
    one-sided delta-method bound (z₁₋α, unlike algo.farrington's z₁₋α/₂),
    or a negative binomial quantile around μ₀ (``nbPlugin``) or around the
    upper (1 − alpha) confidence limit of μ₀ (``muan``).

    R's detail kept: after reweighting, the model's working weights are
    overwritten with the reweighting weights ω, so the trend's p-value and
    the prediction variance use the dispersion Σ ω·r²/df (r the working
    residual, not floored at 1), while τ and the negative binomial use
    φ = max(Pearson dispersion, 1).

    Where fewer than limit54 cases fell, the bound is NaN and there is no
    alarm (R's NA); an observed 0 never alarms; where the fits without trend
    do not converge R gives no result: NaN and no alarm. ``expected`` is μ₀
    and ``score`` (observed − μ₀)/(bound − μ₀) on the count scale (R's own
    score uses log μ₀ in place of μ₀ with the negative binomial). ``dates``
    (one per time point) chooses the past years by calendar, as R does for
    a series with dates (see ``_year_lags``)."""
    if variant is not None and variant not in _VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    given = {
        "b": b, "w": w, "reweight": reweight, "weights_threshold": weights_threshold, "alpha": alpha,
        "trend": trend, "p_threshold_trend": p_threshold_trend, "limit54": limit54,
        "powertrans": powertrans, "no_periods": no_periods,
        "past_weeks_not_included": past_weeks_not_included, "threshold_method": threshold_method,
    }  # fmt: skip
    o = {**_FLEXIBLE_DEFAULTS, **_VARIANTS.get(variant or "", {})}
    o.update({k: v for k, v in given.items() if v is not None})
    b, w, p = o["b"], o["w"], o["no_periods"]
    excluded = w if o["past_weeks_not_included"] is None else o["past_weeks_not_included"]
    if o["threshold_method"] not in ("delta", "nbPlugin", "muan"):
        raise ValueError(f"unknown threshold_method {o['threshold_method']!r}")
    if b < 1 or w < 0 or p < 1:
        raise ValueError("need b >= 1, w >= 0 and no_periods >= 1")
    y = _series(counts)
    if start < 0 or start >= y.shape[-1]:
        raise ValueError("start must be a time point of the series")
    times = np.arange(start, y.shape[-1])

    years = _year_lags(times, b=b, period=period, dates=dates)
    if np.any(times - years[:, -1] - w < 0):
        raise ValueError("the series is too short before the first time point judged")
    if np.any(np.diff(np.c_[np.zeros(len(times)), years]) - 2 * w - 1 < max(p - 1, 0)):
        raise ValueError("no room between the windows for no_periods - 1 groups")

    def design(years: np.ndarray) -> _Design:
        # R's blocks(), as lags from t: the windows are level p; the stretch
        # after each window is cut into p − 1 blocks, the first ones one longer.
        labels: dict[int, int] = {j: p for j in range(w + 1)}
        newer = 0
        for back in years:
            back = int(back)
            labels.update({back + j: p for j in range(-w, w + 1)})
            gap = back - newer - 2 * w - 1
            if p > 1:
                lengths = [gap // (p - 1) + (k < gap % (p - 1)) for k in range(p - 1)]
                first = back - w - 1  # the lag just after this window
                for level, (lo, n) in enumerate(zip(np.cumsum([0, *lengths[:-1]]), lengths, strict=True), 1):
                    labels.update({first - int(lo) - j: level for j in range(n)})
            newer = back
        return _design({lag: level for lag, level in labels.items() if lag > excluded}, p)

    y2 = y.reshape(-1, y.shape[-1])
    model = _fit_all(
        y2, times, years, design, trend=o["trend"], reweight=o["reweight"], threshold=o["weights_threshold"],
        p_trend=o["p_threshold_trend"], b=b, weights_for_test="prior", need_convergence=True,
    )  # fmt: skip
    shape = (*y.shape[:-1], len(times))
    mu0 = np.maximum(np.exp(model.eta), _EPS)
    observed = y[..., times].reshape(-1)
    alpha = o["alpha"]
    if o["threshold_method"] == "delta":
        upper, pvalue = _delta_bound(
            mu0, model.raw * model.variance * mu0**2, model.phi, z=stats.norm.ppf(1 - alpha),
            powertrans=o["powertrans"], observed=observed,
        )  # fmt: skip
    else:
        centre = mu0
        if o["threshold_method"] == "muan":
            with np.errstate(over="ignore"):
                centre = np.exp(stats.norm.ppf(1 - alpha, model.eta, np.sqrt(model.raw * model.variance)))
            centre = np.where(np.isinf(centre), np.nan, centre)
        upper, pvalue = _nb_bound(centre, model.phi, alpha=alpha, observed=observed)
    upper = np.where(model.ok, upper, np.nan)
    enough = _enough_cases(y, times, o["limit54"]).reshape(-1) & model.ok
    score = _score(observed, mu0, upper)
    fit_scale = mu0 if o["threshold_method"] == "delta" else model.eta  # R's quirk, for the alarm only
    with np.errstate(invalid="ignore", divide="ignore"):
        alarm = enough & ((observed - fit_scale) / (upper - fit_scale) > 1) & (observed != 0)
    return FarringtonDetection(
        expected=np.where(model.ok, mu0, np.nan).reshape(shape),
        upperbound=np.where(enough, upper, np.nan).reshape(shape),
        score=np.where(model.ok, score, np.nan).reshape(shape),
        alarm=alarm.reshape(shape),
        pvalue=np.where(model.ok, pvalue, np.nan).reshape(shape),
        trend=model.trend.reshape(shape),
        dispersion=model.phi.reshape(shape),
    )
