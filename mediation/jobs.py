"""Mediation's background job (``manage.py run_job mediation_reminders``, or
``run_worker`` with the others)."""

from changan.jobs import register
from mediation.services import sweep


def send_mediation_reminders() -> str:
    """Daily high-risk checks, judicial-confirmation windows, overdue obligations and steps."""
    report = sweep()
    return f"调解提醒 mediation reminders {report.total()}" if report.total() else ""


register("mediation_reminders", send_mediation_reminders)
