"""The settings of the server the browser tests drive (bench/liveserver.py):
production settings, in the test run's time. With CHANGAN_CLOCK_SHIFT_DAYS set
(see test_settings) the server's clock is shifted as the test process's is, so
both agree on what today is."""

import os

from changan_site.settings import *  # noqa: F403

CLOCK_SHIFT_DAYS = int(os.environ.get("CHANGAN_CLOCK_SHIFT_DAYS") or 0)
