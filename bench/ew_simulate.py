"""The early-warning benchmark's data (``bench/early_warning.py``): simulated
daily baselines, injected outbreaks (spikes, ramps, steps), regions of grids
with a spatial cluster, and the demo city's series derived from its
generator."""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from regions.gridgen import rng_for

ROOT = Path(__file__).resolve().parent.parent
YEAR = 365
DEMO_CITY_JSON = Path(__file__).resolve().parent / "data" / "demo_city_series.json"

# ================================================================= baselines


@dataclass(frozen=True)
class Baseline:
    """A family of simulated daily series. The mean of day t is
    ``level · (1 + trend)^((t − last)/365) · exp(season·cos(2π(t − φ)/365)) / I₀(season) · weekday[t mod 7]``
    — so ``level`` is today's average (the seasonal factor averages 1 over a
    year, the weekday factors are scaled to average 1) and φ is drawn per
    series. Counts are negative-binomial with that mean and ``size``
    (variance μ + μ²/size; ``math.inf`` for Poisson)."""

    name: str
    level: float = 1.0
    size: float = math.inf
    trend: float = 0.0  # relative change per year
    season: float = 0.0  # amplitude of the log-mean's yearly cosine
    weekday: tuple[float, ...] = (1.0,) * 7  # day 0 is a Monday
    levels: tuple[float, ...] = ()  # if given, each series' level is drawn from these
    note: str = ""


WORKWEEK = (1.12, 1.1, 1.08, 1.1, 1.05, 0.8, 0.75)  # hotline-like: quieter weekends


def designed_baselines() -> list[Baseline]:
    """Designed parameter sets spanning low to high counts and mild to
    strong over-dispersion (the Noufaily design's spirit, daily)."""
    return [
        Baseline("low (0.3/day)", level=0.3, size=math.inf, season=0.2, weekday=WORKWEEK,
                 note="Poisson"),
        Baseline("medium (3/day)", level=3, size=5, trend=0.1, season=0.3, weekday=WORKWEEK),
        Baseline("over-dispersed (8/day)", level=8, size=1.5, trend=0.0, season=0.3, weekday=WORKWEEK),
        Baseline("high (30/day)", level=30, size=10, trend=0.1, season=0.4, weekday=WORKWEEK),
    ]  # fmt: skip


def demo_city_baseline(path: Path = DEMO_CITY_JSON) -> Baseline:
    """The demo city's series of district × category family (see
    ``derive_demo_city``): Poisson, flat over the week and year, as the
    generator makes them. Series expecting under one case a month are
    left out (nothing can be detected there at one false alarm a
    fortnight; they are listed in the JSON all the same)."""
    fitted = json.loads(path.read_text(encoding="utf-8"))
    levels = tuple(m for m in fitted["county_family_daily_means"].values() if m >= 1 / 30)
    return Baseline(
        "demo city (district × family)",
        levels=levels,
        size=math.inf if fitted["dispersion_size"] is None else fitted["dispersion_size"],
        trend=fitted["trend_per_year"],
        season=fitted["season_amplitude"],
        weekday=tuple(fitted["weekday"]),
        note=f"{len(levels)} series, {min(levels):.2f}–{max(levels):.2f}/day",
    )


def simulate_baselines(n: int, days: int, params: Baseline, rng: np.random.Generator
                       ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``n`` daily series of ``days`` days (rows): the counts and their
    true means (the injections size outbreaks from the true SD)."""
    t = np.arange(days)
    level = rng.choice(params.levels, n) if params.levels else np.full(n, params.level)
    phase = rng.uniform(0, YEAR, n)
    weekday = np.asarray(params.weekday, dtype=float)
    weekday = weekday / weekday.mean()
    season = np.exp(params.season * np.cos(2 * np.pi * (t - phase[:, None]) / YEAR)) / np.i0(params.season)
    trend = (1 + params.trend) ** ((t - (days - 1)) / YEAR)
    mu = level[:, None] * trend * season * weekday[t % 7]
    return _draw(mu, params.size, rng), mu


def _draw(mu: np.ndarray, size: float, rng: np.random.Generator) -> np.ndarray:
    if math.isinf(size):
        return rng.poisson(mu).astype(float)
    return rng.negative_binomial(size, size / (size + mu)).astype(float)


def baseline_sd(mu: np.ndarray, size: float) -> np.ndarray:
    return np.sqrt(mu + (0 if math.isinf(size) else mu**2 / size))


# ================================================================ outbreaks

KINDS = ("spike", "ramp", "step")
STEP_JUDGED = 28  # a step lasts to the end of the series; its first 4 weeks are judged
SIZES = {"spike": (2.0, 5.0), "ramp": (2.0, 5.0), "step": (0.5, 2.0)}  # k × baseline SD (uniform)


@dataclass(frozen=True)
class Outbreaks:
    """Injected outbreaks. Rows are series (a spatial outbreak spans the
    rows of its grids); masks are over all days."""

    counts: np.ndarray  # baseline + outbreak cases
    during: np.ndarray  # bool (rows, days): outbreak days that are judged
    ignored: np.ndarray  # bool (rows, days): counted neither way (a step after its judged weeks)
    group: np.ndarray  # (rows,) the outbreak of each row, −1 for none
    onset: np.ndarray  # (outbreaks,) first day
    length: np.ndarray  # (outbreaks,) judged days
    size: np.ndarray  # (outbreaks,) k × SD, or the relative risk


def inject(kind: str, counts: np.ndarray, mu: np.ndarray, size: float, rng: np.random.Generator, *,
           first: int, k_range: tuple[float, float] | None = None) -> Outbreaks:  # fmt: skip
    """One outbreak per series, starting on a day drawn from ``first`` …
    (last day − 4 weeks). Its extra cases on day j of the outbreak are
    Poisson(k · SD(t) · shape(j)), with SD the baseline's true SD that day:

    * spike — 1 or 2 days, shape 1;
    * ramp — 7 to 21 days, rising linearly to k·SD on its last day;
    * step — from onset to the end of the series, shape 1 (judged over
      its first ``STEP_JUDGED`` days; the days after are ignored, as by
      then a step is the new normal).

    k is drawn uniformly from ``k_range`` (default ``SIZES[kind]``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbreak kind {kind!r}")
    n, days = counts.shape
    if days - STEP_JUDGED < first:
        raise ValueError("the series is too short for an outbreak after `first`")
    onset = rng.integers(first, days - STEP_JUDGED + 1, n)
    k = rng.uniform(*(k_range or SIZES[kind]), n)
    if kind == "spike":
        length = rng.integers(1, 3, n)
    elif kind == "ramp":
        length = rng.integers(7, 22, n)
    else:
        length = days - onset
    j = np.arange(days)[None, :] - onset[:, None]  # day of the outbreak (0 = onset)
    active = (j >= 0) & (j < length[:, None])
    shape = (j + 1) / length[:, None] if kind == "ramp" else np.ones((1, days))
    extra = np.where(active, k[:, None] * baseline_sd(mu, size) * shape, 0.0)
    judged_length = np.minimum(length, STEP_JUDGED)
    during = active & (j < judged_length[:, None])
    return Outbreaks(counts + rng.poisson(extra), during, active & ~during, np.arange(n), onset,
                     judged_length, k)  # fmt: skip


# ================================================================= spatial


@dataclass(frozen=True)
class SpatialDesign:
    """A region of ``grids`` grids scattered over a square of ``side``
    metres; grid levels are log-normal about ``level`` cases a day, NB
    with ``size`` and the working-week pattern. An outbreak multiplies the
    mean of the k nearest grids of a random centre by a relative risk."""

    grids: int = 150
    side: float = 20_000.0
    level: float = 1.0
    size: float = 5.0
    k: tuple[int, int] = (3, 10)
    relative_risk: tuple[float, float] = (2.0, 4.0)
    duration: tuple[int, int] = (3, 7)
    window: int = 56  # days a scan looks at (its study period)


def simulate_region(design: SpatialDesign, days: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """One region: grid locations (grids, 2), counts and true means (grids, days)."""
    xy = rng.uniform(0, design.side, (design.grids, 2))
    levels = design.level * np.exp(rng.normal(-0.125, 0.5, design.grids))  # (mean ≈ level)
    params = Baseline("region", size=design.size, season=0.2, weekday=WORKWEEK, levels=tuple(levels))
    t = np.arange(days)
    weekday = np.asarray(WORKWEEK) / np.mean(WORKWEEK)
    phase = rng.uniform(0, YEAR)  # one season for the whole region
    season = np.exp(params.season * np.cos(2 * np.pi * (t - phase) / YEAR)) / np.i0(params.season)
    mu = levels[:, None] * season * weekday[t % 7]
    return xy, _draw(mu, design.size, rng), mu


def inject_spatial(counts: np.ndarray, mu: np.ndarray, xy: np.ndarray, design: SpatialDesign,
                   rng: np.random.Generator, *, first: int, region: int) -> Outbreaks:  # fmt: skip
    """One cluster in the region: the k nearest grids of a random centre
    (k from ``design.k``), relative risk from ``design.relative_risk``
    for 3–7 days starting between ``first`` and a week before the end;
    extra cases Poisson((RR − 1)·μ). ``group`` numbers it ``region``."""
    n, days = counts.shape
    centre = rng.integers(n)
    k = int(rng.integers(design.k[0], design.k[1] + 1))
    members = np.argsort(((xy - xy[centre]) ** 2).sum(axis=1), kind="stable")[:k]
    rr = rng.uniform(*design.relative_risk)
    length = int(rng.integers(design.duration[0], design.duration[1] + 1))
    onset = int(rng.integers(first, days - design.duration[1] + 1))
    during = np.zeros((n, days), dtype=bool)
    during[members, onset : onset + length] = True
    extra = np.where(during, (rr - 1) * mu, 0.0)
    group = np.full(n, -1)
    group[members] = region
    return Outbreaks(counts + rng.poisson(extra), during, np.zeros_like(during), group,
                     np.array([onset]), np.array([length]), np.array([rr]))  # fmt: skip


# ================================================================ demo city


def derive_demo_city(path: Path = DEMO_CITY_JSON) -> dict:
    """Mean daily counts of the demo city's series, derived from its
    generator's code (``demo/year.py``), not from a generated database:
    ``simulate_year`` draws Poisson(cases_per_year / 365) cases a day —
    no weekday effect, no season, no trend, no over-dispersion — puts each
    on a grid with weight 1.6 in urban districts and 1.0 elsewhere, and
    gives it a category family by ``FAMILY_WEIGHTS``. The grids are the
    ones ``generate_grids`` makes (``regions.gridgen``: 7–13 per village,
    seeded by the village code), counted here with the same seed, without
    the polygons. ``load_demo`` simulates 2,500 cases a year. The planted
    bursts (热点) are outbreaks, not baseline, and are left out."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "changan_site.settings")
    import django

    django.setup()
    from demo import services as demo_services
    from demo import year

    cases_per_year = 2500  # load_demo's --cases default
    with open(ROOT / "demo" / "data" / "hebi" / "hebi_admin_divisions.csv", encoding="utf-8") as f:
        areas = list(csv.DictReader(f))
    parent = {a["code"]: a["parent_code"] for a in areas}
    county_of = {}
    for a in areas:
        code = a["code"]
        while code in parent and parent[code] != demo_services.CITY:
            code = parent[code]
        county_of[a["code"]] = code
    grids = []  # (code, county, township)
    low, high = 7, 13  # generate_grids' grids_per_village
    for a in areas:
        if a["level_name"] == "village":
            n = int(rng_for(demo_services.SEED, a["code"]).integers(low, high + 1))
            grids += [
                (f"{a['code']}{i:03d}", county_of[a["code"]], a["parent_code"]) for i in range(1, n + 1)
            ]
    weights = year._grid_weights([(code, 0, 0) for code, _, _ in grids])
    daily = cases_per_year / year.DAYS
    family_p = {f: w / sum(year.FAMILY_WEIGHTS.values()) for f, w in year.FAMILY_WEIGHTS.items()}
    names = {a["code"]: a["name"] for a in areas}
    county_rate: dict[str, float] = {}
    township_rate: dict[str, float] = {}
    for (_, county, township), w in zip(grids, weights, strict=True):
        county_rate[county] = county_rate.get(county, 0) + daily * w
        township_rate[township] = township_rate.get(township, 0) + daily * w
    fitted = {
        "source": "derived from demo/year.py (simulate_year) and regions/gridgen.py by "
        "bench/early_warning.py --derive-demo-city; not fitted to a generated database",
        "cases_per_year": cases_per_year,
        "grids": len(grids),
        "grid_daily_mean": {
            "urban": round(daily * float(weights.max()), 6),
            "rural": round(daily * float(weights.min()), 6),
        },
        "dispersion_size": None,
        "weekday": [1.0] * 7,
        "season_amplitude": 0.0,
        "trend_per_year": 0.0,
        "city_daily_mean": daily,
        "county_daily_means": {f"{c} {names[c]}": round(r, 4) for c, r in sorted(county_rate.items())},
        "township_daily_means": {f"{t} {names[t]}": round(r, 4) for t, r in sorted(township_rate.items())},
        "county_family_daily_means": {
            f"{c} {names[c]} / {f}": round(r * p, 4)
            for c, r in sorted(county_rate.items())
            for f, p in family_p.items()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fitted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return fitted
