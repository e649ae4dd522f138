"""The intake benchmark runs end to end on PostgreSQL (few cases; no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the intake benchmark needs PostgreSQL"
)


def test_the_intake_benchmark_runs():
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/changan_bench_smoke"
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, str(root / "bench" / "intake.py"), "--cases", "1000", "--database-url", url],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bare psycopg" in result.stdout and "first pass over 1,000 open cases" in result.stdout
