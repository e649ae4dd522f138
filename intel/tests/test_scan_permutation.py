"""The prospective space–time permutation scan (``intel.scan``): every
cylinder's count, expectation and LLR equal a naive enumeration; the
shortcut the Monte Carlo replicates take finds the same maximum; a planted
outbreak is found where and when it was planted, and noise is not; the
result is reproducible and the zones follow the rules (ties by id,
radius, township)."""

import math

import numpy as np
import pytest

from intel import scan
from intel.tests.scan_fixtures import Levels, square_grid


def _naive_zones(x, y, *, max_k: int, max_radius: float) -> list[list[tuple[float, int]]]:
    """Each centre's (distance, id) list, sorted, cut at max_k and the radius."""
    out = []
    for i in range(len(x)):
        near = sorted((math.sqrt((x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2), j) for j in range(len(x)))
        out.append([(d, j) for d, j in near if d <= max_radius][:max_k])
    return out


def _naive_cylinders(counts, zones, max_days, recent=None):
    """{(centre, k, days): (observed, expected, llr)} by the definitions, one cylinder at a time;
    with ``recent`` (locations × last days) the observed counts are taken from it instead."""
    total = counts.sum()
    recent = counts[:, -max_days:] if recent is None else recent
    table = {}
    for i, near in enumerate(zones):
        for k in range(1, len(near) + 1):
            members = [j for _, j in near[:k]]
            for d in range(1, max_days + 1):
                c = recent[members, -d:].sum()
                mu = counts[members, :].sum() * counts[:, -d:].sum() / total
                llr = 0.0
                if c > mu:
                    llr = c * math.log(c / mu) + (
                        (total - c) * math.log((total - c) / (total - mu)) if c < total else 0.0
                    )
                table[i, k, d] = (c, mu, llr)
    return table


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(11)
    x, y = rng.integers(0, 8, 40) * 500.0, rng.integers(0, 8, 40) * 500.0  # integer spots: many ties
    counts = rng.poisson(rng.uniform(0.05, 0.8, (40, 1)), (40, 30))
    return x, y, counts


def test_every_cylinder_matches_a_naive_enumeration(small):
    x, y, counts = small
    zones = scan.neighbourhoods(x, y, max_k=6, max_radius=1600)
    result = scan.permutation_scan(counts, zones=zones, max_days=5, replicates=0)
    naive = _naive_cylinders(counts, _naive_zones(x, y, max_k=6, max_radius=1600), 5)
    cyl = result.cylinders
    for (i, k, d), (c, mu, llr) in naive.items():
        assert cyl.observed[i, k - 1, d - 1] == c
        assert cyl.expected[i, k - 1, d - 1] == pytest.approx(mu, rel=1e-12)
        assert cyl.llr[i, k - 1, d - 1] == pytest.approx(llr, rel=1e-9, abs=1e-12)
    padded = np.isinf(cyl.expected)
    assert padded.sum() == cyl.expected.size - len(naive)  # zones cut by the radius
    assert (cyl.llr[padded] == 0).all()
    best = result.clusters[0]
    assert best.llr == pytest.approx(max(v[2] for v in naive.values()), rel=1e-12)
    c, mu, _ = naive[best.centre, len(best.locations), best.days]
    assert (best.observed, best.expected) == (c, pytest.approx(mu))


def test_the_replicates_shortcut_finds_the_same_maximum(small):
    """Replicates only evaluate zones whose last location brought a case;
    on data drawn like a replicate that must give the full maximum."""
    x, y, counts = small
    zones = scan.neighbourhoods(x, y, max_k=6, max_radius=1600)
    kernel = scan._permutation_kernel(counts.astype(np.int64), zones=zones, days=5)
    rng = np.random.default_rng(3)
    work = scan._Workspace(kernel, kernel.dtype)  # (reused, as by the replicates)
    quick = Levels(kernel)
    for _ in range(30):
        recent = kernel.draw(rng)
        assert (recent.sum(axis=1) == kernel.day_cases).all()  # each day keeps its number of cases
        # A permutation keeps every location's and every day's total, so the expectations stay
        # those of the data; only the counts of the last days change.
        near = [[(0.0, int(j)) for j in row[row < zones.n]] for row in zones.neighbours]
        full = _naive_cylinders(counts, near, 5, recent=recent[::-1].T)
        best = max(v[2] for v in full.values())
        assert kernel.max_llr(recent, work) == pytest.approx(best, rel=1e-12)
        # First trying only the cylinders that reach a level gives the same, whether the
        # maximum reaches it or not.
        for level in (0.5, 2.0, best, best + 1e-9, 50.0):
            assert quick[level].max_llr(recent, work) == pytest.approx(best, rel=1e-12)


def _with_outbreak(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.3, (225, 120))
    return counts


def test_a_planted_outbreak_is_found_where_and_when_it_was():
    x, y = square_grid(15)
    counts = _with_outbreak(1)
    centre = 7 * 15 + 7
    # Zone of 4: the centre and its three nearest, ties (four at 1 km) broken by id.
    planted = [centre, centre - 15, centre - 1, centre + 1]
    counts[np.ix_(planted, [117, 118, 119])] += 3
    zones = scan.neighbourhoods(x, y, max_k=10, max_radius=3000)
    result = scan.permutation_scan(counts, zones=zones, max_days=7, replicates=199, seed=5)
    best = result.clusters[0]
    assert set(best.locations) == set(planted)
    assert (best.days, best.first_day) == (3, 117)
    assert best.p_value <= 0.01
    assert best.recurrence_days == pytest.approx(1 / best.p_value)
    assert best.relative_risk > 3
    # Secondary clusters share no location with earlier ones and are not significant.
    seen = set()
    for cluster in result.clusters:
        assert not seen & set(cluster.locations)
        seen |= set(cluster.locations)
    assert all(c.p_value > 0.05 for c in result.clusters[1:])
    assert [c.llr for c in result.clusters] == sorted((c.llr for c in result.clusters), reverse=True)


def test_noise_is_mostly_not_significant():
    x, y = square_grid(10)
    zones = scan.neighbourhoods(x, y, max_k=8, max_radius=3000)
    p = []
    for seed in range(20):
        counts = np.random.default_rng(100 + seed).poisson(0.4, (100, 60))
        p.append(scan.permutation_scan(counts, zones=zones, replicates=99, seed=seed).clusters[0].p_value)
    assert sum(v <= 0.05 for v in p) <= 3  # 1 expected by chance of 20
    assert np.mean(p) > 0.3


def test_the_same_seed_gives_the_same_result_whatever_the_workers():
    x, y = square_grid(8)
    counts = np.random.default_rng(4).poisson(0.5, (64, 50))
    zones = scan.neighbourhoods(x, y, max_k=6)
    one = scan.permutation_scan(counts, zones=zones, replicates=40, seed=9)
    again = scan.permutation_scan(counts, zones=zones, replicates=40, seed=9)
    two = scan.permutation_scan(counts, zones=zones, replicates=40, seed=9, workers=2)
    other = scan.permutation_scan(counts, zones=zones, replicates=40, seed=10)
    assert np.array_equal(one.replicate_llrs, again.replicate_llrs)
    assert np.array_equal(one.replicate_llrs, two.replicate_llrs)
    assert one.clusters == again.clusters == two.clusters
    assert not np.array_equal(one.replicate_llrs, other.replicate_llrs)


def test_equally_near_locations_are_taken_by_id():
    x, y = square_grid(3)  # centre 4 has 1, 3, 5, 7 at 1 km and 0, 2, 6, 8 at √2 km
    zones = scan.neighbourhoods(x, y, max_k=3)
    assert list(zones.neighbours[4]) == [4, 1, 3]
    # Swap the numbers of 0 (a corner) and 1 (an edge): the tie follows the ids, not positions.
    order = np.array([1, 0, 2, 3, 4, 5, 6, 7, 8])
    zones = scan.neighbourhoods(x[order], y[order], max_k=3)
    assert list(zones.neighbours[4]) == [4, 0, 3]
    # On a larger grid with ties everywhere, the order is exactly (distance, id).
    x, y = square_grid(9, spacing=250.0)
    zones = scan.neighbourhoods(x, y, max_k=11, max_radius=700)
    for i, near in enumerate(_naive_zones(x, y, max_k=11, max_radius=700)):
        assert list(zones.neighbours[i, : len(near)]) == [j for _, j in near]
        assert (zones.neighbours[i, len(near) :] == zones.n).all()
        assert np.allclose(zones.distances[i, : len(near)], [d for d, _ in near])


def test_the_radius_caps_the_zones():
    x, y = square_grid(5)
    zones = scan.neighbourhoods(x, y, max_k=20, max_radius=1000)
    assert zones.sizes[12] == 5  # itself and four at exactly 1 km
    assert zones.sizes[0] == 3  # a corner
    assert zones.distances[zones.neighbours < zones.n].max() == 1000


def test_zones_stay_inside_their_township_when_asked():
    x, y = square_grid(10)
    township = (np.arange(100) % 10 >= 5).astype(int)  # west and east halves
    counts = np.random.default_rng(8).poisson(0.3, (100, 40))
    straddling = [44, 45, 54, 55]  # two grids each side of the border
    counts[straddling, -2:] += 4
    free = scan.neighbourhoods(x, y, max_k=6, max_radius=2000)
    kept = scan.neighbourhoods(x, y, max_k=6, max_radius=2000, groups=township)
    for i in range(100):
        members = kept.neighbours[i][kept.neighbours[i] < kept.n]
        assert (township[members] == township[i]).all()
    assert len({township[j] for j in free.neighbours[44]}) == 2
    loose = scan.permutation_scan(counts, zones=free, replicates=0).clusters[0]
    assert {township[j] for j in loose.locations} == {0, 1}
    for cluster in scan.permutation_scan(counts, zones=kept, replicates=0).clusters:
        assert len({township[j] for j in cluster.locations}) == 1


def test_bad_input_is_refused():
    x, y = square_grid(3)
    zones = scan.neighbourhoods(x, y, max_k=3)
    with pytest.raises(ValueError, match="no cases"):
        scan.permutation_scan(np.zeros((9, 10)), zones=zones)
    with pytest.raises(ValueError, match="whole numbers"):
        scan.permutation_scan(np.full((9, 10), 0.5), zones=zones)
    with pytest.raises(ValueError, match="max_days"):
        scan.permutation_scan(np.ones((9, 5)), zones=zones, max_days=6)
    with pytest.raises(ValueError, match="locations"):
        scan.permutation_scan(np.ones((8, 5)), zones=zones)


def test_longitude_and_latitude_become_metres():
    x, y = scan.lonlat_to_metres([116.40, 116.40, 116.41], [39.90, 39.91, 39.90])
    assert y[1] - y[0] == pytest.approx(1111.95, rel=1e-4)  # 0.01° of latitude
    assert x[2] - x[0] == pytest.approx(1111.95 * math.cos(math.radians(39.9033)), rel=1e-4)
