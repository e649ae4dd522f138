#!/usr/bin/env python
"""Benchmark of the early-warning engine (issue #8) — so far its speed part:
the temporal detectors of ``intel.aberration`` (EARS C1/C2/C3, Bayes,
CUSUM) over many daily series at once, against the same detectors called
one series at a time (the way a loop over R's functions would run them).

    python bench/early_warning.py                # 10,000 series × 3 years of days
    python bench/early_warning.py --write-docs   # …and update docs/benchmarks.md

The evaluation harness the issue asks for (simulated outbreaks, equal
false-alarm rates, AMOC curves) comes with the remaining detectors.
Series are negative-binomial with weekday and yearly seasonality; they are
processed in chunks of rows so memory stays bounded (the windows of 1,000
series × 1,095 days × 7 values are ~60 MB)."""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docs import write_section  # noqa: E402
from intel import aberration  # noqa: E402

START = 365  # judge the last two years; the first is history

DETECTORS = {
    "EARS C1": lambda y: aberration.ears(y, start=START, method="C1"),
    "EARS C2": lambda y: aberration.ears(y, start=START, method="C2"),
    "EARS C3": lambda y: aberration.ears(y, start=START, method="C3"),
    "Bayes (w 6)": lambda y: aberration.bayes(y, start=START, w=6),
    "CUSUM": lambda y: aberration.cusum(y, start=START),
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


def run(n: int, days: int, chunk: int, loop_sample: int) -> dict:
    y = series(n, days)
    batch, loop = {}, {}
    for name, detect in DETECTORS.items():
        started = time.perf_counter()
        alarms = 0
        for i in range(0, n, chunk):
            alarms += int(detect(y[i : i + chunk]).alarm.sum())
        batch[name] = (time.perf_counter() - started, alarms)
        started = time.perf_counter()
        for row in y[:loop_sample]:
            detect(row)
        loop[name] = (time.perf_counter() - started) * n / loop_sample  # scaled to all series
    return {"n": n, "days": days, "chunk": chunk, "loop_sample": loop_sample, "batch": batch, "loop": loop}


def report(r: dict) -> str:
    total_batch = sum(s for s, _ in r["batch"].values())
    total_loop = sum(r["loop"].values())
    lines = [
        f"**Temporal detectors** — {r['n']:,} daily series × {r['days']:,} days (the last "
        f"{r['days'] - START:,} judged), negative-binomial with weekday and yearly seasonality; "
        f"rows in chunks of {r['chunk']:,}. One series at a time: measured on {r['loop_sample']:,} "
        f"series and scaled.",
        "",
        "| detector | all series at once, s | one series at a time, s | ratio | alarms |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (seconds, alarms) in r["batch"].items():
        loop = r["loop"][name]
        lines.append(f"| {name} | {seconds:.1f} | {loop:.1f} | {loop / seconds:.1f}× | {alarms:,} |")
    lines.append(
        f"| **all five** | **{total_batch:.1f}** | {total_loop:.1f} | {total_loop / total_batch:.1f}× | |"
    )
    lines += ["", f"Measured on {dt.date.today()} · Python {platform.python_version()} · one process."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=3 * 365)
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--loop-sample", type=int, default=500)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.series, args.days, args.chunk, min(args.loop_sample, args.series))
    text = report(result)
    print(text)
    if args.write_docs:
        write_section("early-warning", text)
        print("\nwritten to docs/benchmarks.md")
    return result


if __name__ == "__main__":
    main()
