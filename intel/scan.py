"""Space–time scan statistics for 探照灯's map axis: which cluster of
neighbouring grids has had more cases in the last few days than it
should, and how surprising that is. numpy/scipy, no Django.

Two scans share one machinery:

* ``permutation_scan`` — the prospective space–time permutation scan
  statistic (Kulldorff et al. 2005, SaTScan's "space-time permutation"
  model). It needs case counts only: the expected count of a cylinder
  comes from the case totals of its zone (all days) and of its days
  (all locations), so a grid that always has many cases is not flagged.
* ``expectation_scan`` — the expectation-based Poisson scan (Neill et al.
  2005): counts are compared with baselines that a temporal model has
  forecast for each grid and day (e.g. ``intel.aberration``'s expected
  values), so a rise everywhere at once is found too.

A *zone* is a centre grid and its k nearest grids (k = 1 … ``max_k``,
within ``max_radius`` metres; ties broken by location id so the result
does not depend on the order of a spatial index) — ``neighbourhoods``
builds them once for both scans. A *cylinder* is a zone × the last
1 … ``max_days`` days ending on the last day of the data (prospective:
today's question is whether something is going on *now*).

Significance is by Monte Carlo: ``replicates`` data sets drawn under the
null hypothesis (seeded per replicate, so the result does not depend on
the number of ``workers``), the maximum log-likelihood ratio of each, and
p = rank / (replicates + 1) for every reported cluster against that same
distribution of maxima, as SaTScan does; the recurrence interval of a
daily prospective analysis is 1 / p days.

Coordinates are x/y in metres in a projected system (``lonlat_to_metres``
makes them from longitude/latitude for an area the size of a city).
Counts are arrays of shape (locations, days), the last column being today.

Speed (10,000 grids × 365 days, 999 replicates: seconds where SaTScan
takes minutes; ``bench/scan.py``) comes from doing per replicate only what
changes: the expectations are fixed (the permutation keeps both totals;
the baselines are given), only the last ``max_days`` days are drawn, the
neighbour index is built once, and of all cylinders only those that can
hold the maximum are evaluated (see ``_Kernel.max_llr``). With
``workers`` > 1 the replicates run in fresh ("spawn") processes, so the
calling program's main module must be importable (a script's
``if __name__ == "__main__"`` guard, ``manage.py``, pytest all are).
"""

from __future__ import annotations

import ctypes
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import pairwise
from multiprocessing import get_context

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS = 6_371_008.8  # metres, the IUGG mean radius


def lonlat_to_metres(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular projection about the mean latitude: x/y in metres.
    Over a city or county (≤ ~200 km) distances are off by well under 1 %,
    far less than the size of a grid, and the nearest-neighbour order the
    scans use is what matters."""
    lon, lat = np.radians(np.asarray(lon, dtype=float)), np.radians(np.asarray(lat, dtype=float))
    return EARTH_RADIUS * np.cos(lat.mean()) * lon, EARTH_RADIUS * lat


# ------------------------------------------------------------------ zones


@dataclass(frozen=True)
class Zones:
    """For each centre location (row), its neighbours nearest first —
    ordered by (distance, location id) — up to ``max_k`` and within the
    radius. Shorter rows are padded with ``n`` (one past the last location)
    and an infinite distance. Zone (i, k) is ``neighbours[i, :k]``."""

    neighbours: np.ndarray  # (n, K) int32
    distances: np.ndarray  # (n, K) float, metres

    @property
    def n(self) -> int:
        return self.neighbours.shape[0]

    @property
    def sizes(self) -> np.ndarray:
        """How many zones each centre has (the largest k)."""
        return (self.neighbours < self.n).sum(axis=1)


def neighbourhoods(x, y, *, max_k: int = 20, max_radius: float = math.inf, groups=None) -> Zones:
    """The candidate zones: each location's ``max_k`` nearest locations
    (itself first) within ``max_radius`` metres. With ``groups`` (e.g. the
    township of each grid) a zone never leaves its centre's group, so a
    cluster can be handed to one township to act on."""
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    n = len(xy)
    if max_k < 1:
        raise ValueError("max_k must be at least 1")
    if max_radius < 0:
        raise ValueError("max_radius must not be negative")
    k = min(max_k, n)
    neighbours = np.full((n, k), n, dtype=np.int32)
    distances = np.full((n, k), np.inf)
    members = [np.arange(n)] if groups is None else _group_members(groups, n)
    for ids in members:
        rows, dist = _nearest(xy[ids], k=min(k, len(ids)), max_radius=max_radius)
        neighbours[ids, : rows.shape[1]] = np.where(rows < len(ids), ids[np.minimum(rows, len(ids) - 1)], n)
        distances[ids, : rows.shape[1]] = dist
    return Zones(neighbours, distances)


def _group_members(groups, n: int) -> list[np.ndarray]:
    groups = np.asarray(groups)
    if groups.shape != (n,):
        raise ValueError("groups needs one value per location")
    _, inverse = np.unique(groups, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(inverse[order])) + 1)


def _nearest(xy: np.ndarray, *, k: int, max_radius: float) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest points of each point, ordered by (distance, index).

    A k-d tree returns equally distant points in an order of its own, and
    on a regular grid ties are the rule, so we ask it for more points than
    needed — until, in every row, the last one returned is farther than
    the k-th — and sort those ourselves by distances recomputed here."""
    tree = cKDTree(xy)
    bound = np.nextafter(max_radius, np.inf) if np.isfinite(max_radius) else np.inf
    asked = min(k + 8, len(xy))
    while True:
        _, rows = tree.query(xy, k=asked, distance_upper_bound=bound)
        rows = rows.reshape(len(xy), asked)
        found = rows < len(xy)
        other = xy[np.minimum(rows, len(xy) - 1)]
        dist = np.where(found, np.sqrt(((other - xy[:, None, :]) ** 2).sum(axis=2)), np.inf)
        dist[dist > max_radius] = np.inf
        rows = np.where(np.isfinite(dist), rows, len(xy))
        kth = np.sort(dist, axis=1)[:, k - 1]
        # All ties of the k-th are in hand when the farthest returned is farther (allowing the
        # tree's own rounding), or the row ran out of points within the radius.
        settled = ~found[:, -1] | (dist[:, -1] > kth * (1 + 1e-9)) | ~np.isfinite(kth)
        if settled.all() or asked == len(xy):
            break
        asked = min(2 * asked, len(xy))
    order = np.lexsort((rows, dist), axis=1)[:, :k]
    return np.take_along_axis(rows, order, axis=1), np.take_along_axis(dist, order, axis=1)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Cluster:
    """A reported cylinder: the zone of ``centre`` made of ``locations``
    (nearest first) over the last ``days`` days (from column ``first_day``
    of the counts to the last one)."""

    centre: int
    locations: tuple[int, ...]
    radius: float  # metres, centre to the farthest location of the zone
    days: int
    first_day: int
    observed: int
    expected: float
    relative_risk: float
    llr: float
    p_value: float
    recurrence_days: float  # 1 / p: how often a daily analysis would see one as strong by chance


@dataclass(frozen=True)
class Cylinders:
    """Every cylinder of a scan of the observed data, indexed
    [centre, k − 1, days − 1]; padded zones (beyond a centre's size) have
    an infinite expectation and an LLR of 0, as have cylinders without an
    excess."""

    observed: np.ndarray
    expected: np.ndarray
    llr: np.ndarray


@dataclass(frozen=True)
class ScanResult:
    clusters: list[Cluster]  # the most likely first, then the secondary ones that share no location
    replicate_llrs: np.ndarray  # the maximum LLR of each Monte Carlo replicate
    cylinders: Cylinders


# ---------------------------------------------------------- the two scans


def permutation_scan(counts, *, zones: Zones, max_days: int = 7, replicates: int = 999, seed: int = 0,
                     workers: int = 1, max_clusters: int = 10) -> ScanResult:  # fmt: skip
    """The prospective space–time permutation scan (SaTScan's model).

    The expected count of a cylinder is μ = C_zone · C_days / C: the cases
    of its zone over the whole study period times the cases of its days
    over all locations, over all cases. Its LLR is the Poisson generalised
    likelihood ratio c·log(c/μ) + (C − c)·log((C − c)/(C − μ)) where c > μ,
    else 0. Replicates keep every case's location and shuffle the days
    among the cases — which keeps both totals, so μ is the same in every
    replicate. Relative risk as SaTScan: (c/μ) / ((C − c)/(C − μ))."""
    counts = _counts(counts, zones)
    kernel = _permutation_kernel(counts, zones=zones, days=_window(max_days, counts))
    return _scan(kernel, counts, zones, replicates=replicates, seed=seed, workers=workers,
                 max_clusters=max_clusters)  # fmt: skip


def _permutation_kernel(counts: np.ndarray, *, zones: Zones, days: int) -> _Kernel:
    total = int(counts.sum())
    if total == 0:
        raise ValueError("there are no cases to scan")
    day_cases = counts.sum(axis=0)[::-1][:days]  # today, yesterday, …
    spatial = np.append(counts.sum(axis=1), 0).astype(float)
    in_zone = np.cumsum(spatial[zones.neighbours.T], axis=0)  # (K, n)
    expected = np.cumsum(day_cases)[:, None, None] * in_zone[None, :, :] / total
    return _Kernel.build(
        kind="permutation", zones=zones, expected=expected, total=total,
        most=int(day_cases.sum()),  # no cylinder holds more cases than the window
        case_locations=np.repeat(np.arange(zones.n, dtype=np.int32), counts.sum(axis=1)), day_cases=day_cases,
    )  # fmt: skip


def expectation_scan(counts, baselines, *, zones: Zones, max_days: int = 7, replicates: int = 999,
                     seed: int = 0, workers: int = 1, max_clusters: int = 10) -> ScanResult:  # fmt: skip
    """The expectation-based Poisson scan (Neill et al. 2005).

    ``baselines`` are the expected counts of each location and day (same
    shape as ``counts``; only the last ``max_days`` columns are used). A
    cylinder's expectation B is the sum of its baselines and its LLR is
    c·log(c/B) − (c − B) where c > B, else 0. Replicates draw every count
    of the last days from Poisson(baseline). Relative risk: c / B.

    Baselines must be positive: a zero one would make any case infinitely
    surprising, so floor a temporal model's zero forecasts (e.g. at 0.01)."""
    counts = _counts(counts, zones)
    baselines = np.asarray(baselines, dtype=float)
    if baselines.shape != counts.shape:
        raise ValueError("baselines must have the shape of counts")
    kernel = _expectation_kernel(baselines, zones=zones, days=_window(max_days, counts))
    return _scan(kernel, counts, zones, replicates=replicates, seed=seed, workers=workers,
                 max_clusters=max_clusters)  # fmt: skip


def _expectation_kernel(baselines: np.ndarray, *, zones: Zones, days: int) -> _Kernel:
    recent = np.ascontiguousarray(baselines[:, ::-1][:, :days].T)  # (days, n): today first
    if not (recent > 0).all():
        raise ValueError("baselines must be positive (floor zero forecasts)")
    padded = np.concatenate([np.cumsum(recent, axis=0), np.zeros((days, 1))], axis=1)
    expected = np.cumsum(padded[:, zones.neighbours.T], axis=1)
    return _Kernel.build(kind="expectation", zones=zones, expected=expected, baselines=recent,
                         most=np.iinfo(np.int32).max)  # fmt: skip


def _counts(counts, zones: Zones) -> np.ndarray:
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != zones.n:
        raise ValueError("counts must be (locations, days) with the locations of the zones")
    if (counts < 0).any() or not np.array_equal(counts, np.round(counts)):
        raise ValueError("counts must be non-negative whole numbers")
    return counts.astype(np.int64)


def _window(max_days: int, counts: np.ndarray) -> int:
    if not 1 <= max_days <= counts.shape[1]:
        raise ValueError("max_days must be between 1 and the number of days")
    return max_days


# ------------------------------------------------------------- machinery


@dataclass(frozen=True)
class _Kernel:
    """What the observed data and every replicate share. Cylinder arrays
    are laid out (window length − 1, k − 1, centre): the running sum over a
    centre's neighbours then adds whole contiguous rows, one per k, which
    is ten times faster than ``np.cumsum`` along a short last axis."""

    kind: str
    neighbours: np.ndarray  # (K, n): row k − 1 is every centre's k-th location, n where none
    expected: np.ndarray  # (days, K, n): μ or B, inf where there is no such zone
    needed: np.ndarray  # (days, K, n): the smallest count above the expectation, in `dtype`
    dtype: type  # small enough to be quick, large enough for any count of a cylinder
    total: int = 0  # permutation: all cases
    case_locations: np.ndarray | None = None  # permutation: the location of every case
    day_cases: np.ndarray | None = None  # permutation: cases of today, yesterday, …
    baselines: np.ndarray | None = None  # expectation: (days, n), today first
    most: int = 0  # the largest count a cylinder can have (or a cap, for Poisson draws)
    level: float = 0.0  # with `strong`: an LLR most replicates' maximum reaches (see `with_level`)
    strong: np.ndarray | None = None  # (days, K, n): the smallest count whose LLR reaches `level`

    @classmethod
    def build(cls, *, zones: Zones, expected: np.ndarray, most: int, **kw) -> _Kernel:
        neighbours = np.ascontiguousarray(zones.neighbours.T)
        expected = np.where(neighbours == zones.n, np.inf, expected)
        dtype = np.int16 if most < np.iinfo(np.int16).max else np.int32
        top = np.iinfo(dtype).max  # (above `most`: never reached, as for a missing zone)
        needed = (np.floor(np.minimum(expected, top - 1)) + 1).astype(dtype)  # c > μ ⇔ c ≥ ⌊μ⌋ + 1
        return cls(neighbours=neighbours, expected=expected, needed=needed, dtype=dtype, most=most, **kw)

    @property
    def days(self) -> int:
        return self.expected.shape[0]

    def llr(self, c: np.ndarray, mu: np.ndarray) -> np.ndarray:
        """The log-likelihood ratio of cylinders with an excess (c > μ)."""
        if self.kind == "permutation":
            rest = self.total - c  # (0 when one cylinder holds every case: 0·log 0 = 0)
            return c * np.log(c / mu) + rest * np.log(np.maximum(rest, 1e-300) / (self.total - mu))
        return c * np.log(c / mu) - (c - mu)

    def in_cylinders(self, recent: np.ndarray, work: _Workspace) -> tuple[np.ndarray, np.ndarray]:
        """Cases of every cylinder from cases per (day, location), today
        first; also the cases of the k-th location alone over the window,
        which says where a centre's count goes up. Written into ``work``."""
        np.cumsum(recent, axis=0, dtype=work.dtype, out=work.windows[:, :-1])  # (the last column: 0)
        # mode="clip" (all indices are valid) lets take write straight into `out`, unbuffered.
        flat = work.at_k.reshape(self.days, -1)
        np.take(work.windows, self.neighbours.ravel(), axis=1, mode="clip", out=flat)
        np.copyto(work.c, work.at_k)
        for k in range(1, work.c.shape[1]):
            np.add(work.c[:, k], work.c[:, k - 1], out=work.c[:, k])
        return work.c, work.at_k

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """One null replicate of cases per (day, location) over the last days."""
        n = self.neighbours.shape[1]
        if self.kind == "expectation":
            return rng.poisson(self.baselines)
        # Shuffling the days among all cases and keeping those that land in the last days is the
        # same as drawing, without replacement, which cases fill each of those days' slots.
        picked = self.case_locations[rng.choice(len(self.case_locations), int(self.day_cases.sum()),
                                                replace=False)]  # fmt: skip
        day = np.repeat(np.arange(self.days), self.day_cases)
        return np.bincount(day * n + picked, minlength=self.days * n).reshape(self.days, n)

    def max_llr(self, recent: np.ndarray, work: _Workspace) -> float:
        """The largest LLR over all cylinders. For a fixed count the LLR
        falls as the expectation grows, and along a centre's neighbours the
        expectation only grows, so of the zones with the same count only
        the first — the one whose last location brought a case — can be
        the best: only those are evaluated (a quarter of all cylinders at
        the load of a city, fewer on quiet days)."""
        c, at_k = self.in_cylinders(recent, work)
        np.greater(at_k, 0, out=work.hit)
        if self.strong is not None:
            # First only the cylinders whose LLR reaches `level`: far fewer. If one does, the
            # maximum is among them; if none does, look at all of them after all.
            np.greater_equal(c, self.strong, out=work.excess)
            worth = np.flatnonzero(np.logical_and(work.hit, work.excess, out=work.excess))
            if len(worth):
                best = float(self.llr(c.ravel()[worth].astype(float), self.expected.ravel()[worth]).max())
                if best >= self.level:
                    return best
        np.greater_equal(c, self.needed, out=work.excess)
        worth = np.flatnonzero(np.logical_and(work.hit, work.excess, out=work.hit))
        if not len(worth):
            return 0.0
        return float(self.llr(c.ravel()[worth].astype(float), self.expected.ravel()[worth]).max())

    def with_level(self, level: float) -> _Kernel:
        """This kernel with `strong`, the smallest count at which each
        cylinder's LLR reaches ``level`` — found by bisection, the LLR rising
        with the count above the expectation. Where it would exceed
        ``most`` (or the bisection's cap) it is set there: that only lets
        more cylinders through, and the maximum is checked against
        ``level`` anyway, so the answer stays exact."""
        mu = self.expected
        cap = min(self.most + 1, 1 << 14)
        lo = np.minimum(self.needed.astype(np.int64), cap)
        hi = np.full(mu.shape, cap, dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            while (open_ := lo < hi).any():
                mid = (lo[open_] + hi[open_]) // 2
                ok = self.llr(mid.astype(float), mu[open_]) >= level
                hi[open_] = np.where(ok, mid, hi[open_])
                lo[open_] = np.where(ok, lo[open_], mid + 1)
        strong = np.where(np.isinf(mu), self.needed, lo).astype(self.dtype)
        return replace(self, level=level, strong=strong)


class _Workspace:
    """The arrays one evaluation of all cylinders writes into, allocated
    once per batch of replicates and reused: the big per-replicate arrays
    are not allocated, freed and faulted in again each time (see also
    ``_keep_freed_memory``)."""

    def __init__(self, kernel: _Kernel, dtype: type):
        shape = kernel.expected.shape
        self.dtype = dtype
        self.windows = np.zeros((kernel.days, shape[2] + 1), dtype=dtype)
        self.at_k, self.c = np.empty(shape, dtype=dtype), np.empty(shape, dtype=dtype)
        self.hit, self.excess = np.empty(shape, dtype=bool), np.empty(shape, dtype=bool)


def _scan(kernel: _Kernel, counts: np.ndarray, zones: Zones, *, replicates: int, seed: int, workers: int,
          max_clusters: int) -> ScanResult:  # fmt: skip
    if replicates < 0 or workers < 1:
        raise ValueError("replicates must not be negative and workers must be at least 1")
    recent = counts[:, ::-1][:, : kernel.days].T
    observed, _ = kernel.in_cylinders(recent, _Workspace(kernel, np.int64))
    llr = np.zeros(observed.shape)
    excess = observed > kernel.expected
    llr[excess] = kernel.llr(observed[excess].astype(float), kernel.expected[excess])
    maxima = _replicate_maxima(kernel, replicates=replicates, seed=seed, workers=workers)
    clusters = []
    for d, k, i in _non_overlapping(llr, kernel.neighbours, zones.n, max_clusters):
        c, mu = int(observed[d, k, i]), float(kernel.expected[d, k, i])
        if kernel.kind == "permutation":
            rest = kernel.total - c
            risk = (c / mu) / (rest / (kernel.total - mu)) if rest else math.inf
        else:
            risk = c / mu
        p = (1 + int((maxima >= llr[d, k, i]).sum())) / (replicates + 1) if replicates else math.nan
        clusters.append(Cluster(
            centre=int(i), locations=tuple(int(j) for j in zones.neighbours[i, : k + 1]),
            radius=float(zones.distances[i, k]), days=int(d + 1), first_day=counts.shape[1] - int(d) - 1,
            observed=c, expected=mu, relative_risk=risk, llr=float(llr[d, k, i]), p_value=p,
            recurrence_days=1 / p,
        ))  # fmt: skip
    cylinders = Cylinders(*(a.transpose(2, 1, 0) for a in (observed, kernel.expected, llr)))
    return ScanResult(clusters, maxima, cylinders)


def _non_overlapping(llr: np.ndarray, neighbours: np.ndarray, n: int, limit: int):
    """(window − 1, k − 1, centre) of the strongest cylinder, then of the
    strongest that shares no location with those before (SaTScan's "no
    geographical overlap"), while the LLR is positive. Equal LLRs go to
    the shortest window, then the smaller zone, then the lowest centre id."""
    llr = llr.copy()
    used = np.zeros(n + 1, dtype=bool)  # (the padding index stays unused)
    for _ in range(limit):
        best = np.unravel_index(int(np.argmax(llr)), llr.shape)
        if llr[best] <= 0:
            return
        yield best
        _, k, i = best
        used[neighbours[: k + 1, i]] = True
        touching = used[neighbours]  # (K, n)
        first = np.where(touching.any(axis=0), touching.argmax(axis=0), len(neighbours))
        llr[:, np.arange(len(neighbours))[:, None] >= first[None, :]] = 0


# ------------------------------------------------------------- Monte Carlo

PILOTS = 3
_WORKER_KERNEL: _Kernel | None = None


def _replicate_maxima(kernel: _Kernel, *, replicates: int, seed: int, workers: int) -> np.ndarray:
    """The maximum LLR of each replicate. Replicate r draws from its own
    generator, seeded by (seed, r), so which process runs it is irrelevant."""
    # A few pilot replicates, evaluated in full, say what LLR nearly every replicate's maximum
    # reaches; the others first look only at cylinders reaching half of the smallest pilot
    # maximum — a few thousand instead of a few hundred thousand. Exact either way.
    pilot = _maxima(kernel, seed, range(min(PILOTS, replicates)))
    if replicates <= PILOTS:
        return pilot
    if pilot.min() > 0:
        kernel = kernel.with_level(pilot.min() / 2)
    if workers == 1:
        return np.concatenate([pilot, _maxima(kernel, seed, range(PILOTS, replicates))])
    # Contiguous chunks, a few per worker so a slow one does not hold up the rest.
    bounds = np.linspace(PILOTS, replicates, min(replicates - PILOTS, 4 * workers) + 1).astype(int)
    chunks = [range(a, b) for a, b in pairwise(bounds)]
    # "spawn": a fresh interpreter, safe to start from a threaded web or worker process (the
    # caller's main module must then be importable without side effects, as multiprocessing asks).
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_adopt,
                             initargs=(kernel,)) as pool:  # fmt: skip
        parts = list(pool.map(_maxima_in_worker, [seed] * len(chunks), chunks))
    return np.concatenate([pilot, *parts])


def _adopt(kernel: _Kernel) -> None:
    global _WORKER_KERNEL
    _WORKER_KERNEL = kernel
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let a worker's allocator keep memory it frees. glibc returns freed
    blocks above 128 KB to the system at once and raises that limit only
    as big blocks come and go; a freshly started worker freeing a few MB
    of temporaries per replicate then takes thousands of page faults each
    time, and ran 1.5–2 times slower than the same loop in a long-lived
    process. Fixed limits (32 MB, glibc's maximum; trimming above 256 MB)
    end that. Elsewhere than glibc nothing is done."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def _maxima_in_worker(seed: int, indices: range) -> np.ndarray:
    return _maxima(_WORKER_KERNEL, seed, indices)


def _maxima(kernel: _Kernel, seed: int, indices: range) -> np.ndarray:
    out = np.empty(len(indices))
    work = _Workspace(kernel, kernel.dtype)
    for j, r in enumerate(indices):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r,)))
        out[j] = kernel.max_llr(kernel.draw(rng), work)
    return out
