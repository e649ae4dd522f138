"""The reporting-page benchmark runs end to end (no timing is asserted). It
runs in its own process: the browser tests keep a Playwright session open."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")


def test_the_report_page_benchmark_runs():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt")
        pytest.skip("chromium is not installed")
    script = Path(__file__).with_name("report_page.py")
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "reporting page (scan link → form)" in result.stdout and "slow 3G" in result.stdout
