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


def tracking_url(case: Case) -> str:
    """Absolute when the public address is configured (for SMS), else the path."""
    return settings.CHANGAN_PUBLIC_URL.rstrip("/") + reverse("track", args=[tracking_code(case)])
