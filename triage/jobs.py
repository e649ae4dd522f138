"""Triage's background job (``manage.py run_job duplicate_check``, or
``run_worker`` with the others)."""

from changan.jobs import register
from triage.services import check_duplicates


def check_imported_duplicates() -> str:
    """Look for duplicates of imported cases, a batch at a time."""
    checked = check_duplicates()
    return f"查重 duplicates checked {checked}" if checked else ""


register("duplicate_check", check_imported_duplicates)
