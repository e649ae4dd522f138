"""The early-warning benchmark runs end to end in its quick form: the speed
part, and the evaluation with every metric and every method tuned to the
same false-alarm rate (few series; no timing is asserted)."""

import importlib.util
import sys
from pathlib import Path


def _bench():
    spec = importlib.util.spec_from_file_location("bench_ew", Path(__file__).with_name("early_warning.py"))
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # (its dataclasses look their module up)
    spec.loader.exec_module(bench)
    return bench


def test_the_early_warning_benchmark_runs(capsys, tmp_path):
    bench = _bench()
    png = tmp_path / "amoc.png"
    result = bench.main(["--quick", "--far", "0.005", "--amoc", str(png)])

    # Every temporal detector is timed as the nightly run calls it; the fast five also over two years.
    assert {
        "Farrington flexible (improved)",
        "GLR NB",
        "NB CUSUM",
        "NB GLM",
        "series method (nightly run)",
    } <= set(result["nightly"])
    assert set(result["backfill"]) == {"EARS C1", "EARS C2", "EARS C3", "Bayes (w 6)", "CUSUM"}
    out = capsys.readouterr().out
    assert f"all {len(result['nightly'])}" in out

    for family in ("spike", "ramp", "step", "spatial"):
        rows = result["table"][family]
        assert {"EARS C1", "EARS C2", "EARS C3", bench.DEFAULT_STACK} <= set(rows)
        for row in rows.values():
            assert set(row) == set(bench.METRICS)
    assert "permutation scan" in result["table"]["spatial"]

    e = result["evaluation"]
    reachable = {k: v for k, v in e["tuned"].items() if k not in e["unreachable"]}
    # Quick sizes: 1,200 series-days per tuning set, so one alarm moves the rate by 0.0008.
    assert reachable and all(abs(rate - 0.005) <= 0.0017 for rate in reachable.values())
    assert all(method.startswith("Farrington") for method, _ in e["unreachable"])
    assert png.stat().st_size > 10_000
    assert "default stack vs the best of EARS" in out


def test_tuning_meets_the_rate_despite_ties():
    import numpy as np

    bench = _bench()
    scores = np.repeat([0.0, 1.0, 2.0], [900, 80, 20]).reshape(10, 100)
    c, share = bench.threshold_at(scores, 0.05)
    runner = bench.Runner(0)
    alarms = (scores > c) | ((scores == c) & (runner._uniform(scores.shape) < share))
    assert abs(alarms.mean() - 0.05) < 0.02
