"""Triage's background job (run by ``manage.py run_worker``)."""

from changan.jobs import register
from triage.services import check_duplicates


def check_imported_duplicates() -> str:
    """Look for duplicates of imported cases, a batch at a time."""
    checked = check_duplicates()
    return f"查重 duplicates checked {checked}" if checked else ""


register("duplicate_check", check_imported_duplicates)
