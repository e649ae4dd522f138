"""The scan benchmark runs end to end (a small city; no timing is asserted)."""

import importlib.util
from pathlib import Path


def test_the_scan_benchmark_runs_and_finds_the_planted_outbreak(capsys):
    spec = importlib.util.spec_from_file_location("bench_scan", Path(__file__).with_name("scan.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--locations", "400", "--days", "60", "--replicates", "19", "--workers", "1"])
    assert set(result["runs"]) == {1}
    assert result["found_planted"]
    assert result["cluster"].p_value == 1 / 20  # the planted outbreak beats every replicate
    assert "SaTScan" in capsys.readouterr().out
