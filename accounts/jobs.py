"""Accounts' background job (``manage.py run_job clear_sessions``, or
``run_worker`` with the others)."""

import datetime as dt
from importlib import import_module

from django.conf import settings

from changan.jobs import register


def clear_expired_sessions() -> str:
    """Delete expired sessions: every visit to a report form starts one (its
    key is bound to it), and nothing else would ever remove them."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return ""


register("clear_sessions", clear_expired_sessions, every=dt.timedelta(hours=1))
