#!/usr/bin/env python
"""Benchmark of the space–time scan (issue #8, 探照灯's map axis): the
prospective space–time permutation scan of ``intel.scan`` on a city-sized
year of cases, against SaTScan's time for the same analysis.

    python bench/scan.py                          # 10,000 grids × 365 days, 999 replicates, 1 and 2 workers
    python bench/scan.py --workers 2 --replicates 99
    python bench/scan.py --write-docs             # …and update docs/benchmarks.md

The city is a square of grids 500 m apart; each grid's daily mean is
exponential with mean 0.082 capped at 0.5 (~300,000 cases a year over
10,000 grids), lower at weekends, and an outbreak is planted in the last
three days of one zone of four grids so there is something to find. Zones:
the 20 nearest grids within 3 km; windows of 1–7 days ending today.
Replicates run in ``--workers`` processes (their seeds do not depend on
it, so the clusters and p-values are the same for any number)."""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docs import write_section  # noqa: E402
from changan import clock  # noqa: E402
from intel import scan  # noqa: E402

# SaTScan 10.x, measured on this kind of machine, per the issue (#8): the same prospective
# space-time permutation analysis of 10,000 locations × 365 days with 999 replicates.
SATSCAN_SECONDS = 218.0
SATSCAN_RUN = (10_000, 365, 999)  # locations, days, replicates
SPACING = 500.0  # metres between grid centroids


def city(locations: int, days: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """x, y (metres), counts (locations × days) and the planted zone."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(locations)))
    ids = np.arange(locations)
    x, y = (ids % side) * SPACING, (ids // side) * SPACING
    rate = np.minimum(rng.exponential(0.082, locations), 0.5)
    weekday = np.where(np.arange(days) % 7 >= 5, 0.7, 1.12)
    counts = rng.poisson(rate[:, None] * weekday[None, :])
    centre = (side // 2) * side + side // 2 if locations >= side * (side // 2 + 1) else locations // 2
    planted = [int(j) for j in scan.neighbourhoods(x, y, max_k=4).neighbours[centre]]
    counts[np.ix_(planted, np.arange(days - 3, days))] += 2
    return x, y, counts, planted


def run(locations: int, days: int, replicates: int, workers: list[int], max_k: int, radius: float) -> dict:
    x, y, counts, planted = city(locations, days)
    started = time.perf_counter()
    zones = scan.neighbourhoods(x, y, max_k=max_k, max_radius=radius)
    zone_seconds = time.perf_counter() - started
    runs, cpu, found = {}, {}, None
    for w in workers:
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        result = scan.permutation_scan(counts, zones=zones, max_days=7, replicates=replicates, workers=w)
        runs[w] = time.perf_counter() - started + zone_seconds  # (SaTScan's time includes its zones)
        cpu[w] = _cpu_seconds() - cpu_started + zone_seconds
        found = result.clusters[0]
    return {
        "locations": locations, "days": days, "replicates": replicates, "cases": int(counts.sum()),
        "recent_cases": int(counts[:, -7:].sum()), "max_k": max_k, "radius": radius,
        "zone_seconds": zone_seconds, "runs": runs, "cpu": cpu, "satscan_seconds": SATSCAN_SECONDS,
        "ratio": {w: SATSCAN_SECONDS / s for w, s in runs.items()},
        "planted": planted, "cluster": found, "found_planted": set(found.locations) == set(planted),
        "load": os.getloadavg(),
    }  # fmt: skip


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes: on a
    shared machine a steadier figure than the wall clock."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def report(r: dict) -> str:
    c = r["cluster"]
    lines = [
        f"**Space–time permutation scan** — {r['locations']:,} grids × {r['days']:,} days, "
        f"{r['cases']:,} cases ({r['recent_cases']:,} in the last 7 days); zones of the {r['max_k']} "
        f"nearest grids within {r['radius'] / 1000:g} km, windows of 1–7 days ending today, "
        f"{r['replicates']:,} replicates.",
        "",
        "| processes | seconds | CPU seconds, all processes | SaTScan 10.x, s | faster |",
        "|---:|---:|---:|---:|---:|",
    ]
    for w, seconds in r["runs"].items():
        lines.append(
            f"| {w} | {seconds:.1f} | {r['cpu'][w]:.1f} | {r['satscan_seconds']:.0f} | {r['ratio'][w]:.1f}× |"
        )
    lines += [
        "",
        f"Most likely cluster: {len(c.locations)} grids around {c.centre}, last {c.days} days, "
        f"{c.observed} cases for {c.expected:.1f} expected, p = {c.p_value:.3g} "
        f"({'the planted outbreak' if r['found_planted'] else 'not the planted outbreak'}).",
        f"Measured on {clock.today()} · Python {platform.python_version()} · {os.cpu_count()} cores, "
        f"load average {r['load'][0]:.1f} at the end (a shared machine: timings are noisy). "
        f"SaTScan's time: measured on this kind of machine, per the issue.",
    ]
    if (r["locations"], r["days"], r["replicates"]) != SATSCAN_RUN:
        lines.append("(SaTScan's time is for 10,000 grids × 365 days × 999 replicates: "
                     "here the ratio compares different amounts of work.)")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locations", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replicates", type=int, default=999)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="one run per value")
    parser.add_argument("--max-k", type=int, default=20)
    parser.add_argument("--radius", type=float, default=3000.0, help="metres")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    result = run(args.locations, args.days, args.replicates, args.workers, args.max_k, args.radius)
    text = report(result)
    print(text)
    if args.write_docs:
        write_section("space-time-scan", text)
        print("\nwritten to docs/benchmarks.md")
    return result


if __name__ == "__main__":
    main()
