"""The expectation-based Poisson scan (``intel.scan``): every cylinder's
count, baseline and LLR equal a naive enumeration; the replicates'
shortcut finds the same maximum; a planted outbreak is found and noise is
not; a rise everywhere at once — which the permutation scan cannot see by
design — is found; the result is reproducible and zones follow the rules."""

import math

import numpy as np
import pytest

from intel import scan
from intel.tests.scan_fixtures import Levels, square_grid


def _naive_cylinders(counts, baselines, zones, max_days):
    """{(centre, k, days): (observed, baseline, llr)} by the definitions, one cylinder at a time;
    ``zones`` are each centre's locations, nearest first."""
    table = {}
    for i, members in enumerate(zones):
        for k in range(1, len(members) + 1):
            for d in range(1, max_days + 1):
                c = counts[members[:k], -d:].sum()
                b = baselines[members[:k], -d:].sum()
                table[i, k, d] = (c, b, c * math.log(c / b) - (c - b) if c > b else 0.0)
    return table


def _members(zones: scan.Zones) -> list[list[int]]:
    return [[int(j) for j in row[row < zones.n]] for row in zones.neighbours]


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(21)
    x, y = rng.integers(0, 8, 40) * 500.0, rng.integers(0, 8, 40) * 500.0
    baselines = rng.uniform(0.05, 1.5, (40, 1)) * rng.uniform(0.7, 1.3, (40, 10))
    counts = rng.poisson(baselines * rng.uniform(0.5, 2.0, (40, 1)))
    return x, y, counts, baselines


def test_every_cylinder_matches_a_naive_enumeration(small):
    x, y, counts, baselines = small
    zones = scan.neighbourhoods(x, y, max_k=6, max_radius=1600)
    result = scan.expectation_scan(counts, baselines, zones=zones, max_days=4, replicates=0)
    naive = _naive_cylinders(counts, baselines, _members(zones), 4)
    cyl = result.cylinders
    for (i, k, d), (c, b, llr) in naive.items():
        assert cyl.observed[i, k - 1, d - 1] == c
        assert cyl.expected[i, k - 1, d - 1] == pytest.approx(b, rel=1e-12)
        assert cyl.llr[i, k - 1, d - 1] == pytest.approx(llr, rel=1e-9, abs=1e-12)
    assert np.isinf(cyl.expected).sum() == cyl.expected.size - len(naive)
    best = result.clusters[0]
    assert best.llr == pytest.approx(max(v[2] for v in naive.values()), rel=1e-12)
    assert best.relative_risk == pytest.approx(best.observed / best.expected)


def test_the_replicates_shortcut_finds_the_same_maximum(small):
    x, y, _, baselines = small
    zones = scan.neighbourhoods(x, y, max_k=6, max_radius=1600)
    kernel = scan._expectation_kernel(baselines, zones=zones, days=4)
    rng = np.random.default_rng(3)
    work = scan._Workspace(kernel, kernel.dtype)  # (reused, as by the replicates)
    quick = Levels(kernel)
    for _ in range(30):
        recent = kernel.draw(rng)  # (days, locations), today first
        full = _naive_cylinders(recent[::-1].T, baselines[:, -4:], _members(zones), 4)
        best = max(v[2] for v in full.values())
        assert kernel.max_llr(recent, work) == pytest.approx(best, rel=1e-12)
        # First trying only the cylinders that reach a level gives the same, whether the
        # maximum reaches it or not.
        for level in (0.5, 2.0, best, best + 1e-9, 50.0):
            assert quick[level].max_llr(recent, work) == pytest.approx(best, rel=1e-12)


def _city(seed: int, side: int = 15, days: int = 14) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weekday = np.where(np.arange(days) % 7 >= 5, 0.6, 1.1)
    baselines = rng.uniform(0.1, 0.6, (side * side, 1)) * weekday
    return rng.poisson(baselines), baselines


def test_a_planted_outbreak_is_found_where_and_when_it_was():
    x, y = square_grid(15)
    counts, baselines = _city(1)
    centre = 7 * 15 + 7
    planted = [centre, centre - 15, centre - 1, centre + 1]  # the centre's zone of 4 (ties by id)
    counts[np.ix_(planted, [11, 12, 13])] += 3
    zones = scan.neighbourhoods(x, y, max_k=10, max_radius=3000)
    result = scan.expectation_scan(counts, baselines, zones=zones, replicates=199, seed=5)
    best = result.clusters[0]
    assert set(best.locations) == set(planted)
    assert (best.days, best.first_day) == (3, 11)
    assert best.p_value <= 0.01
    assert best.recurrence_days == pytest.approx(1 / best.p_value)
    seen = set()
    for cluster in result.clusters:
        assert not seen & set(cluster.locations)
        seen |= set(cluster.locations)
    assert all(c.p_value > 0.05 for c in result.clusters[1:])


def test_noise_is_mostly_not_significant():
    x, y = square_grid(10)
    zones = scan.neighbourhoods(x, y, max_k=8, max_radius=3000)
    p = []
    for seed in range(20):
        counts, baselines = _city(100 + seed, side=10)
        result = scan.expectation_scan(counts, baselines, zones=zones, replicates=99, seed=seed)
        p.append(result.clusters[0].p_value if result.clusters else 1.0)
    assert sum(v <= 0.05 for v in p) <= 3  # 1 expected by chance of 20
    assert np.mean(p) > 0.3


def test_a_rise_everywhere_is_found_which_the_permutation_scan_cannot_see():
    """The permutation scan's expectations come from the data's own day
    totals, so a city-wide doubling of the last days is no excess to it;
    against forecasts it is."""
    x, y = square_grid(10)
    zones = scan.neighbourhoods(x, y, max_k=8, max_radius=3000)
    rng = np.random.default_rng(6)
    baselines = np.full((100, 60), 0.4)
    counts = rng.poisson(baselines * np.where(np.arange(60) >= 58, 2.0, 1.0))
    against_forecast = scan.expectation_scan(counts, baselines, zones=zones, replicates=99, seed=1)
    permutation = scan.permutation_scan(counts, zones=zones, replicates=99, seed=1)
    assert against_forecast.clusters[0].p_value <= 0.01
    assert against_forecast.clusters[0].days <= 2
    assert permutation.clusters[0].p_value > 0.05


def test_the_same_seed_gives_the_same_result_whatever_the_workers():
    x, y = square_grid(8)
    counts, baselines = _city(4, side=8)
    zones = scan.neighbourhoods(x, y, max_k=6)
    run = lambda **kw: scan.expectation_scan(counts, baselines, zones=zones, replicates=40, **kw)  # noqa: E731
    one, again, two, other = run(seed=9), run(seed=9), run(seed=9, workers=2), run(seed=10)
    assert np.array_equal(one.replicate_llrs, again.replicate_llrs)
    assert np.array_equal(one.replicate_llrs, two.replicate_llrs)
    assert one.clusters == again.clusters == two.clusters
    assert not np.array_equal(one.replicate_llrs, other.replicate_llrs)


def test_zones_stay_inside_their_township_when_asked():
    x, y = square_grid(10)
    township = (np.arange(100) % 10 >= 5).astype(int)
    counts, baselines = _city(8, side=10)
    counts[[44, 45, 54, 55], -2:] += 4  # two grids each side of the border
    kept = scan.neighbourhoods(x, y, max_k=6, max_radius=2000, groups=township)
    result = scan.expectation_scan(counts, baselines, zones=kept, replicates=0)
    assert result.clusters
    for cluster in result.clusters:
        assert len({township[j] for j in cluster.locations}) == 1


def test_bad_baselines_are_refused():
    x, y = square_grid(3)
    zones = scan.neighbourhoods(x, y, max_k=3)
    counts = np.ones((9, 10))
    with pytest.raises(ValueError, match="positive"):
        scan.expectation_scan(counts, np.zeros((9, 10)), zones=zones)
    with pytest.raises(ValueError, match="shape"):
        scan.expectation_scan(counts, np.ones((9, 9)), zones=zones)
    # Zero forecasts before the scanned days do not matter.
    older_zero = np.ones((9, 10))
    older_zero[:, :3] = 0
    assert scan.expectation_scan(counts, older_zero, zones=zones, replicates=0).cylinders.llr.max() == 0
