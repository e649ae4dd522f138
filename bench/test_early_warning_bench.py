"""The early-warning benchmark runs end to end in its quick form: the speed
part, and the evaluation with every metric and every method tuned to the
same false-alarm rate (few series; no timing is asserted)."""

import numpy as np

from bench import early_warning
from bench.ew_evaluate import METRICS
from bench.ew_methods import DEFAULT_STACK, Runner, threshold_at


def test_the_early_warning_benchmark_runs(capsys, tmp_path):
    png = tmp_path / "amoc.png"
    result = early_warning.main(["--quick", "--far", "0.005", "--amoc", str(png)])

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
        assert {"EARS C1", "EARS C2", "EARS C3", DEFAULT_STACK} <= set(rows)
        for row in rows.values():
            assert set(row) == set(METRICS)
    assert "permutation scan" in result["table"]["spatial"]

    e = result["evaluation"]
    reachable = {k: v for k, v in e["tuned"].items() if k not in e["unreachable"]}
    # Quick sizes: 1,200 series-days per tuning set, so one alarm moves the rate by 0.0008.
    assert reachable and all(abs(rate - 0.005) <= 0.0017 for rate in reachable.values())
    assert all(method.startswith("Farrington") for method, _ in e["unreachable"])
    assert png.stat().st_size > 10_000
    assert "default stack vs the best of EARS" in out


def test_tuning_meets_the_rate_despite_ties():
    scores = np.repeat([0.0, 1.0, 2.0], [900, 80, 20]).reshape(10, 100)
    c, share = threshold_at(scores, 0.05)
    runner = Runner(0)
    alarms = (scores > c) | ((scores == c) & (runner._uniform(scores.shape) < share))
    assert abs(alarms.mean() - 0.05) < 0.02
