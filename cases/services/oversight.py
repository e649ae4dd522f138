"""What dispatchers and leaders do beside the journey: merge a duplicate
(合并), decide whether the public sees a case (公开设置), supervise (督办)
and escalate (升级, up to a leader's 包案)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RoleCode, User
from accounts.scope import scope_of
from cases import limits
from cases.models import Case, CaseUnit, Publicity, Status, Tier, UnitRole
from cases.services.records import (
    check_new_deadline,
    deadlines_of,
    dispatchers_for,
    lock,
    record,
    require,
    reset_flags,
    unit_staff,
)
from cases.services.rules import ACTIONS, ActionRefused, check
from changan import clock
from notify.services import notify
from orgs.models import OrgUnit
from worktime.selectors import work_calendar


@transaction.atomic
def merge(*, case: Case, into: Case, by, note: str = "") -> Case:
    """合并 a duplicate into another case; the duplicate ends here."""
    if case.pk == into.pk:
        raise ValidationError({"into": "不能合并到自身 / cannot merge a case into itself"})
    first, second = sorted([case, into], key=lambda c: c.pk)  # lock in id order: no deadlock
    locked = {c.pk: lock(c) for c in (first, second)}
    case, into = locked[case.pk], locked[into.pk]
    check(case, "merge", by)
    # The target must take merges, from this user too (a dispatcher over its place).
    if into.status in (Status.MERGED, Status.REJECTED) or not ACTIONS["merge"].who(by, into):
        raise ActionRefused(case, "merge", by, "目标案件不可合并 / the target case cannot take merges")
    root = into
    while root.parent_id:
        root = root.parent
    old = case.status
    case.status, case.parent, case.closed_at = Status.MERGED, root, clock.now()
    case.save()
    CaseUnit.objects.filter(case=case).update(active=False)
    record(case, "merge", by, from_status=old, note=note, data={"into": root.number})
    record(root, "merged_in", by, from_status=root.status, data={"case": case.number})
    return case


@transaction.atomic
def set_publicity(*, case: Case, by, publicity: str, note: str = "") -> Case:
    """公开设置: whether the public may see the case (``cases.public``); the
    reporter's wish is the default, staff have the last word, and the event
    keeps who decided what."""
    case = lock(case)
    check(case, "set_publicity", by)
    if publicity not in Publicity.values:
        raise ValidationError({"publicity": _("公开设置只能是按默认、公开或不公开")})
    before = case.publicity
    case.publicity = publicity
    case.save(update_fields=["publicity"])
    record(case, "set_publicity", by, from_status=case.status, note=note,
            data={"publicity": publicity, "previous": before})  # fmt: skip
    return case


@transaction.atomic
def supervise(*, case: Case, by, note: str, due: dt.datetime | None = None) -> Case:
    """督办: a supervision note, optionally with a new deadline (earlier or
    later; the event says why)."""
    require(note.strip(), "督办须写明意见 / the supervision note is required")
    case = lock(case)
    check(case, "supervise", by)
    before, now = deadlines_of(case), clock.now()
    if due is not None:
        if case.resolve_due_at is None or case.status == Status.SUSPENDED:
            message = "只能为办理中的案件设定时限 / a deadline can be set only while a unit handles the case"
            raise ValidationError({"due": message})
        check_new_deadline(case, due, now, later_only=False)
        case.resolve_due_at = due
        case.resolve_warn_at = limits.warn_time(now, due, limits.rule_for(case).warn_share, work_calendar())
        reset_flags(case, now)
        case.save()
    record(case, "supervise", by, from_status=case.status, note=note, before=before)
    notify(
        recipients=unit_staff([case.lead_unit_id]) if case.lead_unit_id else dispatchers_for(case),
        case=case,
        kind="case_supervised",
        title=f"督办：{case.number}",
        body=note,
    )
    return case


@transaction.atomic
def escalate(
    *, case: Case, by, reason: str, co_units: Sequence[OrgUnit] = (), leader: User | None = None
) -> Case:
    """升级 one tier: one department → several departments (co-handlers join)
    → a leader takes the case (包案)."""
    require(reason.strip(), "升级须说明理由 / a reason is required")
    case = lock(case)
    check(case, "escalate", by)
    return _escalate(case, by, reason=reason, co_units=co_units, leader=leader)


def _escalate(
    case: Case, by, *, reason: str, co_units: Sequence[OrgUnit] = (), leader: User | None = None
) -> Case:
    target = Tier(case.tier + 1)
    if target == Tier.LEADER:
        if leader is None or not (
            leader.has_role(RoleCode.LEADER) and scope_of(leader).covers_area(case.area_id)
        ):
            raise ValidationError(
                {"leader": "领导包案须指定有权限的领导 / choose a leader whose scope covers the case"}
            )
        case.leader = leader
    case.tier = target
    case.save()
    for unit in co_units:
        CaseUnit.objects.update_or_create(case=case, unit=unit, role=UnitRole.CO, defaults={"active": True})
    record(
        case,
        "escalate",
        by,
        from_status=case.status,
        note=reason,
        data={
            "tier": int(target),
            "co_units": [u.pk for u in co_units],
            "leader": leader.pk if leader else None,
        },
    )
    notify(
        recipients=[leader, *unit_staff([u.pk for u in co_units]), *dispatchers_for(case)],
        case=case,
        kind="case_escalated",
        title=f"案件升级为「{target.label}」：{case.number}",
        body=reason,
    )
    return case
