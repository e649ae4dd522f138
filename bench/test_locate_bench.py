"""The benchmark runs end to end (on few points; no timing is asserted)."""

import importlib.util
from pathlib import Path


def test_the_locate_benchmark_runs(capsys):
    spec = importlib.util.spec_from_file_location("bench_locate", Path(__file__).with_name("locate.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--points", "20000", "--single", "500", "--loop", "20", "--repeats", "1"])
    assert 9_000 <= result["grids"] <= 12_000
    assert result["outside"] < result["points"] * 0.02
    assert "bare shapely STRtree" in capsys.readouterr().out
