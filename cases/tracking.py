"""The reporter's private tracking code (查询码): the signed case number,
so only who holds the receipt (or a verified phone) can follow the case."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from cases.models import Case

SALT = "changan.intake.tracking"  # unchanged since the first receipts: they must keep working


def tracking_code(case: Case) -> str:
    return signing.dumps(case.number, salt=SALT, compress=True)


def case_from_tracking(code: str) -> Case | None:
    try:
        number = signing.loads(code, salt=SALT)
    except signing.BadSignature:
        return None
    return Case.objects.filter(number=number).first()


def my_reports_url() -> str:
    """The public "find my reports" page (a verified phone gets in with a new
    SMS code), or "" when the site's public address is not configured. SMS
    carry this rather than a case's tracking link: that link is a bearer
    credential, and messages are stored and shown to administrators."""
    base = settings.CHANGAN_PUBLIC_URL.rstrip("/")
    return base + reverse("my-reports") if base else ""
