#!/usr/bin/env python
"""Benchmark of the early-warning engine (issue #8, 探照灯), in two parts.

* **speed** — the temporal detectors over many daily series at once,
  against the same detectors called one series at a time (the way a loop
  over R's functions would run them).
* **evaluation** — how well they find outbreaks. Baselines are simulated
  (negative-binomial with trend, yearly seasonality and weekday effects;
  designed parameter sets from 0.3 to 30 cases a day, and one fitted from
  the demo city's generator, ``bench/data/demo_city_series.json``);
  outbreaks are injected (spikes, ramps, steps; spatial clusters over the
  k nearest grids); every method is tuned to the **same false-alarm rate**
  on outbreak-free series drawn with another seed, then scored: false-
  positive rate, probability of detection, detected by day 1/3/7,
  sensitivity, PPV, median delay, and an AMOC curve (delay against false
  alarms per year) drawn to a PNG.

    python bench/early_warning.py                       # both parts (a few minutes)
    python bench/early_warning.py --part evaluation --far 0.002
    python bench/early_warning.py --quick               # small sizes, for the test
    python bench/early_warning.py --write-docs          # …and update docs/benchmarks.md, docs/img/amoc.png
    python bench/early_warning.py --derive-demo-city    # rewrite bench/data/demo_city_series.json

Why equal false-alarm rates: a detector that alarms more often finds more
outbreaks for free, so probabilities of detection are only comparable at
the same cost (Watkins et al. 2008 compared EARS and NB CUSUM at ≈ 0.005
false alarms per day; that is our default). Thresholds are set separately
for each baseline family, as a city sets them per kind of series."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The parts: ew_speed (the timings), ew_simulate (baselines, outbreaks, regions, the demo
# city's series), ew_methods (the detectors as compared, the scans, tuning to one rate),
# ew_evaluate (metrics, the evaluation, its report and the AMOC plot).
from bench.docs import write_section  # noqa: E402
from bench.ew_evaluate import (  # noqa: E402
    FAMILIES,
    FULL,
    QUICK,
    evaluate,
    evaluation_report,
    family_rows,
    plot_amoc,
)
from bench.ew_simulate import DEMO_CITY_JSON, derive_demo_city  # noqa: E402
from bench.ew_speed import report, run  # noqa: E402

AMOC_PNG = ROOT / "docs" / "img" / "amoc.png"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=("speed", "evaluation", "all"), default="all")
    parser.add_argument("--quick", action="store_true", help="small sizes for both parts (the test)")
    parser.add_argument("--series", type=int, default=None, help="speed: series (default 10,000)")
    parser.add_argument("--days", type=int, default=3 * 365, help="speed: days per series")
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--loop-sample", type=int, default=500)
    parser.add_argument("--far", type=float, default=0.005, help="false alarms per series-day to tune to")
    parser.add_argument("--seed", type=int, default=2026, help="tuning seed; evaluation uses seed + 1")
    parser.add_argument(
        "--amoc",
        type=Path,
        default=None,
        help=f"write the AMOC PNG here (--write-docs: {AMOC_PNG.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--slow-methods", action="store_true", help="add Farrington-flexible and GLR NB (slow)"
    )
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--derive-demo-city", action="store_true", help=f"rewrite {DEMO_CITY_JSON.relative_to(ROOT)} and stop"
    )
    args = parser.parse_args(argv)
    if args.derive_demo_city:
        fitted = derive_demo_city()
        print(
            f"{DEMO_CITY_JSON.relative_to(ROOT)}: {fitted['grids']} grids, "
            f"{len(fitted['county_family_daily_means'])} series"
        )
        return fitted
    result: dict = {}
    if args.part in ("speed", "all"):
        n = args.series or (40 if args.quick else 10_000)
        days = min(args.days, 800) if args.quick else args.days
        chunk = min(args.chunk, 16) if args.quick else args.chunk
        result.update(run(n, days, chunk, min(args.loop_sample, n, 5 if args.quick else n)))
        text = report(result)
        print(text)
        if args.write_docs:
            write_section("early-warning", text)
    if args.part in ("evaluation", "all"):
        amoc_path = args.amoc or (AMOC_PNG if args.write_docs else None)
        e = evaluate(QUICK if args.quick else FULL, args.far, args.seed, slow=args.slow_methods)
        if amoc_path is not None:
            plot_amoc(e, amoc_path)
        text = evaluation_report(e, amoc_path)
        print("\n" + text)
        if args.write_docs:
            write_section("early-warning-evaluation", text)
        result["evaluation"] = e
        result["table"] = {f: family_rows(e, f) for f in FAMILIES}
    if args.write_docs:
        print("\nwritten to docs/benchmarks.md")
    return result


if __name__ == "__main__":
    main()
