"""The intelligence benchmark runs end to end on PostgreSQL with the real
data (small sizes; no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the duplicate lookup is measured on PostgreSQL"
    ),
    pytest.mark.skipif(not (ROOT.parent / "shared" / "data").is_dir(), reason="needs ../shared/data"),
]


def test_the_intel_benchmark_runs():
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/changan_intel_smoke"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, str(ROOT / "bench" / "intel.py"), "--cases", "3000", "--lookups", "20",
               "--folds", "2", "--sample", "1500", "--database-url", url]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "macro-F1" in out and "Duplicate lookup" in out and "Hot issues" in out
