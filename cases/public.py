"""What the public may see of cases — the one rule every public surface reads
through (Open311 without a wider key, "我也遇到" nearby, the tracking page).

A case is public only when all of these hold (FixMyStreet's model):

- its kind and channel may ever be public (``CASE_PUBLIC_KINDS``,
  ``CASE_PUBLIC_CHANNELS``): disputes are their parties' own, grid workers'
  reports and sensor alerts are internal, 110 and upper-level transfers are
  someone else's records;
- it is not a tip about people (举报) nor of a category that never is
  (``CASE_NEVER_PUBLIC_CATEGORIES``: 纪检监察, 政法, 矛盾纠纷 by default) —
  those are confidential, always;
- it has been accepted (受理) and was neither refused nor merged;
- staff made it public, or nobody decided and ``CASE_PUBLIC_BY_DEFAULT``
  says cases are public unless marked private (a resident can mark their
  report private on the form).

What is shown of a public case is ``PublicCase``: the title and category
with personal data masked (``changan.redact``), the village rather than the
address, the point snapped to about 100 m, the responsible unit (units are
public, people are not), never the description, reporter, notes or staff.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from cases.models import OPEN_STATUSES, AppealType, Case, Publicity, Status
from cases.selectors import PublicStep, public_timeline
from changan.redact import coarsen, redact

# Never public, whatever staff or the default decide.
NEVER_PUBLIC_STATUSES = (Status.RECEIVED, Status.REJECTED, Status.MERGED)


def may_be_public(case: Case) -> bool:
    """Whether staff may make this case public at all (its kind, channel,
    type and category)."""
    return (
        case.kind in settings.CASE_PUBLIC_KINDS
        and case.channel in settings.CASE_PUBLIC_CHANNELS
        and case.appeal_type != AppealType.REPORT
        and not (case.category_id or "").startswith(tuple(settings.CASE_NEVER_PUBLIC_CATEGORIES))
    )


def _never_public_categories() -> Q:
    return functools.reduce(
        operator.or_,
        (Q(category__code__startswith=prefix) for prefix in settings.CASE_NEVER_PUBLIC_CATEGORIES),
        Q(pk__in=[]),
    )


def public_q() -> Q:
    """The rule as a query: the cases anyone may see."""
    decided = Q(publicity=Publicity.PUBLIC)
    if settings.CASE_PUBLIC_BY_DEFAULT:
        decided |= Q(publicity=Publicity.DEFAULT)
    return (
        decided
        & Q(kind__in=settings.CASE_PUBLIC_KINDS, channel__in=settings.CASE_PUBLIC_CHANNELS)
        & ~Q(appeal_type=AppealType.REPORT)
        & ~Q(status__in=NEVER_PUBLIC_STATUSES)
        & ~_never_public_categories()
    )


def public_cases() -> QuerySet[Case]:
    return Case.objects.filter(public_q())


def is_public(case: Case) -> bool:
    return public_cases().filter(pk=case.pk).exists()


@dataclass(frozen=True)
class PublicCase:
    """A case as the public sees it."""

    pk: int
    number: str
    title: str
    category: str
    category_code: str
    status: str
    status_label: str
    is_open: bool
    place: str  # the village (社区/村), not the address
    lon: float | None
    lat: float | None
    unit: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    me_too: int


def public_view(case: Case) -> PublicCase:
    """``case`` as the public sees it. Needs ``area``, ``category`` and
    ``lead_unit`` (select_related) to avoid a query each."""
    lon, lat = coarsen(case.lon, case.lat)
    return PublicCase(
        pk=case.pk,
        number=case.number,
        title=public_text(case, case.title),
        category=case.category.name if case.category_id else "",
        category_code=case.category_id or "",
        status=case.status,
        status_label=str(case.get_status_display()),
        is_open=case.status in OPEN_STATUSES,
        place=case.area.name,
        lon=lon,
        lat=lat,
        unit=case.lead_unit.name if case.lead_unit_id else "",
        received_at=case.received_at,
        due_at=case.resolve_due_at,
        me_too=case.me_too,
    )


def public_text(case: Case, text: str) -> str:
    """``text`` of ``case`` with personal data masked (the reporter's name too)."""
    return redact(text, names=[case.reporter_name])


def public_steps(case: Case) -> list[PublicStep]:
    """The public course of a case, the units' replies masked like its title."""
    return [
        PublicStep(at=s.at, summary=s.summary, text=public_text(case, s.text), unit=s.unit)
        for s in public_timeline(case)
    ]
