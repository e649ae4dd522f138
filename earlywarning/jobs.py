"""The early warning's background job (``manage.py run_job early_warning``, or
``run_worker`` with the others).

Slow (minutes on a city's year): ``run_worker`` gives it a thread of its
own, so the timers and deliveries go on meanwhile. It is due every few
minutes but judges a day only once, after ``EARLY_WARNING_HOUR``."""

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
