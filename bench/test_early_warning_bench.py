"""The early-warning benchmark runs end to end (few series; no timing is asserted)."""

import importlib.util
from pathlib import Path


def test_the_early_warning_benchmark_runs(capsys):
    spec = importlib.util.spec_from_file_location("bench_ew", Path(__file__).with_name("early_warning.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--series", "40", "--days", "800", "--chunk", "16", "--loop-sample", "5"])
    assert set(result["batch"]) == {"EARS C1", "EARS C2", "EARS C3", "Bayes (w 6)", "CUSUM"}
    assert all(alarms > 0 for _, alarms in result["batch"].values())
    assert "all five" in capsys.readouterr().out
