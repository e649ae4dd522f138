"""Our detectors against R ``surveillance`` itself on many generated series:
seasonal negative-binomial weekly counts (5 years; means 0.5–40, yearly
amplitude, over-dispersion, a few injected outbreaks), several parameter
sets per method. Alarms must be identical and bounds equal to 1e-9.

Needs R with the package (Debian: ``apt-get install r-cran-surveillance``,
which ``.ci/run`` installs); skipped where R is missing, except in CI."""

import numpy as np
import pytest

from intel import aberration
from intel.tests.rscript import bounds_and_alarms, require_r, rscript, write_inputs

SERIES, WEEKS, START = 40, 260, 156  # judge the last two years

# id, method, a, b, c (see r/detectors.R)
CONFIGS = [
    ("c1", "C1", 7, 0.001, 0.0),
    ("c1w", "C1", 10, 0.05, 0.5),
    ("c2", "C2", 7, 0.05, 0.0),
    ("c3", "C3", 7, 0.05, 0.0),
    ("c3w", "C3", 12, 0.025, 1.0),
    ("bayes", "bayes", 6, 0, 0.05),
    ("bayes1", "bayes", 4, 1, 0.01),
    ("cusum", "cusum", 1.04, 2.26, 0),
    ("cusum2", "cusum", 0.5, 4.0, 0),
]


def ours(y: np.ndarray, method: str, a, b, c) -> aberration.Detection:
    if method in ("C1", "C2", "C3"):
        return aberration.ears(y, start=START, method=method, baseline=int(a), alpha=b, min_sigma=c)
    if method == "bayes":
        return aberration.bayes(y, start=START, w=int(a), b=int(b), alpha=c, period=52)
    return aberration.cusum(y, start=START, k=a, h=b)


def generated(rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    t = np.arange(WEEKS)
    for _ in range(SERIES):
        mean = rng.uniform(0.5, 40)
        season = np.exp(rng.uniform(0, 0.8) * np.cos(2 * np.pi * (t - rng.uniform(0, 52)) / 52))
        mu = mean * season / season.mean()
        size = rng.uniform(0.8, 20)  # over-dispersion
        y = rng.negative_binomial(size, size / (size + mu)).astype(float)
        for _ in range(rng.integers(0, 4)):  # outbreaks
            at = rng.integers(START, WEEKS - 3)
            y[at : at + 3] += rng.poisson(3 * np.sqrt(mu[at]) + 1, 3)
        out.append(y)
    return out


@pytest.fixture(scope="module")
def r_reference(tmp_path_factory):
    require_r()
    series = generated(np.random.default_rng(2026))
    folder = tmp_path_factory.mktemp("r")
    rows = [(i, m, START + 1, a, b, c) for i, m, a, b, c in CONFIGS]
    inputs = write_inputs(folder, series, ["id", "method", "start", "a", "b", "c"], rows)
    rscript("detectors.R", *inputs, folder / "out.csv", timeout=600)
    return series, bounds_and_alarms(folder / "out.csv")


@pytest.mark.parametrize("config", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_alarm_for_alarm_and_bound_for_bound(r_reference, config):
    series, reference = r_reference
    name, method, a, b, c = config
    alarms_seen = 0
    for s, y in enumerate(series):
        bounds, alarms = reference[(s, name)]
        detection = ours(y, method, a, b, c)
        assert detection.alarm.tolist() == alarms, f"series {s}: alarms differ"
        assert np.allclose(detection.upperbound, bounds, rtol=1e-9, atol=1e-9, equal_nan=True), f"series {s}"
        alarms_seen += sum(alarms)
    assert alarms_seen > 0  # the comparison covers alarms, not only quiet weeks
