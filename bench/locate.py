#!/usr/bin/env python
"""Benchmark: place random points inside Hebi into the ~10,000 demo grids.

Compares the GridLocator's batch and single-point paths with
  (a) a plain loop of shapely ``contains`` over all grids (on a sample), and
  (b) a bare shapely STRtree ``query(points, predicate="within")``
on the same grids and points. Machines here are noisy, so each figure is the
best of several runs and the table shows ratios to the bare STRtree.

    python bench/locate.py                 # 1,000,000 points
    python bench/locate.py --write-docs    # …and update docs/benchmarks.md

Needs no database: the grids are generated from the demo data files exactly as
``manage.py load_demo`` generates them (same seed).
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docs import DOCS, write_section  # noqa: E402
from changan import clock  # noqa: E402
from regions.gridgen import plan_city  # noqa: E402
from regions.locator import GridLocator  # noqa: E402

DATA = ROOT / "demo" / "data" / "hebi"
SEED = 2026  # the demo's seed (demo.services.SEED)
HOSTS = {"410671000000": "410611000000"}


def demo_grids() -> tuple[list[str], list]:
    with open(DATA / "hebi_admin_divisions.csv", encoding="utf-8") as f:
        parent_of = {r["code"]: r["parent_code"] for r in csv.DictReader(f)}
    features = json.loads((DATA / "410600_full.json").read_text(encoding="utf-8"))["features"]
    roots = {f"{f['properties']['adcode']}000000": shape(f["geometry"]) for f in features}
    cells, _ = plan_city(parent_of, roots, seed=SEED, hosts=HOSTS)
    grids = {code: geom for code, geom in cells.items() if len(code) == 15}
    return list(grids), list(grids.values())


def random_points_in_city(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    outline = json.loads((DATA / "410600_city_outline.json").read_text(encoding="utf-8"))
    city = shape(outline["features"][0]["geometry"])
    minx, miny, maxx, maxy = city.bounds
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < n:
        x = rng.uniform(minx, maxx, 2 * n)
        y = rng.uniform(miny, maxy, 2 * n)
        keep = shapely.contains_xy(city, x, y)
        lon, lat = np.concatenate([lon, x[keep]]), np.concatenate([lat, y[keep]])
    return lon[:n], lat[:n]


def best_of(repeats: int, fn) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(n_points: int, n_single: int, n_loop: int, repeats: int) -> dict:
    t0 = time.perf_counter()
    codes, geoms = demo_grids()
    gen_s = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    lon, lat = random_points_in_city(n_points, rng)

    t0 = time.perf_counter()
    locator = GridLocator(codes, geoms)
    build_s = time.perf_counter() - t0
    tree = shapely.STRtree(geoms)
    prepared = np.asarray(geoms, dtype=object)
    shapely.prepare(prepared)

    # Same answers first: the fast path must agree with the exact one.
    exact = GridLocator(codes, geoms, max_cells=0)
    sample = slice(0, min(n_points, 200_000))
    assert (
        locator.locate_many(lon[sample], lat[sample]) == exact.locate_many(lon[sample], lat[sample])
    ).all()

    batch_s = best_of(repeats, lambda: locator.locate_indices(lon, lat))
    bare_s = best_of(repeats, lambda: tree.query(shapely.points(lon, lat), predicate="within"))
    exact_s = best_of(repeats, lambda: exact.locate_indices(lon, lat))

    xs, ys = lon[:n_single].tolist(), lat[:n_single].tolist()

    def singles():
        for x, y in zip(xs, ys, strict=True):
            locator.locate(x, y)

    def bare_singles():
        for x, y in zip(xs, ys, strict=True):
            tree.query(shapely.Point(x, y), predicate="within")

    single_s = best_of(repeats, singles)
    bare_single_s = best_of(repeats, bare_singles)

    loop_points = [shapely.Point(x, y) for x, y in zip(lon[:n_loop], lat[:n_loop], strict=True)]

    def contains_loop():
        for p in loop_points:
            for g in prepared:
                if g.contains(p):
                    break

    loop_s = best_of(1, contains_loop)
    outside = int((locator.locate_indices(lon, lat) < 0).sum())
    return {
        "grids": len(codes),
        "points": n_points,
        "outside": outside,
        "generate_s": gen_s,
        "build_s": build_s,
        "raster_mb": locator._raster.nbytes / 1e6 if locator._raster is not None else 0.0,
        "batch_pps": n_points / batch_s,
        "exact_pps": n_points / exact_s,
        "bare_pps": n_points / bare_s,
        "single_us": single_s / n_single * 1e6,
        "bare_single_us": bare_single_s / n_single * 1e6,
        "loop_pps": n_loop / loop_s,
        "n_single": n_single,
        "n_loop": n_loop,
    }


def table(r: dict) -> str:
    bare = r["bare_pps"]
    rows = [
        ("GridLocator batch (raster + STRtree on borders)", r["batch_pps"]),
        ("GridLocator batch, exact path only (STRtree within + intersects)", r["exact_pps"]),
        ("(b) bare shapely STRtree query(predicate='within')", bare),
        (f"(a) loop of prepared shapely contains over all grids ({r['n_loop']} pts)", r["loop_pps"]),
    ]
    lines = [
        "| path | points/s | × bare STRtree |",
        "|---|---:|---:|",
        *(f"| {name} | {pps:,.0f} | {pps / bare:.3g} |" for name, pps in rows),
        "",
        "| single-point path | µs/point | × bare STRtree single query |",
        "|---|---:|---:|",
        f"| GridLocator.locate ({r['n_single']:,} calls) | {r['single_us']:.2f} | "
        f"{r['single_us'] / r['bare_single_us']:.2f} |",
        f"| bare STRtree.query(Point, predicate='within') | {r['bare_single_us']:.2f} | 1.00 |",
    ]
    return "\n".join(lines)


def environment() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{clock.today().isoformat()} · {cpu} · Python {platform.python_version()} · "
        f"numpy {np.__version__} · shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=100_000, help="points for the single-point path")
    parser.add_argument("--loop", type=int, default=300, help="points for the plain contains loop")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    r = run(args.points, min(args.single, args.points), min(args.loop, args.points), args.repeats)
    report = "\n".join(
        [
            f"`python bench/locate.py` — {r['points']:,} random points inside the Hebi city outline, "
            f"{r['grids']:,} demo grids; best of {args.repeats}.",
            "",
            table(r),
            "",
            f"Locator build: {r['build_s']:.2f} s (raster {r['raster_mb']:.1f} MB); grid generation "
            f"{r['generate_s']:.1f} s. Points outside every grid: {r['outside']:,} "
            "(the city outline and the county polygons come from different sources and differ at the edges).",
            "",
            f"Measured on: {environment()}.",
        ]
    )
    print(report)
    if args.write_docs:
        write_section("locate", report)
        print(f"\nwritten to {DOCS.relative_to(ROOT)}")
    return r


if __name__ == "__main__":
    main()
