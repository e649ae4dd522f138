"""Who may do what: the table of actions (``ACTIONS``: from which statuses,
by whom, on what condition), what a user may do now, and the refusal that
names both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied

from accounts.models import RoleCode
from accounts.scope import scope_of
from cases import public
from cases.models import AppealType, Case, CaseKind, Satisfaction, Status, Tier, UnitRole
from changan import clock
from orgs.models import OrgUnitKind
from regions import codes
from regions.selectors import grids_of_worker


class ActionRefused(PermissionDenied):
    """The action is not allowed for this user on this case now."""

    def __init__(self, case: Case, action: str, user, reason: str = ""):
        allowed = allowed_actions(case, user)
        status = Status(case.status)
        names = "、".join(ACTIONS[a].label for a in allowed) or "无 / none"
        message = (
            f"案件当前状态为「{status.label}」，不能「{ACTIONS[action].label}」；当前可执行：{names} / "
            f"case is {status.value}: cannot {action}; allowed now: {', '.join(allowed) or 'none'}"
        )
        if reason:
            message = f"{reason}\n{message}"
        self.allowed = allowed
        super().__init__(message)


# --------------------------------------------------------------------- who


class _Reporter:
    """The person who reported the case, acting through their private
    tracking code (no account): they may rate, ask to reopen, add a note."""

    # Like an anonymous user to every staff check: no roles, no unit, no
    # data scope — so only the checks that name the reporter let it act.
    pk = None
    org_unit = None
    org_unit_id = None
    is_superuser = False
    is_authenticated = False
    is_active = True

    def has_role(self, role: str) -> bool:
        return False

    def __str__(self) -> str:
        return "反映人 / the reporter"


REPORTER = _Reporter()


def _is_reporter(user, case: Case) -> bool:
    return user is REPORTER


def _is_dispatcher(user, case: Case) -> bool:
    return bool(user) and (user.is_superuser or user.has_role(RoleCode.DISPATCHER)) and _covers(user, case)


def _is_leader(user, case: Case) -> bool:
    return bool(user) and (user.is_superuser or user.has_role(RoleCode.LEADER)) and _covers(user, case)


def _covers(user, case: Case) -> bool:
    return scope_of(user).covers_area(case.area_id)


def _in_lead_unit(user, case: Case) -> bool:
    """A handler (承办人员) of the case's lead unit — for a dispute sent to a
    mediation committee, its mediators handle it."""
    return (
        bool(user)
        and case.lead_unit_id is not None
        and user.org_unit_id == case.lead_unit_id
        and (
            user.has_role(RoleCode.HANDLER)
            or user.is_superuser
            or (case.kind == CaseKind.DISPUTE and user.has_role(RoleCode.MEDIATOR))
        )
    )


def _may_whistle(user, case: Case) -> bool:
    # A grid worker, or township staff (乡镇街道 / 综治中心), for a case in scope.
    if not user or not _covers(user, case):
        return False
    if user.has_role(RoleCode.GRID_WORKER) or user.is_superuser:
        return True
    unit = user.org_unit
    return (
        unit is not None
        and unit.kind in (OrgUnitKind.TOWNSHIP_OFFICE, OrgUnitKind.GOVERNANCE_CENTER)
        and codes.level_of(unit.area_id) == codes.Level.TOWNSHIP
    )


def _works_the_grid(user, case: Case) -> bool:
    # 自办 is for the grid's own worker (or its chief), on the spot.
    if not user or not getattr(user, "pk", None) or case.grid_id is None:
        return False
    if user.is_superuser:
        return True
    return user.has_role(RoleCode.GRID_WORKER) and grids_of_worker(user).filter(pk=case.grid_id).exists()


def _pending_whistle(user, case: Case) -> bool:
    return (
        bool(user)
        and user.org_unit_id is not None
        and case.units.filter(
            unit_id=user.org_unit_id, role=UnitRole.WHISTLE, active=True, acknowledged_at=None
        ).exists()
    )


@dataclass(frozen=True)
class Action:
    label: str
    sources: tuple[str, ...]
    who: Callable[[object, Case], bool]
    condition: Callable[[Case], bool] = field(default=lambda case: True)


def _not_mid_mediation(case: Case) -> bool:
    """A registered dispute is handled through its five steps (mediation):
    the unit's reply, return and extension are theirs until it is cleared
    (its own ``clear`` replies, with the step already at ``done``)."""
    if case.kind != CaseKind.DISPUTE:
        return True
    dispute = getattr(case, "dispute", None)  # (no row: not registered, an ordinary case)
    return dispute is None or dispute.step == "done"


def _can_reopen(case: Case) -> bool:
    unhappy = case.solved is False or (case.satisfaction or 5) <= Satisfaction.DISSATISFIED
    recent = case.closed_at and clock.now() - case.closed_at <= dt.timedelta(
        days=settings.CASE_REOPEN_WITHIN_DAYS
    )
    return unhappy and bool(recent) and case.reopen_count < settings.CASE_REOPEN_LIMIT


S = Status
WORKING = (S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.SUSPENDED, S.REPLIED)
ACTIONS: dict[str, Action] = {
    "accept": Action("受理", (S.RECEIVED,), _is_dispatcher),
    "reject": Action("不予受理", (S.RECEIVED,), _is_dispatcher),
    "answer": Action(
        "直接答复", (S.RECEIVED, S.ACCEPTED), _is_dispatcher, lambda c: c.appeal_type == AppealType.CONSULT
    ),
    "dispatch": Action("派遣", (S.ACCEPTED,), _is_dispatcher),
    "sign": Action("签收", (S.DISPATCHED,), _in_lead_unit),
    "return_case": Action("退回", (S.DISPATCHED, S.HANDLING), _in_lead_unit, _not_mid_mediation),
    "reassign": Action("改派", (S.DISPATCHED, S.HANDLING), _is_dispatcher),
    "contact_reporter": Action("联系反映人", (S.DISPATCHED, S.HANDLING), _in_lead_unit),
    "request_extension": Action(
        "申请延期",
        (S.HANDLING,),
        _in_lead_unit,
        lambda c: not c.extension_requested and _not_mid_mediation(c),
    ),
    "grant_extension": Action("批准延期", (S.HANDLING,), _is_dispatcher, lambda c: c.extension_requested),
    "refuse_extension": Action("驳回延期", (S.HANDLING,), _is_dispatcher, lambda c: c.extension_requested),
    "suspend": Action("挂起", (S.HANDLING,), lambda u, c: _in_lead_unit(u, c) or _is_dispatcher(u, c)),
    "resume": Action("恢复办理", (S.SUSPENDED,), lambda u, c: _in_lead_unit(u, c) or _is_dispatcher(u, c)),
    "reply": Action("反馈", (S.HANDLING,), _in_lead_unit, _not_mid_mediation),
    "verify": Action("核查", (S.REPLIED,), _is_dispatcher),
    "rate": Action(
        "评价",
        (S.CLOSED,),
        lambda u, c: _is_reporter(u, c) or _is_dispatcher(u, c),
        lambda c: c.satisfaction is None,
    ),
    "reopen": Action(
        "重办", (S.CLOSED,), lambda u, c: _is_reporter(u, c) or _is_dispatcher(u, c), _can_reopen
    ),
    "follow_up": Action("补充说明", (S.RECEIVED, *WORKING), _is_reporter),
    "merge": Action("合并", (S.RECEIVED, *WORKING), _is_dispatcher),
    "supervise": Action("督办", WORKING, lambda u, c: _is_dispatcher(u, c) or _is_leader(u, c)),
    "escalate": Action(
        "升级", WORKING, lambda u, c: _is_dispatcher(u, c) or _is_leader(u, c), lambda c: c.tier < Tier.LEADER
    ),
    "self_handle": Action(
        "自办",
        (S.RECEIVED,),
        _works_the_grid,
        lambda c: c.kind == CaseKind.GRID_EVENT and c.grid_id is not None,
    ),
    "whistle": Action("吹哨", (S.RECEIVED, S.ACCEPTED, S.DISPATCHED, S.HANDLING), _may_whistle),
    "acknowledge": Action("报到", (S.DISPATCHED, S.HANDLING, S.SUSPENDED), _pending_whistle),
    "set_publicity": Action(
        "公开设置", (S.RECEIVED, *WORKING, S.CLOSED), _is_dispatcher, public.may_be_public
    ),
}


def allowed_actions(case: Case, user) -> list[str]:
    """The actions ``user`` may take on ``case`` now, in journey order."""
    return [
        name
        for name, action in ACTIONS.items()
        if case.status in action.sources and action.condition(case) and action.who(user, case)
    ]


def check(case: Case, action: str, user, *, reason: str = "") -> None:
    spec = ACTIONS[action]
    if case.status not in spec.sources or not spec.condition(case) or not spec.who(user, case):
        raise ActionRefused(case, action, user, reason)
