"""进: the mediator goes to the parties and the place before mediating
(走访), and keeps a diary of planned visits, sessions and follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as cases
from changan import clock
from mediation.models import Appointment, Dispute, Step, Visit
from mediation.services.base import (
    check_mediator,
    lock,
    mark_done,
    move_to,
    not_after,
    past,
    refuse,
    required,
)


def check_sign_case(dispute: Dispute, by) -> None:
    """签收: the mediator's committee takes the case on (the case core's rule)."""
    if "sign" not in cases.allowed_actions(dispute.case, by):
        refuse(_("本案当前不能由您签收"))


@transaction.atomic
def sign_for(*, dispute: Dispute, by, note: str = "") -> Dispute:
    """签收: the mediator signs for the dispute's case like any handler; the
    steps can be recorded from then on."""
    check_sign_case(dispute, by)
    cases.sign(case=dispute.case, by=by, note=note.strip() or "调解员签收")
    dispute.case.refresh_from_db()
    return dispute


def check_plan(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    if dispute.step == Step.DONE:
        refuse("纠纷已结案 / the dispute is closed")


@transaction.atomic
def plan(*, dispute: Dispute, by, kind: str, at: dt.datetime, place: str, note: str = "") -> Appointment:
    """约定: put a visit, session or follow-up in the mediator's diary."""
    dispute = lock(dispute)
    check_plan(dispute, by)
    if kind not in Appointment.Kind.values:
        raise ValidationError({"kind": f"未知类型 / unknown kind {kind!r}"})
    required(place=place)
    if at < clock.now() - dt.timedelta(hours=1):
        raise ValidationError({"at": "安排的时间已过 / the time has passed"})
    return Appointment.objects.create(
        dispute=dispute, kind=kind, at=at, place=place.strip()[:200], note=note.strip()[:200]
    )


def check_visit(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    not_after(dispute, Step.MEDIATE, "调解已结束，请记录回访 / mediation is over: record a follow-up instead")


@transaction.atomic
def record_visit(
    *,
    dispute: Dispute,
    by,
    at: dt.datetime,
    place: str,
    met: str,
    findings: str,
    companions: str = "",
    photos: Sequence = (),
) -> Visit:
    """进: a visit to the parties or the place before mediation (走访); it
    completes the step."""
    dispute = lock(dispute)
    check_visit(dispute, by)
    required(place=place, met=met, findings=findings)
    past(at, dispute, "走访")
    visit = Visit.objects.create(
        dispute=dispute,
        purpose=Visit.Purpose.INVESTIGATE,
        by=by,
        companions=companions.strip()[:200],
        at=at,
        place=place.strip()[:200],
        met=met.strip()[:200],
        findings=findings.strip(),
    )
    mark_done(dispute, Appointment.Kind.VISIT, at)
    if photos:
        visit.photos.set(cases.add_photos(case=dispute.case, photos=photos, source="mediation_visit"))
    move_to(dispute, Step.STABILISE, clock.now())
    dispute.save()
    cases.log_event(
        case=dispute.case,
        action="mediation_visit",
        by=by,
        note=findings.strip()[:500],
        data={"visit": visit.pk, "at": at.isoformat(), "met": met.strip()[:200], "photos": len(photos)},
    )
    return visit
