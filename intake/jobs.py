"""Intake's background job (run by ``manage.py run_worker``)."""

import datetime as dt

from changan.jobs import register
from intake.services import purge_expired


def purge_staged_uploads() -> str:
    """Forget staged photos and SMS codes older than a day."""
    purged = purge_expired()
    return f"清理 purged {purged}" if purged else ""


register("intake_purge", purge_staged_uploads, every=dt.timedelta(hours=1))
