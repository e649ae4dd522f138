"""The dashboard benchmark runs end to end on PostgreSQL (few cases; no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the dashboard benchmark needs PostgreSQL"
)


def test_the_dashboard_benchmark_runs():
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/changan_dashboard_smoke"
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, str(root / "bench" / "dashboard.py"), "--cases", "2000", "--repeat", "2",
               "--naive-repeat", "1", "--database-url", url]  # fmt: skip
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "first screen, city" in result.stdout and "queue counts" in result.stdout
