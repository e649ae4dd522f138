"""The early-warning benchmark's speed part: the temporal detectors over many
daily series at once, against the same calls one series at a time."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable

import numpy as np

from bench import glr_charts
from bench.ew_simulate import YEAR
from changan import clock
from intel import aberration, farrington, forecast, glr

START = 365  # backfill: judge the last two years; the first is history
YEARS_BACK = 2  # Farrington's b on three years of days: two past years (b = 3 would need 1,098 days)
CHART_DAYS = 28  # the charts (CUSUMs, GLRs) restart four weeks back each night


def _nightly(y: np.ndarray) -> dict:
    """Each detector as the nightly run would call it: judging the last day
    of every series (the charts over their last four weeks)."""
    n = y.shape[1]
    last, chart = n - 1, n - CHART_DAYS
    flexible = {"b": YEARS_BACK, "w": 3, "period": YEAR}
    return {
        "EARS C1": lambda: aberration.ears(y, start=last, method="C1"),
        "EARS C2": lambda: aberration.ears(y, start=last, method="C2"),
        "EARS C3": lambda: aberration.ears(y, start=last, method="C3"),
        "Bayes (w 6)": lambda: aberration.bayes(y, start=last, w=6),
        "CUSUM": lambda: aberration.cusum(y, start=chart),
        "Farrington": lambda: farrington.farrington(y, start=last, b=YEARS_BACK, w=3, period=YEAR),
        "Farrington flexible (original)": lambda: farrington.farrington_flexible(
            y, start=last, variant="original", **flexible
        ),
        "Farrington flexible (improved)": lambda: farrington.farrington_flexible(
            y, start=last, variant="improved", past_weeks_not_included=182, **flexible
        ),
        "NB GLM": lambda: _nb_glm(y, chart),
        "series method (nightly run)": lambda: _series_method(y, last),
        "GLR Poisson": lambda: glr_charts.glrpois(y, start=chart, period=YEAR),
        "GLR NB": lambda: glr_charts.glrnb(y, start=chart, m_window=CHART_DAYS, **_in_control(y, chart)),
        "NB CUSUM": lambda: glr_charts.nb_cusum(y, start=chart, shift=1.5, **_in_control(y, chart)),
    }


def _series_method(y: np.ndarray, last: int):
    fc = forecast.forecast(y, first=last - max(forecast.WINDOWS) + 1, seasonal=True)
    return forecast.window_test(y, fc, start=last)


_GLM: list = [None, None]  # [the batch it was fitted on, the fit]


def _nb_glm(y: np.ndarray, chart: int) -> glr.GLMDetection:
    """The NB GLM over the charts' days (one fit, a guard before them), made
    once per batch: the detector itself, and the in-control mean of the NB
    charts — as the nightly run would share it."""
    if _GLM[0] is not y:  # (the batch itself is kept, so its id cannot be reused meanwhile)
        _GLM[:] = [y, glr.nb_glm(y, start=chart, refit_every=CHART_DAYS)]
    return _GLM[1]


def _in_control(y: np.ndarray, chart: int) -> dict:
    """The NB charts' in-control mean and one dispersion α for the batch
    (glrnb takes one: the median)."""
    d = _nb_glm(y, chart)
    return {"mu0": d.expected, "alpha": float(np.median(1 / d.size[:, -1]))}


def _backfill(y: np.ndarray) -> dict:
    """The fast detectors judging every day of the last two years (as
    filling in past days would)."""
    return {
        "EARS C1": lambda: aberration.ears(y, start=START, method="C1"),
        "EARS C2": lambda: aberration.ears(y, start=START, method="C2"),
        "EARS C3": lambda: aberration.ears(y, start=START, method="C3"),
        "Bayes (w 6)": lambda: aberration.bayes(y, start=START, w=6),
        "CUSUM": lambda: aberration.cusum(y, start=START),
    }


def series(n: int, days: int, seed: int = 2026) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    level = rng.uniform(0.2, 30, (n, 1))
    weekday = np.where(t % 7 >= 5, 0.6, 1.1)
    season = np.exp(rng.uniform(0, 0.6, (n, 1)) * np.cos(2 * np.pi * (t - rng.uniform(0, 365, (n, 1))) / 365))
    mu = level * weekday * season
    size = rng.uniform(1, 10, (n, 1))
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


def _timed(table: Callable[[np.ndarray], dict], y: np.ndarray, chunk: int) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for i in range(0, len(y), chunk):
        for name, detect in table(y[i : i + chunk]).items():
            started = time.perf_counter()
            detect()
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
    return seconds


def run(n: int, days: int, chunk: int, loop_sample: int) -> dict:
    y = series(n, days)
    nightly = _timed(_nightly, y, chunk)
    backfill = _timed(_backfill, y, chunk)
    # The baseline: the same calls one series at a time (as a loop over R's functions would run).
    loop = {k: v * n / loop_sample for k, v in _timed(_nightly, y[:loop_sample], 1).items()}
    return {"n": n, "days": days, "chunk": chunk, "loop_sample": loop_sample, "nightly": nightly,
            "backfill": backfill, "loop": loop}  # fmt: skip


def report(r: dict) -> str:
    total, total_loop = sum(r["nightly"].values()), sum(r["loop"].values())
    lines = [
        f"**Temporal detectors** — {r['n']:,} daily series × {r['days']:,} days (three years), "
        f"negative-binomial with weekday and yearly seasonality, rows in chunks of {r['chunk']:,}. "
        f"*Nightly*: every detector judges the last day of every series, as the nightly run does (the "
        f"CUSUMs and GLRs run their chart over the last {CHART_DAYS} days — the NB ones on the NB GLM's "
        f"expectation, fitted once per chunk and timed with the NB GLM; Farrington looks "
        f"{YEARS_BACK} years back). *One at a time*: the same calls series by series, measured on "
        f"{r['loop_sample']:,} series and scaled — the baseline. *Backfill*: judging every day of the last "
        f"two years, for the detectors cheap enough to do that.",
        "",
        "| detector | nightly, all series at once, s | one at a time, s | ratio | backfill of 730 days, s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, seconds in r["nightly"].items():
        loop = r["loop"][name]
        back = r["backfill"].get(name)
        lines.append(f"| {name} | {seconds:.2f} | {loop:.1f} | {loop / seconds:.1f}× | "
                     f"{'–' if back is None else f'{back:.1f}'} |")  # fmt: skip
    lines.append(f"| **all {len(r['nightly'])}** | **{total:.1f}** | {total_loop:.1f} | "
                 f"{total_loop / total:.1f}× | {sum(r['backfill'].values()):.1f} |")  # fmt: skip
    lines += ["", f"Measured on {clock.today()} · Python {platform.python_version()} · one process."]
    return "\n".join(lines)
