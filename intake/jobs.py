"""Intake's background job (``manage.py run_job intake_purge``, or
``run_worker`` with the others)."""

import datetime as dt

from changan.jobs import register
from intake.services import purge_expired


def purge_staged_uploads() -> str:
    """Forget staged photos and SMS codes older than a day."""
    purged = purge_expired()
    return f"清理 purged {purged}" if purged else ""


register("intake_purge", purge_staged_uploads, every=dt.timedelta(hours=1))
