"""The early warning's background job (run by ``manage.py run_worker``).

Slow (minutes on a city's year), so the worker runs it after the quick jobs
of its pass; it is due every few minutes but judges a day only once, after
``EARLY_WARNING_HOUR``."""

import datetime as dt

from changan.jobs import register
from earlywarning.services import run_due


def judge_yesterday() -> str:
    """探照灯: judge yesterday (and days missed while the worker was down)."""
    run = run_due()
    if run is None:
        return ""
    return f"风险预警 early warning {run.day}: {run.signals} signals ({run.seconds} s)"


register("early_warning", judge_yesterday, every=dt.timedelta(minutes=5), slow=True)
