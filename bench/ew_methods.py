"""The detectors as the early-warning benchmark runs them (``Method``: a
score per judged day, or alarms for a parameter), the spatial scans, and
the tuning of every method to one false-alarm rate (``Runner``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from bench import glr_charts
from bench.ew_simulate import YEAR, SpatialDesign
from intel import aberration, farrington, forecast, glr, scan

# ================================================================== methods


@dataclass(frozen=True)
class Method:
    """A detector as the harness sees it. Most give a score per judged day
    and alarm where it exceeds a threshold (the threshold is what tuning
    sets): ``score(counts, start) -> (rows, judged days)``. Detectors
    whose alarms feed back into them (a CUSUM reset after an alarm) give
    instead ``alarm(counts, start, parameter)`` with fewer alarms as the
    parameter grows, tuned by bisection within ``bracket``. A stack alarms
    where any of its ``parts`` alarms; its parts are tuned to one common
    per-part rate, chosen so that the stack's own rate is the target."""

    name: str
    score: Callable[[np.ndarray, int], np.ndarray] | None = None
    alarm: Callable[[np.ndarray, int, float], np.ndarray] | None = None
    bracket: tuple[float, float] = (0.0, 20.0)
    parts: tuple[Method, ...] = ()
    history: int = 28  # days needed before the first judged one
    note: str = ""


# EARS's SD floor: with a history of seven zeros the SD is 0 and R's EARS
# alarms on any case, a false-alarm rate of several per cent at 0.3 cases
# a day that no threshold can bring down to the target. A floor of half a
# case keeps the method tunable and changes nothing where counts are larger.
EARS_MIN_SIGMA = 0.5


def _ears_score(method: str) -> Callable[[np.ndarray, int], np.ndarray]:
    def score(y: np.ndarray, start: int) -> np.ndarray:
        d = aberration.ears(y, start=start, method=method, min_sigma=EARS_MIN_SIGMA)
        if method == "C3":
            # C3 alarms where the C2 excesses of the two days before exceed z and a case was seen.
            observed = y[..., start:]
            return np.where((observed > 0) & np.isfinite(d.score), d.score, -np.inf)
        return np.where(np.isnan(d.score), -np.inf, d.score)

    return score


def _bayes_score(y: np.ndarray, start: int, w: int = 6) -> np.ndarray:
    """−log P(Y ≥ y) under the Bayes predictive negative binomial: an alarm
    at level alpha is exactly a score above −log alpha."""
    d = aberration.bayes(y, start=start, w=w)
    size = d.expected * w  # (Σ + ½), as expected = (Σ + ½)/w
    return -stats.nbinom.logsf(y[..., start:] - 1, size, w / (w + 1))


def _cusum_score(y: np.ndarray, start: int) -> np.ndarray:
    return np.nan_to_num(aberration.cusum(y, start=start).score, nan=-np.inf)


def _farrington_score(y: np.ndarray, start: int) -> np.ndarray:
    """−log p of the Farrington (1996) bound, daily: the same days one to
    three years back (b 3, w 3, period 365); −∞ where its 5-cases-in-4-days
    rule forbids an alarm. An alarm at level alpha is a p below alpha/2."""
    d = farrington.farrington(y, start=start, b=3, w=3, period=YEAR)
    allowed = d.upperbound > 0
    with np.errstate(divide="ignore"):
        return np.where(allowed, -np.log(d.pvalue), -np.inf)


def _window_score(y: np.ndarray, start: int) -> np.ndarray:
    """The platform's own method (``intel.forecast``, what the nightly run
    uses): the forecast refitted weekly with a one-week guard — the NB GLM
    with weekday terms (and yearly terms with two years of history) for
    series with a case a week, the Gamma–Poisson level otherwise — and the
    best of the last 1-, 3- and 7-day windows as −log10 p."""
    first = start - max(forecast.WINDOWS) + 1
    fc = forecast.forecast(y, first=first, guard=7, refit_every=7, seasonal=first >= 2 * YEAR)
    return forecast.window_test(y, fc, start=start).score


def _flexible_score(y: np.ndarray, start: int) -> np.ndarray:
    """Farrington-flexible with Noufaily's improvements, daily (b 3,
    period 365, the last half year left out as her 26 weeks)."""
    d = farrington.farrington_flexible(y, start=start, variant="improved", b=3, w=3, period=YEAR,
                                       past_weeks_not_included=182)  # fmt: skip
    allowed = np.isfinite(d.upperbound) & (y[..., start:] > 0)
    with np.errstate(divide="ignore"):
        return np.where(allowed, -np.log(d.pvalue), -np.inf)


_GLM_MEMO: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, float]] = {}


def glm_fit(y: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The NB GLM's score, expected counts and per-series dispersion α
    (one ``glm.nb`` fit on the two years before ``start``), remembered per
    data set: the stack's two parts and the GLR share one fit."""
    key = (id(y), start)
    if key not in _GLM_MEMO:
        d = glr.nb_glm(y, start=start, train_window=2 * YEAR)
        design = glr.nb_glm_design(start - 7)
        _, theta, _ = glr.fit_nb_glm(y[:, start - 7 - 2 * YEAR : start - 7], design[-2 * YEAR :])
        # (glrnb takes one α for all rows: the median, the series of a data set sharing their dispersion)
        _GLM_MEMO[key] = (d.score, d.expected, float(np.median(1 / theta)))
    return _GLM_MEMO[key]


def _nb_cusum_alarm(y: np.ndarray, start: int, h: float, shift: float = 1.5) -> np.ndarray:
    _, expected, alpha = glm_fit(y, start)
    return glr_charts.nb_cusum(y, start=start, shift=shift, h=h, mu0=expected, alpha=alpha).alarm


def _glrnb_alarm(y: np.ndarray, start: int, c: float) -> np.ndarray:
    _, expected, alpha = glm_fit(y, start)
    return glr_charts.glrnb(y, start=start, mu0=expected, alpha=alpha, c_arl=c, m_window=28).alarm


def methods(slow: bool = False) -> list[Method]:
    """Every temporal method compared, EARS first (the reference to beat).
    ``slow`` adds Farrington-flexible (improved) and GLR NB, which take
    minutes per few hundred daily series (a GLM over 3 years of days per
    judged day; a GLR over every change point in 4 weeks) — too slow for a
    default run."""
    glm = Method(
        "NB GLM",
        score=lambda y, s: glm_fit(y, s)[0],
        history=2 * YEAR + 7,
        note="weekday + 2 harmonics + trend, 2-year window, refit every 28 days",
    )
    cusum = Method(
        "NB CUSUM",
        alarm=_nb_cusum_alarm,
        bracket=(0.0, 30.0),
        history=2 * YEAR + 7,
        note="shift 1.5 on the NB GLM's expectation, reset after an alarm",
    )
    out = [
        Method("EARS C1", score=_ears_score("C1"), history=8, note=f"SD floor {EARS_MIN_SIGMA}"),
        Method("EARS C2", score=_ears_score("C2"), history=10, note=f"SD floor {EARS_MIN_SIGMA}"),
        Method("EARS C3", score=_ears_score("C3"), history=12, note=f"SD floor {EARS_MIN_SIGMA}"),
        Method("Bayes (w 6)", score=_bayes_score, history=7),
        Method(
            "CUSUM", score=_cusum_score, history=YEAR, note="R's algo.cusum: no reset, m = mean of history"
        ),
        Method("Farrington", score=_farrington_score, history=3 * YEAR + 3, note="b 3, w 3, period 365"),
        glm,
        cusum,
    ]
    if slow:
        out += [
            Method("Farrington flexible (improved)", score=_flexible_score, history=3 * YEAR + 3),
            Method("GLR NB", alarm=_glrnb_alarm, bracket=(0.0, 30.0), history=2 * YEAR + 7,
                   note="on the NB GLM's expectation, change points within 28 days, reset"),
        ]  # fmt: skip
    out.append(Method("NB GLM + NB CUSUM", parts=(glm, cusum), history=2 * YEAR + 7,
                      note="NB GLM or NB CUSUM, both parts at one common rate"))  # fmt: skip
    out.append(Method(DEFAULT_STACK, score=_window_score, history=2 * YEAR + 7,
                      note="intel.forecast: the nightly run's method — NB GLM / Gamma–Poisson level, "
                           "windows of 1, 3 and 7 days"))  # fmt: skip
    return out


EARS_NAMES = ("EARS C1", "EARS C2", "EARS C3")
DEFAULT_STACK = "default stack"


# ============================================================ spatial scans


def scan_scores(counts: np.ndarray, xy: np.ndarray, start: int, *, kind: str, design: SpatialDesign,
                max_k: int = 15) -> np.ndarray:  # fmt: skip
    """A daily prospective scan of one region from ``start``: each grid's
    score on day t is the LLR of the reported cluster (most likely and
    non-overlapping secondary ones) that contains it, 0 if none. Tuning
    sets a threshold on the LLR, which is what a p-value threshold on
    Monte Carlo replicates amounts to, without the replicates.

    ``permutation``: the space–time permutation scan over the last
    ``design.window`` days. ``expectation``: the expectation-based Poisson
    scan with, as baselines, each grid's mean over the window before the
    last week times the region's weekday pattern over the same days."""
    zones = scan.neighbourhoods(xy[:, 0], xy[:, 1], max_k=max_k)
    n, days = counts.shape
    out = np.zeros((n, days - start))
    w = design.window
    for t in range(start, days):
        window = counts[:, t - w + 1 : t + 1]
        if kind == "permutation":
            result = scan.permutation_scan(window, zones=zones, max_days=7, replicates=0, max_clusters=5)
        else:
            result = scan.expectation_scan(window, _trailing_baselines(window), zones=zones, max_days=7,
                                           replicates=0, max_clusters=5)  # fmt: skip
        for cluster in result.clusters:
            rows = list(cluster.locations)
            out[rows, t - start] = np.maximum(out[rows, t - start], cluster.llr)
    return out


def _trailing_baselines(window: np.ndarray, guard: int = 7) -> np.ndarray:
    """Each grid's mean over the window before the last ``guard`` days,
    times the weekday pattern of the region's totals there (floored at
    0.01, as the expectation scan asks)."""
    past = window[:, :-guard]
    n_days = window.shape[1]
    weekday_of = (np.arange(n_days) - (n_days - 1)) % 7  # relative weekday, today = 0
    totals = past.sum(axis=0)
    pattern = np.array([totals[weekday_of[:-guard] == d].mean() for d in range(7)])
    pattern = pattern / max(pattern.mean(), 1e-9)
    return np.maximum(past.mean(axis=1, keepdims=True) * pattern[weekday_of][None, :], 0.01)


def spatial_methods(design: SpatialDesign) -> list[Method]:
    """The scans (scores per grid from the whole region). Their ``score``
    takes ``(counts, start, xy)``."""
    return [
        Method(
            "permutation scan",
            score=lambda y, s, xy: scan_scores(y, xy, s, kind="permutation", design=design),
            history=design.window,
            note="space–time permutation, 56-day window",
        ),
        Method(
            "expectation scan",
            score=lambda y, s, xy: scan_scores(y, xy, s, kind="expectation", design=design),
            history=design.window,
            note="EB Poisson, trailing-mean baselines",
        ),
    ]


# =================================================================== tuning


def threshold_at(scores: np.ndarray, far: float) -> tuple[float, float]:
    """The threshold c and tie share p such that alarming where the score
    exceeds c, and on a share p of the days where it equals c, alarms on a
    fraction ``far`` of the days. Counts are discrete, so many scores tie
    (a run of zeros gives the same EARS score every time) and without the
    tie share the achievable rates jump; splitting ties is the randomised
    test of discrete statistics, and lets every method meet the same rate."""
    s = np.sort(np.nan_to_num(scores, nan=-np.inf), axis=None)[::-1]
    k = round(far * s.size)
    if k == 0:
        return math.inf, 0.0
    c = s[k - 1]
    above, tied = int((s > c).sum()), int((s == c).sum())
    return float(c), (k - above) / tied


class Runner:
    """Computes (and remembers) each method's scores on each data set, so
    that tuning, evaluation and the AMOC sweep share them."""

    def __init__(self, start: int):
        self.start = start
        self._scores: dict[tuple[str, int], np.ndarray] = {}
        self._uniforms: dict[tuple[int, ...], np.ndarray] = {}

    def _uniform(self, shape: tuple[int, ...]) -> np.ndarray:
        """Fixed uniform draws that split ties (the same for every method)."""
        if shape not in self._uniforms:
            self._uniforms[shape] = np.random.default_rng(shape).random(shape)
        return self._uniforms[shape]

    def scores(self, method: Method, key: int, counts: np.ndarray) -> np.ndarray:
        if (method.name, key) not in self._scores:
            self._scores[method.name, key] = method.score(counts, self.start)
        return self._scores[method.name, key]

    def alarms(self, method: Method, key: int, counts: np.ndarray, setting) -> np.ndarray:
        """Alarms for a tuned ``setting``: a threshold, a parameter, or
        (stacks) one setting per part."""
        if method.parts:
            return np.logical_or.reduce(
                [self.alarms(p, key, counts, s) for p, s in zip(method.parts, setting, strict=True)]
            )
        if method.score is not None:
            c, share = setting
            score = self.scores(method, key, counts)
            return (score > c) | ((score == c) & (self._uniform(score.shape) < share))
        return np.asarray(method.alarm(counts, self.start, setting), dtype=bool)

    def tune(self, method: Method, key: int, counts: np.ndarray, far: float):
        """The setting giving false-alarm rate ``far`` on outbreak-free ``counts``."""
        if method.parts:
            return self._tune_stack(method, key, counts, far)
        if method.score is not None:
            return threshold_at(self.scores(method, key, counts), far)
        lo, hi = method.bracket
        for _ in range(20):  # bisection: the rate falls as the parameter grows
            mid = (lo + hi) / 2
            if self.alarms(method, key, counts, mid).mean() > far:
                lo = mid
            else:
                hi = mid
        return hi

    def _tune_stack(self, method: Method, key: int, counts: np.ndarray, far: float):
        lo, hi = far / len(method.parts), far  # the stack's rate lies between a part's and the sum
        best = None
        for _ in range(14):
            mid = math.sqrt(lo * hi)
            setting = tuple(self.tune(p, key, counts, mid) for p in method.parts)
            rate = self.alarms(method, key, counts, setting).mean()
            if rate > far:
                hi = mid
            else:
                lo, best = mid, setting
        return best if best is not None else tuple(self.tune(p, key, counts, lo) for p in method.parts)
