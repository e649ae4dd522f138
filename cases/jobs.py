"""The case core's background job (``manage.py run_job case_timers``, or
``run_worker`` with the others)."""

from cases.services import sweep_timers
from changan.jobs import register


def sweep_case_timers() -> str:
    """Warnings, overdue marks, overdue signing, unacknowledged whistles."""
    report = sweep_timers()
    if not report.total():
        return ""
    return (
        f"预警 warned {report.warned} · 超期 overdue {report.overdue} · "
        f"签收超时 sign overdue {report.sign_overdue} · 吹哨升级 whistles {report.whistles_escalated}"
    )


register("case_timers", sweep_case_timers)
