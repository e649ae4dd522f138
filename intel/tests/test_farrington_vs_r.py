"""The Farrington detectors against R ``surveillance`` itself on generated
series: 30 seasonal negative-binomial weekly series of 264 weeks (five years
and a month; a third of them with means below 1, so mostly zeros, and a few
injected outbreaks), judging the last 104 weeks, under several parameter
sets of ``algo.farrington`` and ``farringtonFlexible`` (some with R's
calendar-based choice of past years, ``epochAsDate``); and three daily
series (period 365) over 29 February 2016. Alarms must be
identical and bounds equal to 1e-9 relative. The fits stop at the IRLS
step where R's stop, so only rounding differs (our closed-form
least-squares steps on time centred at t against R's pivoted QR on absolute
time): the largest difference seen is about 1e-14. The negative binomial
bounds are integers and come out equal.

Needs R with the package (Debian: ``apt-get install r-cran-surveillance``);
skipped where R is missing, except in CI."""

from pathlib import Path

import numpy as np
import pytest

from intel import farrington
from intel.tests.rscript import bounds_and_alarms, require_r, rscript, write_inputs

SERIES, WEEKS, START = 12, 264, 160  # judge the last two years; b = 3 needs 3·52 + 3 weeks before

# id, method, options: (b, w, alpha, reweight, weightsThreshold, pThresholdTrend,
# pastWeeksNotIncluded, noPeriods, thresholdMethod, powertrans, limit54, trend, dates)
BASE = dict(b=3, w=3, alpha=0.05, reweight=True, weights_threshold=2.58, p_threshold_trend=0.05,
            past_weeks_not_included=3, no_periods=1, threshold_method="delta", powertrans="2/3",
            limit54=(5, 4), trend=True, dates=False)  # fmt: skip
CONFIGS = [
    ("far_r_defaults", "farrington", dict(b=5, alpha=0.05)),  # R's own: part of the past is missing
    ("far_epysurv", "farrington", dict(b=3, alpha=0.01)),
    ("far_b2", "farrington", dict(b=2, alpha=0.05)),
    ("far_plain", "farrington", dict(b=3, alpha=0.05, reweight=False, powertrans="1/2", limit54=(0, 4))),
    ("flex_original", "flexible", dict(weights_threshold=1.0)),
    (
        "flex_improved",
        "flexible",
        dict(no_periods=10, past_weeks_not_included=26, p_threshold_trend=1.0, threshold_method="nbPlugin"),
    ),
    ("flex_none", "flexible", dict(alpha=0.01, powertrans="none", past_weeks_not_included=26)),
    (
        "flex_muan",
        "flexible",
        dict(
            no_periods=4, reweight=False, past_weeks_not_included=8, threshold_method="muan", limit54=(0, 4)
        ),
    ),
    (
        "flex_improved_dates",
        "flexible",
        dict(
            no_periods=10,
            past_weeks_not_included=26,
            p_threshold_trend=1.0,
            threshold_method="nbPlugin",
            dates=True,
        ),
    ),
]


def settings(options: dict) -> dict:
    return {**BASE, **options}


# Daily series (period 365) over 29 February: by calendar (R's epochAsDate) and by index.
DAILY_FROM, DAILY_DAYS, DAILY_START = np.datetime64("2012-06-01"), 1400, 1354  # judge 2016-02-15 …
DAILY_CONFIGS = [
    ("day_far_dates", "farrington", dict(period=365, dates=True)),
    ("day_improved_dates", "flexible", dict(CONFIGS[5][2], period=365, dates=True)),
    ("day_original", "flexible", dict(period=365, weights_threshold=1.0)),
]


def ours(y: np.ndarray, method: str, options: dict, start: int = START) -> farrington.FarringtonDetection:
    o = settings(options)
    period = o.pop("period", 52)
    first, step = (np.datetime64("2015-01-05"), 7) if period == 52 else (DAILY_FROM, 1)
    dates = first + step * np.arange(y.shape[-1]) if o.pop("dates") else None
    if method == "farrington":
        return farrington.farrington(
            y, start=start, b=o["b"], w=o["w"], alpha=o["alpha"], reweight=o["reweight"], trend=o["trend"],
            limit54=o["limit54"], powertrans=o["powertrans"], dates=dates, period=period,
        )  # fmt: skip
    return farrington.farrington_flexible(y, start=start, dates=dates, period=period, **o)


def generated(rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    t = np.arange(WEEKS)
    for s in range(SERIES):
        mean = rng.uniform(0.05, 0.9) if s % 3 == 0 else rng.uniform(1, 40)
        season = np.exp(rng.uniform(0, 1.0) * np.cos(2 * np.pi * (t - rng.uniform(0, 52)) / 52))
        trend = np.exp(rng.uniform(-0.3, 0.3) * t / WEEKS) if s % 4 == 1 else 1.0
        mu = mean * season * trend / season.mean()
        size = rng.uniform(0.5, 20)  # over-dispersion
        y = rng.negative_binomial(size, size / (size + mu)).astype(float)
        for _ in range(rng.integers(0, 4)):  # outbreaks
            at = rng.integers(START, WEEKS - 3)
            y[at : at + 3] += rng.poisson(3 * np.sqrt(mu[at]) + 2, 3)
        out.append(y)
    return out


def generated_daily(rng: np.random.Generator) -> list[np.ndarray]:
    t = np.arange(DAILY_DAYS)
    out = []
    for mean in (0.4, 3.0, 12.0):
        mu = mean * np.exp(0.7 * np.cos(2 * np.pi * (t - rng.uniform(0, 365)) / 365.25))
        y = rng.negative_binomial(3, 3 / (3 + mu)).astype(float)
        y[DAILY_START + 20 : DAILY_START + 24] += rng.poisson(3 * np.sqrt(mean) + 2, 4)  # an outbreak
        out.append(y)
    return out


def run_r(folder: Path, series: list[np.ndarray], configs: list, start: int) -> dict:
    """R's upper bounds and alarms per (series, config id)."""
    require_r()
    header = ["id", "method", "start", "b", "w", "alpha", "reweight", "weightsThreshold", "pThresholdTrend",
              "pastWeeksNotIncluded", "noPeriods", "thresholdMethod", "powertrans", "limitCases",
              "limitPeriod", "trend", "dates", "period"]  # fmt: skip
    rows = []
    for name, method, options in configs:
        o = settings(options)
        rows.append([name, method, start + 1, o["b"], o["w"], o["alpha"], str(o["reweight"]).upper(),
                     o["weights_threshold"], o["p_threshold_trend"], o["past_weeks_not_included"],
                     o["no_periods"], o["threshold_method"], o["powertrans"], *o["limit54"],
                     str(o["trend"]).upper(), int(o["dates"]), o.get("period", 52)])  # fmt: skip
    inputs = write_inputs(folder, series, header, rows)
    rscript("farrington.R", *inputs, folder / "out.csv")
    return bounds_and_alarms(folder / "out.csv")


@pytest.fixture(scope="module")
def r_reference(tmp_path_factory):
    series = generated(np.random.default_rng(8))
    return series, run_r(tmp_path_factory.mktemp("r"), series, CONFIGS, START)


@pytest.fixture(scope="module")
def r_daily(tmp_path_factory):
    series = generated_daily(np.random.default_rng(29))
    return series, run_r(tmp_path_factory.mktemp("r_daily"), series, DAILY_CONFIGS, DAILY_START)


def assert_same(series: list[np.ndarray], reference: dict, config: tuple, start: int) -> None:
    name, method, options = config
    alarms_seen = 0
    for s, y in enumerate(series):
        bounds, alarms = reference[(s, name)]
        detection = ours(y, method, options, start)
        assert detection.alarm.tolist() == alarms, f"series {s}: alarms differ"
        assert np.allclose(detection.upperbound, bounds, rtol=1e-9, atol=1e-12, equal_nan=True), f"series {s}"
        alarms_seen += sum(alarms)
    assert alarms_seen > 0  # the comparison covers alarms, not only quiet weeks


@pytest.mark.parametrize("config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_alarm_for_alarm_and_bound_for_bound(r_reference, config):
    assert_same(*r_reference, config, START)


@pytest.mark.parametrize("config", DAILY_CONFIGS, ids=[c[0] for c in DAILY_CONFIGS])
def test_daily_series_by_calendar_and_by_index(r_daily, config):
    assert_same(*r_daily, config, DAILY_START)


def test_many_series_at_once_equal_one_by_one():
    """The batch over rows gives each series the answer it gets alone (no R needed)."""
    y = np.array(generated(np.random.default_rng(8))[:6])
    for method, options in (("farrington", {}), ("flexible", CONFIGS[5][2]), ("flexible", CONFIGS[-1][2])):
        together = ours(y, method, options)
        for s in range(len(y)):
            alone = ours(y[s], method, options)
            assert together.alarm[s].tolist() == alone.alarm.tolist()
            assert np.allclose(together.upperbound[s], alone.upperbound, rtol=1e-12, equal_nan=True)
