"""The negative-binomial GLM behind the early-warning engine's daily
forecast (``intel.forecast``), in numpy/scipy, no Django.

* ``fit_poisson_glm`` and ``fit_nb_glm`` are ``glm(family = poisson)`` and
  ``MASS::glm.nb`` for thousands of series sharing one design, stopping
  where R stops, so that the coefficients agree with R's.
* ``nb_glm`` is our own daily detector: a negative-binomial GLM with
  weekday and seasonal (Fourier) terms and a trend, refitted on a past
  window that stops ``guard`` days before the judged days, for thousands of
  series at once; its fit agrees with ``MASS::glm.nb``.

R's GLR charts and NB CUSUM, which lean on the same fits, are benchmark
baselines only: ``bench/glr_charts.py``.

As in ``intel.aberration``, ``nb_glm`` takes one series or many (rows of a
2-D array, computed together) and ``start``, the first time point judged
(0-based), and returns a detection for ``start … n − 1``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from intel.aberration import Detection, _series, nbinom_quantile

# R's glm.control() and theta.ml() defaults, so that our fits stop where R's do.
GLM_EPSILON = 1e-8
GLM_MAXIT = 25
THETA_EPSILON = np.finfo(float).eps ** 0.25
THETA_MAX = 1e6
WARM_EPSILON = 1e-6


@dataclass(frozen=True)
class GLMDetection(Detection):
    """A ``Detection`` with the upper-tail p-value P(Y ≥ observed) of each
    judged count under the fitted model — the input of multiplicity
    control across many series."""

    pvalue: np.ndarray
    size: np.ndarray  # the negative binomial's size θ behind each judged day (for sums over windows)


# ------------------------------------------------------------ GLM fitting


def _solve(lhs: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Batched normal equations. A sparse series whose weekday (or season)
    has no case at all drives that coefficient towards −∞, its weights to 0
    and its matrix to singular; rather than let that row stop the whole
    batch, the batch is solved again with a ridge of 1e-10 of each matrix's
    mean diagonal (only then, so that well-posed fits stay R's to the last
    digit)."""
    try:
        return np.linalg.solve(lhs, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        scale = np.trace(lhs, axis1=-2, axis2=-1)[..., None, None] / lhs.shape[-1]
        ridge = 1e-10 * np.maximum(scale, np.finfo(float).tiny) * np.eye(lhs.shape[-1])
        return np.linalg.solve(lhs + ridge, rhs[..., None])[..., 0]


def _poisson_deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    return 2 * (special.xlogy(y, y / mu) - (y - mu)).sum(axis=-1)


def _nb_deviance(y: np.ndarray, mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    th = theta[:, None]
    return 2 * (y * np.log(np.maximum(y, 1) / mu) - (y + th) * np.log((y + th) / (mu + th))).sum(axis=-1)


def _irls(
    y: np.ndarray,
    X: np.ndarray,
    *,
    eta: np.ndarray,
    theta: np.ndarray | None,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``glm.fit`` with a log link, for many responses ``y`` (rows)
    sharing one design ``X`` (time × p): Poisson when ``theta`` is None,
    else negative binomial with that size per row. Starts from ``eta`` and
    stops each row where R would (relative deviance change < epsilon), so
    that the coefficients match R's and not only the exact optimum.

    The weighted cross-products of all rows are one matrix product with
    the outer products of the design rows, which is what makes thousands of
    series per second possible; callers pass a well-scaled design because
    this solves the normal equations rather than R's QR."""
    rows, p = y.shape[0], X.shape[1]
    outer = (X[:, :, None] * X[:, None, :]).reshape(X.shape[0], p * p)
    eta = eta.copy()
    mu = np.exp(eta)
    beta = np.zeros((rows, p))

    def deviance(idx: np.ndarray, m: np.ndarray) -> np.ndarray:
        return _poisson_deviance(y[idx], m) if theta is None else _nb_deviance(y[idx], m, theta[idx])

    active = np.arange(rows)
    dev_old = deviance(active, mu)
    for _ in range(maxit):
        ya, mua = y[active], mu[active]
        w = mua if theta is None else mua / (1 + mua / theta[active, None])
        z = eta[active] + (ya - mua) / mua
        lhs = (w @ outer).reshape(-1, p, p)
        rhs = (w * z) @ X
        b = _solve(lhs, rhs)
        eta_a = b @ X.T
        mu_a = np.exp(eta_a)
        dev = deviance(active, mu_a)
        beta[active], eta[active], mu[active] = b, eta_a, mu_a
        converged = np.abs(dev - dev_old[active]) / (np.abs(dev) + 0.1) < epsilon
        dev_old[active] = dev
        active = active[~converged]
        if not active.size:
            break
    return beta, mu


class _CountSums:
    """Sums over the counts of each row that theta's likelihood needs —
    Σ ψ(θ + y) − ψ(θ), Σ ψ′(θ + y) − ψ′(θ), Σ lgamma(θ + y) − lgamma(θ) —
    written as Σ_j G_j f(θ + j) with G_j the number of counts above j.
    Counts are small integers, so this replaces millions of digamma calls
    by a few hundred divisions per row; large counts fall back to scipy."""

    def __init__(self, y: np.ndarray, *, largest: int = 400):
        self.y = y
        top = int(y.max(initial=0))
        self.exact = top > largest or np.any(y != np.round(y))
        if not self.exact:
            rows = y.shape[0]
            flat = (np.arange(rows)[:, None] * (top + 1) + y.astype(np.int64)).ravel()
            hist = np.bincount(flat, minlength=rows * (top + 1)).reshape(rows, top + 1)
            self.above = y.shape[1] - np.cumsum(hist, axis=1)[:, :top]  # G_j, j = 0 … top − 1
            self.j = np.arange(top, dtype=float)

    def take(self, idx: np.ndarray) -> _CountSums:
        sub = object.__new__(_CountSums)
        sub.y, sub.exact = self.y[idx], self.exact
        if not self.exact:
            sub.above, sub.j = self.above[idx], self.j
        return sub

    def digamma(self, th: np.ndarray) -> np.ndarray:
        if self.exact:
            return (special.digamma(th[:, None] + self.y) - special.digamma(th)[:, None]).sum(axis=1)
        return (self.above / (th[:, None] + self.j)).sum(axis=1)

    def trigamma(self, th: np.ndarray) -> np.ndarray:
        if self.exact:
            return (special.polygamma(1, th[:, None] + self.y) - special.polygamma(1, th)[:, None]).sum(
                axis=1
            )
        return -(self.above / (th[:, None] + self.j) ** 2).sum(axis=1)

    def lgamma(self, th: np.ndarray) -> np.ndarray:
        if self.exact:
            return (special.gammaln(th[:, None] + self.y) - special.gammaln(th)[:, None]).sum(axis=1)
        return (self.above * np.log(th[:, None] + self.j)).sum(axis=1)


def _theta_ml(
    sums: _CountSums, mu: np.ndarray, *, start: np.ndarray | None = None, limit: int = GLM_MAXIT
) -> np.ndarray:
    """``MASS::theta.ml``: Newton's method on the negative-binomial size θ
    for fixed means, from the moment estimate (or ``start``), row by row
    stopping where R stops (|step| ≤ ε^¼, at most limit − 1 steps)."""
    y = sums.y
    n = y.shape[1]
    t0 = n / ((y / mu - 1) ** 2).sum(axis=1) if start is None else start.astype(float).copy()
    active = np.arange(y.shape[0])
    for _ in range(limit - 1):
        th = np.abs(t0[active])
        ya, ma, sa = y[active], mu[active], sums.take(active)
        tm = th[:, None] + ma
        score = (
            sa.digamma(th)
            + n * (np.log(th) + 1)
            - np.log(tm).sum(axis=1)
            - ((ya + th[:, None]) / tm).sum(axis=1)
        )
        info = -sa.trigamma(th) - n / th + (2 / tm).sum(axis=1) - ((ya + th[:, None]) / tm**2).sum(axis=1)
        step = score / info
        t0[active] = th + step
        active = active[np.abs(step) > THETA_EPSILON]
        if not active.size:
            break
    return np.maximum(t0, 0.0)


def _nb_loglik(sums: _CountSums, mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    y, th = sums.y, theta[:, None]
    return (
        sums.lgamma(theta)
        - special.gammaln(y + 1).sum(axis=1)
        + (th * np.log(th) + y * np.log(mu + (y == 0)) - (th + y) * np.log(th + mu)).sum(axis=1)
    )


def fit_poisson_glm(y, X) -> tuple[np.ndarray, np.ndarray]:
    """Poisson log-linear regression of each row of ``y`` on the columns of
    ``X`` (time × p), as ``glm(family = poisson)``: coefficients (rows × p)
    and fitted means."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    return _irls(y, np.asarray(X, dtype=float), eta=np.log(y + 0.1), theta=None)


def fit_nb_glm(
    y,
    X,
    *,
    theta: float | np.ndarray | None = None,
    start: np.ndarray | None = None,
    theta_start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Negative-binomial log-linear regression of each row of ``y`` on
    ``X`` (time × p). Returns coefficients (rows × p), θ (the size, per
    row; variance μ + μ²/θ) and the fitted means.

    With ``theta`` given: ``glm(family = negative.binomial(theta))``.
    Without: ``MASS::glm.nb`` step for step — a Poisson fit, then
    alternately ``theta.ml`` on the current means and a refit with that θ,
    until the log-likelihood and θ settle (R's criterion). ``start`` /
    ``theta_start`` (coefficients and θ of a nearby fit, e.g. the previous
    window's; ``theta_start`` None = the moment estimate) switch to joint
    Newton iterations from there (``_fit_nb_warm``): the same optimum to
    ~1e-6, in far fewer iterations, but not MASS's exact stopping point."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    X = np.asarray(X, dtype=float)
    rows = y.shape[0]
    if theta is not None:
        th = np.broadcast_to(np.asarray(theta, dtype=float), (rows,)).copy()
        eta = np.log(y + (y == 0) / 6) if start is None else start @ X.T  # (R's negative.binomial start)
        beta, mu = _irls(y, X, eta=eta, theta=th)
        return beta, th, mu
    sums = _CountSums(y)
    if start is not None:
        return _fit_nb_warm(y, X, sums, np.array(start, dtype=float), theta_start)
    beta, mu = _irls(y, X, eta=np.log(y + 0.1), theta=None)
    th = _theta_ml(sums, mu)
    d1 = np.sqrt(2 * max(1, y.shape[1] - X.shape[1]))
    lm = _nb_loglik(sums, mu, th)
    lm0 = lm + 2 * d1
    delta = np.ones(rows)
    active = np.arange(rows)
    for _ in range(GLM_MAXIT):
        active = active[np.abs(lm0[active] - lm[active]) / d1 + np.abs(delta[active]) > GLM_EPSILON]
        if not active.size:
            break
        sa = sums.take(active)
        b, mu_new = _irls(y[active], X, eta=np.log(mu[active]), theta=th[active])
        t_old = th[active]
        # R estimates θ from the means *before* this refit (MASS's order), then moves on.
        t_new = _theta_ml(sa, mu[active])
        beta[active], mu[active], th[active] = b, mu_new, t_new
        delta[active] = t_old - t_new
        lm0[active] = lm[active]
        lm[active] = _nb_loglik(sa, mu_new, t_new)
    return beta, th, mu


def _fit_nb_warm(
    y: np.ndarray, X: np.ndarray, sums: _CountSums, beta: np.ndarray, theta: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same maximum-likelihood fit from a nearby solution: each
    iteration is one IRLS step for the coefficients and one Newton step for
    θ together (MASS alternates full fits, which from a good start mostly
    re-verifies convergence). Stops per row when the coefficients move less
    than 1e-8 and θ less than 1e-6 (relative)."""
    rows, n = y.shape
    p = X.shape[1]
    outer = (X[:, :, None] * X[:, None, :]).reshape(n, p * p)
    mu = np.exp(beta @ X.T)
    th = n / ((y / mu - 1) ** 2).sum(axis=1) if theta is None else np.array(theta, dtype=float)
    th = np.clip(np.nan_to_num(th, nan=THETA_MAX), 1e-6, THETA_MAX)
    active = np.arange(rows)
    sa, ya = sums, y
    for _ in range(4 * GLM_MAXIT):
        if sa.y.shape[0] != active.size:
            sa, ya = sums.take(active), y[active]
        ma, ta = mu[active], th[active]
        # θ: one Newton step of theta.ml's score at the current means (σ = 1/(μ + θ)).
        sigma = 1 / (ma + ta[:, None])
        yt = ya + ta[:, None]
        score = sa.digamma(ta) + n * (np.log(ta) + 1) + np.log(sigma).sum(axis=1) - (yt * sigma).sum(axis=1)
        info = -sa.trigamma(ta) - n / ta + 2 * sigma.sum(axis=1) - (yt * sigma**2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_new = ta + np.where(
                info > 0, score / info, np.sign(score) * ta
            )  # (not concave here: double/halve)
        t_new = np.clip(np.nan_to_num(t_new, nan=THETA_MAX), ta / 4, ta * 4).clip(1e-6, THETA_MAX)
        # β: one IRLS step with the new θ.
        w = ma / (1 + ma / t_new[:, None])
        z = np.log(ma) + (ya - ma) / ma
        b = _solve((w @ outer).reshape(-1, p, p), (w * z) @ X)
        moved = np.abs(b - beta[active]).max(axis=1) > 1e-8 * (1 + np.abs(b).max(axis=1))
        # (θ at its cap is the Poisson limit: there only the coefficients still count)
        moved |= (np.abs(t_new - ta) > WARM_EPSILON * ta) & (t_new < THETA_MAX)
        beta[active], th[active], mu[active] = b, t_new, np.exp(b @ X.T)
        active = active[moved]
        if not active.size:
            break
    return beta, th, mu


# ------------------------------------------------------ daily NB GLM detector


def nb_glm_design(
    days: int,
    *,
    period: int = 365,
    weekday: bool = True,
    first_weekday: int = 0,
    harmonics: int = 2,
    trend: bool = True,
) -> np.ndarray:
    """The design of ``nb_glm`` for days 0 … days − 1, columns in this order:
    intercept; trend = day / period (so its coefficient is the log growth
    per period, e.g. per year); six weekday indicators (weekday
    (first_weekday + day) mod 7 = 1 … 6, weekday 0 the reference); cos and
    sin(2πs·day/period) for s = 1 … harmonics."""
    t = np.arange(days, dtype=float)
    cols = [np.ones(days)]
    if trend:
        cols.append(t / period)
    if weekday:
        wd = (first_weekday + np.arange(days)) % 7
        cols += [(wd == d).astype(float) for d in range(1, 7)]
    for s in range(1, harmonics + 1):
        cols += [np.cos(2 * np.pi * s * t / period), np.sin(2 * np.pi * s * t / period)]
    return np.column_stack(cols)


def nb_glm(
    counts,
    *,
    start: int,
    period: int = 365,
    weekday: bool = True,
    first_weekday: int = 0,
    harmonics: int = 2,
    trend: bool = True,
    train_window: int | None = None,
    guard: int = 7,
    alpha: float = 0.01,
    refit_every: int = 28,
) -> GLMDetection:
    """A negative-binomial GLM detector for daily counts, many series at once.

    Every ``refit_every`` days from ``start`` the model of ``nb_glm_design``
    (weekday, ``harmonics`` seasonal pairs of ``period``, trend) is fitted
    by maximum likelihood (coefficients and θ, as ``MASS::glm.nb``) on the
    ``train_window`` days (None: all days) that end ``guard`` days before
    that refit day, and predicts the days up to the next refit. The guard
    keeps an outbreak's first days out of the baseline that judges them,
    so a step in the counts cannot raise its own expectation and hide.
    Each fit starts from the previous one, so refits cost a few iterations.

    For each judged day: ``expected`` = predicted mean μ; ``upperbound`` =
    the NB(μ, θ) (1 − alpha) quantile (R's ``qnbinom``); ``alarm`` =
    observed above it; ``pvalue`` = P(Y ≥ observed), the upper-tail
    probability (for multiplicity control across series); ``score`` =
    −log10(pvalue): larger means more evidence of excess, comparable
    across series, and monotone in the count for a given day, so
    thresholds can be tuned on it."""
    y = _series(counts)
    y2 = np.atleast_2d(y)
    rows, n = y2.shape
    if not 0 < start < n:
        raise ValueError("start must fall inside the series")
    if guard < 0 or refit_every < 1:
        raise ValueError("guard must be ≥ 0 and refit_every ≥ 1")
    design = nb_glm_design(
        n, period=period, weekday=weekday, first_weekday=first_weekday, harmonics=harmonics, trend=trend
    )
    p = design.shape[1]
    mu = np.empty((rows, n - start))
    size = np.empty((rows, n - start))
    beta = theta = None
    for refit in range(start, n, refit_every):
        end = refit - guard
        begin = 0 if train_window is None else end - train_window
        if begin < 0 or end - begin < 2 * p:
            raise ValueError("too little history before the first judged day for this window and guard")
        if beta is None:  # (a Poisson fit is a good enough start for the joint Newton iterations)
            beta, _ = fit_poisson_glm(y2[:, begin:end], design[begin:end])
        beta, theta, _ = fit_nb_glm(y2[:, begin:end], design[begin:end], start=beta, theta_start=theta)
        # Counts no more variable than Poisson drive θ to infinity (MASS warns and stops):
        # cap it, which is the Poisson model to any precision that matters here.
        theta = np.where(np.isfinite(theta) & (theta > 0), np.minimum(theta, THETA_MAX), THETA_MAX)
        days = slice(refit - start, min(refit + refit_every, n) - start)
        mu[:, days] = np.exp(beta @ design[refit : refit + refit_every].T)
        size[:, days] = theta[:, None]
    observed = y2[:, start:]
    prob = size / (size + mu)
    bound = nbinom_quantile(1 - alpha, size, prob)
    # P(Y ≥ y) = I_{1−p}(y, θ) (scipy's nbdtrc would truncate θ to an integer).
    pvalue = np.where(observed > 0, special.betainc(np.maximum(observed, 1), size, mu / (size + mu)), 1.0)
    with np.errstate(divide="ignore"):
        score = -np.log10(pvalue)
    parts = (mu, bound, score, observed > bound, pvalue, size)
    return GLMDetection(*(v[0] for v in parts)) if y.ndim == 1 else GLMDetection(*parts)


__all__ = ["GLMDetection", "fit_nb_glm", "fit_poisson_glm", "nb_glm", "nb_glm_design"]
