"""What every step of the mediation shares: who may act (the coordinator,
the dispute's mediator), the order of the steps, locking, the checks on a
record's time and required text, the step clocks, and telling people."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import RoleCode
from accounts.scope import scope_of
from cases import services as cases
from cases.models import Case, Status
from changan import clock
from mediation.models import STEP_ORDER, Appointment, Dispute, Step
from notify.services import notify
from worktime.selectors import work_calendar


class StepRefused(PermissionDenied):
    """The step cannot be taken now: by this user, or before the record the
    previous step needs."""


def refuse(message: str) -> None:
    raise StepRefused(message)


def is_coordinator(user, case: Case) -> bool:
    """The dispatchers (综治中心) covering the case coordinate its mediation."""
    return (
        bool(user)
        and (user.is_superuser or user.has_role(RoleCode.DISPATCHER))
        and (scope_of(user).covers_area(case.area_id))
    )


def check_mediator(dispute: Dispute, user) -> None:
    """Only the dispute's active mediator records its steps, once they have
    signed for the case and while it is being handled."""
    if dispute.mediator_id is None:
        refuse("尚未选定调解员 / no mediator has been chosen yet")
    if not (user.is_superuser or dispute.mediator.user_id == user.pk):
        refuse("只有主持调解员可以记录 / only the dispute's mediator may record this")
    if not dispute.mediator.is_active:
        refuse("调解员已不在岗，请综治中心更换调解员 / the mediator is inactive: ask for another")
    if dispute.case.status == Status.DISPATCHED:
        refuse("请先签收本案 / sign for the case first (签收)")
    if dispute.case.status != Status.HANDLING:
        refuse(f"案件状态为「{Status(dispute.case.status).label}」，不能记录 / the case is not being handled")


def at_least(dispute: Dispute, step: Step, missing: str) -> None:
    if STEP_ORDER.index(dispute.step) < STEP_ORDER.index(step):
        refuse(missing)


def not_after(dispute: Dispute, step: Step, message: str) -> None:
    if STEP_ORDER.index(dispute.step) > STEP_ORDER.index(step):
        refuse(message)


def lock(dispute: Dispute) -> Dispute:
    """The dispute and its case, locked in the services' order (dispute, then case)."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("mediator__user", "mediator__committee", "dispute_type")
        .get(pk=dispute.pk)
    )
    dispute.case = cases.lock_case(dispute.case)
    return dispute


def past(at: dt.datetime, dispute: Dispute, what: str) -> dt.datetime:
    """A record says what happened: not in the future, not before the dispute."""
    if at > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError(
            {"at": f"{what}时间不能晚于现在 / the time of the {what} cannot be in the future"}
        )
    if at < dispute.case.received_at - dt.timedelta(days=1):
        raise ValidationError({"at": f"{what}时间早于纠纷登记 / the {what} is dated before the dispute"})
    return at


def required(**values: str) -> None:
    missing = {k: "必填 / required" for k, v in values.items() if not (v or "").strip()}
    if missing:
        raise ValidationError(missing)


def move_to(dispute: Dispute, step: Step, now: dt.datetime) -> None:
    """Advance (never go back) and start the new step's clock."""
    if STEP_ORDER.index(step) <= STEP_ORDER.index(dispute.step):
        return
    dispute.step = step
    start_step_clock(dispute, now)


def start_step_clock(dispute: Dispute, now: dt.datetime) -> None:
    """The current step's time limit (MEDIATION_STEP_WORKDAYS), from ``now``."""
    days = settings.MEDIATION_STEP_WORKDAYS.get(dispute.step)
    dispute.step_due_at = work_calendar().add_working_days(now, days) if days else None
    dispute.step_overdue = False


def mark_done(dispute: Dispute, kind: str, at: dt.datetime) -> None:
    """Recording a visit or session completes the one planned for that day."""
    day = at.astimezone(work_calendar().tz).date()
    planned = (
        Appointment.objects.filter(dispute=dispute, kind=kind, done=False, at__date=day)
        .order_by("at")
        .first()
    )
    if planned:
        planned.done = True
        planned.save(update_fields=["done"])


def tell(dispute: Dispute, kind: str, title: str, body: str, *, dispatchers: bool) -> None:
    """Notify the mediator (and the case's dispatchers, or them alone when
    there is no mediator yet)."""
    people = [dispute.mediator.user] if dispute.mediator_id else []
    if dispatchers or not people:
        people += cases.dispatchers_for(dispute.case)
    notify(recipients=people, case=dispute.case, kind=kind, title=title, body=body)
