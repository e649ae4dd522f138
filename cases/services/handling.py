"""The working steps of a case: accepting it (or not), sending it to a unit,
the unit signing for it or returning it, contacting the reporter,
extensions, suspending and resuming, whistles (吹哨) and answering them
(报到)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import hooks, limits
from cases.models import (
    AppealType,
    Case,
    CaseEvent,
    CaseUnit,
    Category,
    Status,
    Tier,
    TimeUnit,
    UnitRole,
    Urgency,
)
from cases.services.records import (
    check_new_deadline,
    close_flags,
    deadlines_of,
    dispatchers_for,
    lock,
    record,
    require,
    reset_flags,
    response_flags,
    set_deadlines,
    unit_staff,
    when,
)
from cases.services.rules import ActionRefused, check
from changan import clock
from notify.services import notify
from orgs.models import OrgUnit
from worktime.selectors import work_calendar

# --------------------------------------------------------------- accepting


@transaction.atomic
def accept(
    *, case: Case, by, category: Category | None = None, urgency: str | None = None, note: str = ""
) -> Case:
    """受理: the dispatcher takes the case on, optionally correcting its class."""
    case = lock(case)
    check(case, "accept", by)
    previous = case.category_id or ""
    if category is not None:
        case.category = category
    if urgency is not None:
        case.urgency = Urgency(urgency)
    if case.category_id is None:
        raise ValidationError({"category": "受理前须确定分类 / choose a category before accepting"})
    if category is not None:
        hooks.choice_made(case=case, field="category", chosen=category.code, by=by)
    old = case.status
    case.status = Status.ACCEPTED
    case.save()
    if case.category_id != previous:
        hooks.category_changed(case, previous_category=previous)
    record(case, "accept", by, from_status=old, note=note)
    return case


@transaction.atomic
def reject(*, case: Case, by, reason: str) -> Case:
    """不予受理: not a matter for this platform; the reason is required."""
    require(reason.strip(), "不予受理须说明理由 / a reason is required")
    case = lock(case)
    check(case, "reject", by)
    old = case.status
    case.status, case.closed_at = Status.REJECTED, clock.now()
    case.save()
    record(case, "reject", by, from_status=old, note=reason)
    return case


@transaction.atomic
def answer(*, case: Case, by, reply: str) -> Case:
    """直接答复: a consultation answered at once; the case closes."""
    require(reply.strip(), "答复内容不能为空 / the answer is required")
    case = lock(case)
    if case.appeal_type != AppealType.CONSULT:
        raise ActionRefused(
            case, "answer", by, "只有咨询类可直接答复 / only consultations can be answered directly"
        )
    check(case, "answer", by)
    old, now = case.status, clock.now()
    flags = response_flags(case, now) | close_flags(case, now)
    case.status, case.replied_at, case.closed_at = Status.CLOSED, now, now
    case.responded_at = case.responded_at or now
    case.save()
    record(case, "answer", by, from_status=old, note=reply, data=flags)
    return case


@transaction.atomic
def handle_on_the_spot(*, case: Case, by, result: str) -> Case:
    """自办: the grid worker dealt with a grid event there and then; the case
    closes with the result (after-photos are added by the caller in the same
    transaction). It counts as responded and closed in time."""
    require(result.strip(), "请写明处置结果 / describe what was done")
    case = lock(case)
    check(case, "self_handle", by)
    old, now = case.status, clock.now()
    flags = response_flags(case, now) | close_flags(case, now)
    case.status, case.replied_at, case.closed_at = Status.CLOSED, now, now
    case.responded_at = case.responded_at or now
    case.save()
    record(case, "self_handle", by, from_status=old, note=result.strip(), data=flags)
    return case


# -------------------------------------------------------------- dispatching


def _dispatchable(unit: OrgUnit) -> OrgUnit:
    if not unit.is_active:
        raise ValidationError({"unit": f"单位已停用 / the unit is inactive: {unit}"})
    return unit


def _set_units(case: Case, lead: OrgUnit, co_units: Sequence[OrgUnit]) -> None:
    CaseUnit.objects.filter(case=case, role__in=(UnitRole.LEAD, UnitRole.CO)).update(active=False)
    for unit, role in [(lead, UnitRole.LEAD), *((u, UnitRole.CO) for u in co_units if u.pk != lead.pk)]:
        CaseUnit.objects.update_or_create(case=case, unit=unit, role=role, defaults={"active": True})


@transaction.atomic
def dispatch(*, case: Case, by, unit: OrgUnit, co_units: Sequence[OrgUnit] = (), note: str = "") -> Case:
    """派遣 to a lead unit (主办) and co-handlers (协办); the clocks start."""
    case = lock(case)
    check(case, "dispatch", by)
    _dispatchable(unit)
    before, old, now = deadlines_of(case), case.status, clock.now()
    case.status, case.lead_unit, case.handler, case.dispatched_at = Status.DISPATCHED, unit, None, now
    if co_units and case.tier == Tier.ONE_DEPARTMENT:
        case.tier = Tier.SEVERAL_DEPARTMENTS
    set_deadlines(case, now)
    case.save()
    _set_units(case, unit, co_units)
    hooks.choice_made(case=case, field="unit", chosen=str(unit.pk), by=by)
    record(
        case,
        "dispatch",
        by,
        from_status=old,
        note=note,
        before=before,
        data={"unit": unit.pk, "co_units": [u.pk for u in co_units]},
    )
    notify(
        recipients=unit_staff([unit.pk, *(u.pk for u in co_units)]),
        case=case,
        kind="case_dispatched",
        title=f"新派遣案件：{case.number}",
        body=f"{case.title}（签收时限 {when(case.sign_due_at)}）",
    )
    return case


@transaction.atomic
def reassign(*, case: Case, by, unit: OrgUnit, co_units: Sequence[OrgUnit] = (), reason: str) -> Case:
    """改派 to another unit; the resolution clock keeps running."""
    require(reason.strip(), "改派须说明理由 / a reason is required")
    case = lock(case)
    check(case, "reassign", by)
    _dispatchable(unit)
    before, old, now = deadlines_of(case), case.status, clock.now()
    previous = case.lead_unit_id
    case.status, case.lead_unit, case.handler, case.dispatched_at = Status.DISPATCHED, unit, None, now
    case.sign_due_at = work_calendar().add_working_minutes(now, limits.rule_for(case).sign_minutes)
    case.sign_overdue = False
    case.save()
    _set_units(case, unit, co_units)
    hooks.choice_made(case=case, field="unit", chosen=str(unit.pk), by=by)
    record(
        case,
        "reassign",
        by,
        from_status=old,
        note=reason,
        before=before,
        data={"from_unit": previous, "unit": unit.pk},
    )
    notify(
        recipients=unit_staff([unit.pk]),
        case=case,
        kind="case_dispatched",
        title=f"改派案件：{case.number}",
        body=case.title,
    )
    return case


@transaction.atomic
def sign(*, case: Case, by, note: str = "") -> Case:
    """签收: the lead unit takes the case on."""
    case = lock(case)
    check(case, "sign", by)
    old = case.status
    case.status, case.signed_at, case.handler = Status.HANDLING, clock.now(), by
    case.save()
    # Signing for a case the unit was whistled into answers the whistle too.
    CaseUnit.objects.filter(
        case=case, unit_id=case.lead_unit_id, role=UnitRole.WHISTLE, acknowledged_at=None
    ).update(acknowledged_at=case.signed_at, acknowledged_by=by)
    record(case, "sign", by, from_status=old, note=note)
    return case


@transaction.atomic
def return_case(*, case: Case, by, reason: str) -> Case:
    """退回 a wrong dispatch to the dispatcher; the reason is required. The
    clocks stop; the next dispatch starts them again."""
    require(reason.strip(), "退回须说明理由 / a reason is required")
    case = lock(case)
    check(case, "return_case", by)
    before, old, unit = deadlines_of(case), case.status, case.lead_unit_id
    case.status, case.lead_unit, case.handler = Status.ACCEPTED, None, None
    for name in ("sign_due_at", "resolve_warn_at", "resolve_due_at"):
        setattr(case, name, None)  # the response clock keeps running from receipt
    case.save()
    CaseUnit.objects.filter(case=case).update(active=False)  # lead, co-handlers and whistled units
    record(case, "return", by, from_status=old, note=reason, before=before, data={"unit": unit})
    notify(
        recipients=dispatchers_for(case),
        case=case,
        kind="case_returned",
        title=f"案件被退回：{case.number}",
        body=reason,
    )
    return case


@transaction.atomic
def contact_reporter(*, case: Case, by, note: str) -> Case:
    """联系反映人: the unit has reached the person (the response time limit)."""
    require(note.strip(), "请记录联系情况 / describe the contact")
    case = lock(case)
    check(case, "contact_reporter", by)
    now = clock.now()
    flags = response_flags(case, now)
    case.responded_at = case.responded_at or now
    case.save()
    record(case, "contact", by, from_status=case.status, note=note, data=flags)
    return case


# ---------------------------------------------------------------- extension


@transaction.atomic
def request_extension(*, case: Case, by, until: dt.datetime, reason: str) -> Case:
    """申请延期 to a later deadline, with the reason."""
    require(reason.strip(), "申请延期须说明理由 / a reason is required")
    case = lock(case)
    check(case, "request_extension", by)
    check_new_deadline(case, until, clock.now(), later_only=True)
    case.extension_requested = True
    case.save()
    record(
        case, "request_extension", by, from_status=case.status, note=reason, data={"until": until.isoformat()}
    )
    notify(
        recipients=dispatchers_for(case),
        case=case,
        kind="extension_requested",
        title=f"延期申请：{case.number}",
        body=reason,
    )
    return case


@transaction.atomic
def grant_extension(*, case: Case, by, until: dt.datetime | None = None, note: str = "") -> Case:
    """批准延期: the deadline moves to the requested (or the given) time."""
    case = lock(case)
    check(case, "grant_extension", by)
    if until is None:
        asked = CaseEvent.objects.filter(case=case, action="request_extension").order_by("-seq").first()
        until = dt.datetime.fromisoformat(asked.data["until"])
    before, now = deadlines_of(case), clock.now()
    check_new_deadline(case, until, now, later_only=True)
    start = case.dispatched_at or now
    case.resolve_due_at = until
    case.resolve_warn_at = limits.warn_time(start, until, limits.rule_for(case).warn_share, work_calendar())
    case.extension_requested = False
    reset_flags(case, now)
    case.save()
    record(case, "grant_extension", by, from_status=case.status, note=note, before=before)
    notify(
        recipients=unit_staff([case.lead_unit_id]),
        case=case,
        kind="extension_granted",
        title=f"延期已批准：{case.number}",
    )
    return case


@transaction.atomic
def refuse_extension(*, case: Case, by, reason: str) -> Case:
    require(reason.strip(), "驳回须说明理由 / a reason is required")
    case = lock(case)
    check(case, "refuse_extension", by)
    case.extension_requested = False
    case.save()
    record(case, "refuse_extension", by, from_status=case.status, note=reason)
    notify(
        recipients=unit_staff([case.lead_unit_id]),
        case=case,
        kind="extension_refused",
        title=f"延期被驳回：{case.number}",
        body=reason,
    )
    return case


# ------------------------------------------------------------ suspend/resume


@transaction.atomic
def suspend(*, case: Case, by, reason: str) -> Case:
    """挂起: the clocks stop (e.g. waiting for a court ruling)."""
    require(reason.strip(), "挂起须说明理由 / a reason is required")
    case = lock(case)
    check(case, "suspend", by)
    old = case.status
    case.status, case.suspended_at = Status.SUSPENDED, clock.now()
    case.save()
    record(case, "suspend", by, from_status=old, note=reason)
    return case


@transaction.atomic
def resume(*, case: Case, by, note: str = "") -> Case:
    """恢复: deadlines move later by the working time spent suspended."""
    case = lock(case)
    check(case, "resume", by)
    before, old, now = deadlines_of(case), case.status, clock.now()
    calendar = work_calendar()
    natural = limits.rule_for(case).resolve_unit == TimeUnit.NATURAL_MINUTES
    start = case.suspended_at or now
    # The deadline moves by the time spent suspended, counted the way the
    # limit is counted (working time, or clock time for a 24-hour limit).
    paused = (now - start).total_seconds() / 60 if natural else calendar.working_minutes_between(start, now)
    for name in ("resolve_warn_at", "resolve_due_at"):
        value = getattr(case, name)
        if value is not None and paused > 0:
            moved = (
                value + dt.timedelta(minutes=paused)
                if natural
                else calendar.add_working_minutes(value, paused)
            )
            setattr(case, name, moved)
    case.status, case.suspended_at = Status.HANDLING, None
    reset_flags(case, now)
    case.save()
    record(
        case, "resume", by, from_status=old, note=note, before=before, data={"paused_working_minutes": paused}
    )
    return case


# ------------------------------------------------------------------ whistle


@transaction.atomic
def blow_whistle(*, case: Case, by, units: Sequence[OrgUnit], note: str) -> Case:
    """吹哨: a grid worker or township calls units in; each must acknowledge
    (报到) within its time limit, then they handle the case jointly. Without
    a lead unit yet, the first unit leads and the case is dispatched."""
    require(list(units), "请选择吹哨单位 / choose at least one unit")
    require(note.strip(), "请说明吹哨事由 / describe why")
    case = lock(case)
    check(case, "whistle", by)
    before, old, now = deadlines_of(case), case.status, clock.now()
    rule = limits.rule_for(case)
    ack_due = work_calendar().add_working_minutes(now, rule.whistle_ack_minutes)
    for unit in units:
        _dispatchable(unit)
        CaseUnit.objects.update_or_create(
            case=case,
            unit=unit,
            role=UnitRole.WHISTLE,
            defaults={"active": True, "ack_due_at": ack_due, "acknowledged_at": None, "escalated_at": None},
        )
    data = {"units": [u.pk for u in units], "ack_due_at": ack_due.isoformat()}
    if case.lead_unit_id is None:
        case.lead_unit, case.dispatched_at, case.status = units[0], now, Status.DISPATCHED
        set_deadlines(case, now)
        _set_units(case, units[0], units[1:])
        data["unit"] = units[0].pk  # the whistle dispatched the case: its first unit leads
    if len(units) > 1 and case.tier == Tier.ONE_DEPARTMENT:
        case.tier = Tier.SEVERAL_DEPARTMENTS
    case.save()
    record(case, "whistle", by, from_status=old, note=note, before=before, data=data)
    notify(
        recipients=unit_staff([u.pk for u in units]),
        case=case,
        kind="whistle",
        title=f"吹哨报到：{case.number}",
        body=f"{note}（请于 {when(ack_due)} 前报到）",
    )
    return case


@transaction.atomic
def acknowledge(*, case: Case, by, note: str = "") -> Case:
    """报到: a whistled unit answers the call. When the lead unit reports, it
    has also signed for the case."""
    case = lock(case)
    check(case, "acknowledge", by)
    old, now = case.status, clock.now()
    CaseUnit.objects.filter(case=case, unit_id=by.org_unit_id, role=UnitRole.WHISTLE, active=True).update(
        acknowledged_at=now, acknowledged_by=by
    )
    if case.status == Status.DISPATCHED and by.org_unit_id == case.lead_unit_id:
        case.status, case.signed_at, case.handler = Status.HANDLING, now, by
        case.save()
    record(case, "acknowledge", by, from_status=old, note=note, data={"unit": by.org_unit_id})
    return case
