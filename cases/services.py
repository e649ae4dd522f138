"""Every change to a case goes through this module.

Each action is one function with keyword-only arguments. It locks the case
row, checks that the user may take the action from the case's current status
(see ``ACTIONS``), changes the case, appends one event, recomputes deadlines
and queues notifications — all in one transaction. An action that is not
allowed raises ``ActionRefused`` naming the current status and the actions
this user may take now.

The journey reads top to bottom:
receive → accept (or reject / answer) → dispatch → sign for → reply → verify
→ close → rate (→ reopen), with return, reassign, extension, suspend/resume,
merge, supervise, escalate, whistle (吹哨) and acknowledge (报到) on the side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleCode, User
from accounts.scope import scope_of
from cases import contact, limits, public, registration, search
from cases.models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    AppealType,
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    CaseNumberCounter,
    CaseUnit,
    Category,
    Channel,
    Publicity,
    Satisfaction,
    SavedFilter,
    Status,
    Tier,
    TimeLimitRule,
    TimeUnit,
    UnitRole,
    Urgency,
)
from cases.selectors import PUBLIC_EVENTS
from cases.tracking import my_reports_url
from changan import bulk, clock, crypto
from figures import services as figures
from intel import duplicates
from notify.services import Message, notify, notify_many, notify_phone
from orgs.models import OrgUnit, OrgUnitKind
from regions import codes
from regions.models import Area
from regions.selectors import grids_of_worker
from regions.services import locate_grid_codes
from triage import services as triage
from worktime.selectors import work_calendar


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


# ---------------------------------------------------------------- plumbing


def _lock(case: Case) -> Case:
    """Re-read the case with a row lock: a second writer waits here, then
    sees the first one's result (PostgreSQL ``FOR UPDATE``; SQLite runs
    write transactions one at a time)."""
    return Case.objects.select_for_update(of=("self",)).select_related("lead_unit").get(pk=case.pk)


def _check(case: Case, action: str, user, *, reason: str = "") -> None:
    spec = ACTIONS[action]
    if case.status not in spec.sources or not spec.condition(case) or not spec.who(user, case):
        raise ActionRefused(case, action, user, reason)


def _require(value, message: str):
    if value in (None, "", [], ()):
        raise ValidationError(message)
    return value


DEADLINE_FIELDS = ("sign_due_at", "respond_due_at", "resolve_warn_at", "resolve_due_at")


def _record(
    case: Case,
    action: str,
    by,
    *,
    from_status: str,
    note: str = "",
    data: dict | None = None,
    before: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append the event; deadline changes since ``before`` go into its data."""
    data = dict(data or {})
    if before is not None:
        changes = {
            name: [_iso(before[name]), _iso(getattr(case, name))]
            for name in DEADLINE_FIELDS
            if before[name] != getattr(case, name)
        }
        if changes:
            data["deadlines"] = changes
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values_list("seq", flat=True).first() or 0
    event = CaseEvent.objects.create(
        case=case,
        seq=last + 1,
        action=action,
        actor=by if getattr(by, "pk", None) else None,
        unit=getattr(by, "org_unit", None) if getattr(by, "pk", None) else None,
        from_status=from_status,
        to_status=case.status,
        note=note,
        data=data,
        at=at or clock.now(),
    )
    figures.count([(case, event)])
    if by is not REPORTER:  # the reporter knows what they just did
        _tell_reporter(case, event)
    return event


# Public steps a verified reporter hears about by SMS (their own rating and
# notes excepted).
REPORTER_STEPS = frozenset(PUBLIC_EVENTS) - {"rate", "follow_up"}


def _tell_reporter(case: Case, event: CaseEvent) -> None:
    if not (settings.NOTIFY_REPORTERS and case.reporter_verified and case.reporter_phone_encrypted):
        return
    if event.action not in REPORTER_STEPS:
        return
    step = PUBLIC_EVENTS[event.action].split(" ", 1)[0]
    if unit_id := event.data.get("unit"):
        step += "，承办单位：" + OrgUnit.objects.filter(pk=unit_id).values_list("name", flat=True).first()
    notify_phone(
        phone_encrypted=case.reporter_phone_encrypted,
        masked=case.reporter_phone_masked,
        title="【长安】诉求进展",
        body=_reporter_sms(case, step),
        kind=f"reporter_{event.action}",
        case=case,
    )


def _reporter_sms(case: Case, step: str) -> str:
    text = f"您反映的问题（编号{case.number}）{step}。"
    return text + f"查看进度：{url}" if (url := my_reports_url()) else text


def _response_flags(case: Case, now: dt.datetime) -> dict:
    """Marks the case's first response (联系/反馈/答复) and whether it came
    within the response time limit: the figures count from these."""
    if case.responded_at is not None:
        return {}
    return {
        "first_response": True,
        "response_on_time": case.respond_due_at is None or now <= case.respond_due_at,
    }


def _close_flags(case: Case, now: dt.datetime) -> dict:
    """Marks a case's first closing (a reopened case closes again unmarked)
    and whether it met the resolution deadline (按期办结)."""
    if case.reopen_count:
        return {}
    return {"first_close": True, "close_on_time": case.resolve_due_at is None or now <= case.resolve_due_at}


def _when(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}"


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _deadlines(case: Case) -> dict:
    return {name: getattr(case, name) for name in DEADLINE_FIELDS}


def _set_deadlines(case: Case, start: dt.datetime) -> None:
    rule = limits.rule_for(case)
    d = limits.deadlines_from(start, rule, work_calendar())
    case.sign_due_at = d.sign_due_at
    case.respond_due_at = case.respond_due_at or d.respond_due_at
    case.resolve_warn_at, case.resolve_due_at = d.resolve_warn_at, d.resolve_due_at
    case.sign_overdue = case.resolve_warned = case.resolve_overdue = False


MAX_DEADLINE = dt.timedelta(days=366)


def _check_new_deadline(case: Case, due: dt.datetime, now: dt.datetime, *, later_only: bool) -> None:
    """A deadline set by hand lies in the future (within a year) and, for an
    extension, after the current one."""
    if due <= now:
        raise ValidationError({"due": "新的时限须晚于现在 / the new deadline must be in the future"})
    if due > now + MAX_DEADLINE:
        raise ValidationError({"due": "新的时限不能超过一年 / the new deadline must be within a year"})
    if later_only and case.resolve_due_at and due <= case.resolve_due_at:
        raise ValidationError({"due": "延期后时限须晚于原时限 / must be later than the current deadline"})


def _reset_flags_for(case: Case, now: dt.datetime) -> None:
    # A deadline moved later makes its warning/overdue marks stale.
    case.resolve_warned = bool(case.resolve_warn_at and case.resolve_warn_at <= now)
    case.resolve_overdue = bool(case.resolve_due_at and case.resolve_due_at <= now)


# --------------------------------------------------------------- recipients


def dispatchers_for(case: Case) -> list[User]:
    """The dispatchers of the nearest 综治中心 that has any: the township's,
    else the county's, else the city's (one query)."""
    chain = []
    code = case.area_id
    while code:
        chain.append(code)
        code = codes.parent_code_of(code)
    found = list(
        User.objects.filter(
            is_active=True,
            roles=RoleCode.DISPATCHER,
            org_unit__kind=OrgUnitKind.GOVERNANCE_CENTER,
            org_unit__area_id__in=chain,
        ).select_related("org_unit")
    )
    if not found:
        return []
    nearest = max(len(codes.prefix_of(u.org_unit.area_id)) for u in found)
    return [u for u in found if len(codes.prefix_of(u.org_unit.area_id)) == nearest]


def unit_staff(unit_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(is_active=True, org_unit_id__in=list(unit_ids), roles=RoleCode.HANDLER))


# ----------------------------------------------------------------- numbers


def next_numbers(day: dt.date, count: int = 1) -> list[str]:
    """``count`` new case numbers for ``day``: YYYYMMDD + a 5-digit sequence,
    e.g. 2026112900042, easy to read over the phone. One atomic UPSERT, so
    concurrent transactions never get the same number (a rolled-back one
    leaves a gap, which is acceptable)."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, %s) "
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [day, count],
        )
        last = cursor.fetchone()[0]
    return [f"{day:%Y%m%d}{n:05d}" for n in range(last - count + 1, last + 1)]


# ------------------------------------------------------------------ intake


@dataclass
class NewCase:
    """What intake needs to register a case (any channel)."""

    title: str
    description: str
    channel: str
    kind: str = CaseKind.APPEAL
    appeal_type: str = ""
    category: Category | None = None
    urgency: str = Urgency.ORDINARY
    lon: float | None = None
    lat: float | None = None
    area_code: str = ""
    address: str = ""
    media_url: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_verified: bool = False  # the phone was confirmed by an SMS code
    received_at: dt.datetime | None = None
    private: bool = False  # the reporter asked that the public not see it (不公开)


def _validated(item: NewCase, by, grid_code: str) -> Case:
    """``grid_code``: where the item's point lies (located for the whole batch
    at once), "" without a point or outside every grid."""
    errors = {}
    if not item.title.strip():
        errors["title"] = "标题不能为空 / the title is required"
    if not item.description.strip():
        errors["description"] = "内容不能为空 / the description is required"
    if item.channel not in Channel.values:
        errors["channel"] = f"未知渠道 / unknown channel {item.channel!r}"
    if item.kind not in CaseKind.values:
        errors["kind"] = f"未知类别 / unknown kind {item.kind!r}"
    if item.appeal_type and item.appeal_type not in AppealType.values:
        errors["appeal_type"] = f"未知诉求类型 / unknown appeal type {item.appeal_type!r}"
    if item.urgency not in Urgency.values:
        errors["urgency"] = f"未知紧急程度 / unknown urgency {item.urgency!r}"
    if (item.lon is None) != (item.lat is None):
        errors["location"] = "经度和纬度须同时提供 / give both longitude and latitude"
    elif item.lon is not None:
        if not grid_code and not item.area_code:
            errors["location"] = "该位置不在辖区内 / the point is outside the jurisdiction"
    elif not item.area_code:
        errors["location"] = "需要位置或区划代码 / a point or an area code is required"
    try:
        phone = contact.normalise_phone(item.reporter_phone)
    except ValueError as exc:
        errors["reporter_phone"] = str(exc)
        phone = ""
    if errors:
        raise ValidationError(errors)
    area_code = grid_code[:12] if grid_code else item.area_code
    if by is not None and getattr(by, "pk", None):
        # A staff member registers: their role decides channel, kind and
        # urgency (cases.registration), their scope the place.
        registration.check_registration(
            by, channel=item.channel, kind=item.kind, urgency=item.urgency, grid_code=grid_code
        )
        if not scope_of(by).covers_area(area_code):
            raise PermissionDenied("该位置不在您的数据范围内 / the place is outside your data scope")
    return Case(
        kind=item.kind,
        channel=item.channel,
        appeal_type=item.appeal_type,
        category=item.category,
        title=item.title.strip()[:200],
        description=item.description.strip(),
        search_text=search.search_text(item.title, item.description, item.address),
        fingerprint=duplicates.fingerprint(duplicates.appeal_text(item.title, item.description)),
        urgency=item.urgency,
        area_id=area_code,
        grid_id=grid_code or None,
        lon=item.lon,
        lat=item.lat,
        address=item.address.strip()[:200],
        media_url=item.media_url.strip()[:500],
        reporter_name=item.reporter_name.strip()[:50],
        reporter_phone_encrypted=crypto.encrypt(phone) if phone else None,
        reporter_phone_masked=contact.mask_phone(phone) if phone else "",
        reporter_phone_digest=contact.phone_digest(phone),
        reporter_verified=bool(phone) and item.reporter_verified,
        received_at=item.received_at or clock.now(),
        publicity=Publicity.PRIVATE if item.private else Publicity.DEFAULT,
    )


@transaction.atomic
def receive_cases(*, items: Sequence[NewCase], by=None) -> list[Case]:
    """Register cases from any channel (登记): validate all, place each point
    in its grid, number them, write each case and its first event, and tell
    the dispatchers. All or nothing."""
    with_point = [i for i, item in enumerate(items) if item.lon is not None and item.lat is not None]
    located = locate_grid_codes([items[i].lon for i in with_point], [items[i].lat for i in with_point])
    grid_codes = dict(zip(with_point, located, strict=True))
    cases = [_validated(item, by, grid_codes.get(i, "")) for i, item in enumerate(items)]
    unknown = {c.area_id for c in cases} - set(
        Area.objects.filter(code__in={c.area_id for c in cases}).values_list("code", flat=True)
    )
    if unknown:
        raise ValidationError({"area_code": f"区划代码不存在 / unknown area code {sorted(unknown)[0]}"})
    # Category, appeal type and department line suggested (filled in where
    # blank and confident) before numbering, time limits and the figures.
    classified = triage.classify(cases)
    by_day: dict[dt.date, list[Case]] = {}
    for case in cases:
        by_day.setdefault(timezone.localtime(case.received_at).date(), []).append(case)
    for day, group in by_day.items():
        for case, number in zip(group, next_numbers(day, len(group)), strict=True):
            case.number = number
    rules, matched = list(TimeLimitRule.objects.all()), {}
    for case in cases:
        # The response clock (联系群众) starts at receipt; the others at dispatch.
        key = (case.category_id, case.area_id, case.urgency)
        if key not in matched:
            matched[key] = limits.rule_for(case, rules)
        case.respond_due_at = case.received_at + dt.timedelta(minutes=matched[key].respond_minutes)
    bulk.insert(Case, cases)
    actor = by if getattr(by, "pk", None) else None
    events = [
        CaseEvent(
            case=c,
            seq=1,
            action="receive",
            actor=actor,
            unit=getattr(actor, "org_unit", None),
            to_status=c.status,
            data={"channel": c.channel},
            at=c.received_at,
        )
        for c in cases
    ]
    bulk.insert(CaseEvent, events)
    figures.count(zip(cases, events, strict=True))
    triage.record(cases, classified, by=actor)
    for case, event in zip(cases, events, strict=True):
        _tell_reporter(case, event)
    people = _Recipients()
    messages = [
        Message(people.dispatchers(case), f"新案件待受理：{case.number}", "case_received", case.title, case)
        for case in cases
    ]
    notify_many(messages)
    return cases


def receive_case(*, by=None, **fields) -> Case:
    return receive_cases(items=[NewCase(**fields)], by=by)[0]


# --------------------------------------------------------------- accepting


@transaction.atomic
def accept(
    *, case: Case, by, category: Category | None = None, urgency: str | None = None, note: str = ""
) -> Case:
    """受理: the dispatcher takes the case on, optionally correcting its class."""
    case = _lock(case)
    _check(case, "accept", by)
    family_before = (case.category_id or "")[:2]
    if category is not None:
        case.category = category
    if urgency is not None:
        case.urgency = Urgency(urgency)
    if case.category_id is None:
        raise ValidationError({"category": "受理前须确定分类 / choose a category before accepting"})
    if category is not None:
        triage.note_choice(case=case, field="category", chosen=category.code, by=by)
    old = case.status
    case.status = Status.ACCEPTED
    case.save()
    figures.move(case, case.events.all(), from_family=family_before)
    _record(case, "accept", by, from_status=old, note=note)
    return case


@transaction.atomic
def reject(*, case: Case, by, reason: str) -> Case:
    """不予受理: not a matter for this platform; the reason is required."""
    _require(reason.strip(), "不予受理须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "reject", by)
    old = case.status
    case.status, case.closed_at = Status.REJECTED, clock.now()
    case.save()
    _record(case, "reject", by, from_status=old, note=reason)
    return case


@transaction.atomic
def answer(*, case: Case, by, reply: str) -> Case:
    """直接答复: a consultation answered at once; the case closes."""
    _require(reply.strip(), "答复内容不能为空 / the answer is required")
    case = _lock(case)
    if case.appeal_type != AppealType.CONSULT:
        raise ActionRefused(
            case, "answer", by, "只有咨询类可直接答复 / only consultations can be answered directly"
        )
    _check(case, "answer", by)
    old, now = case.status, clock.now()
    flags = _response_flags(case, now) | _close_flags(case, now)
    case.status, case.replied_at, case.closed_at = Status.CLOSED, now, now
    case.responded_at = case.responded_at or now
    case.save()
    _record(case, "answer", by, from_status=old, note=reply, data=flags)
    return case


@transaction.atomic
def handle_on_the_spot(*, case: Case, by, result: str) -> Case:
    """自办: the grid worker dealt with a grid event there and then; the case
    closes with the result (after-photos are added by the caller in the same
    transaction). It counts as responded and closed in time."""
    _require(result.strip(), "请写明处置结果 / describe what was done")
    case = _lock(case)
    _check(case, "self_handle", by)
    old, now = case.status, clock.now()
    flags = _response_flags(case, now) | _close_flags(case, now)
    case.status, case.replied_at, case.closed_at = Status.CLOSED, now, now
    case.responded_at = case.responded_at or now
    case.save()
    _record(case, "self_handle", by, from_status=old, note=result.strip(), data=flags)
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
    case = _lock(case)
    _check(case, "dispatch", by)
    _dispatchable(unit)
    before, old, now = _deadlines(case), case.status, clock.now()
    case.status, case.lead_unit, case.handler, case.dispatched_at = Status.DISPATCHED, unit, None, now
    if co_units and case.tier == Tier.ONE_DEPARTMENT:
        case.tier = Tier.SEVERAL_DEPARTMENTS
    _set_deadlines(case, now)
    case.save()
    _set_units(case, unit, co_units)
    triage.note_choice(case=case, field="unit", chosen=str(unit.pk), by=by)
    _record(
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
        body=f"{case.title}（签收时限 {_when(case.sign_due_at)}）",
    )
    return case


@transaction.atomic
def reassign(*, case: Case, by, unit: OrgUnit, co_units: Sequence[OrgUnit] = (), reason: str) -> Case:
    """改派 to another unit; the resolution clock keeps running."""
    _require(reason.strip(), "改派须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "reassign", by)
    _dispatchable(unit)
    before, old, now = _deadlines(case), case.status, clock.now()
    previous = case.lead_unit_id
    case.status, case.lead_unit, case.handler, case.dispatched_at = Status.DISPATCHED, unit, None, now
    case.sign_due_at = work_calendar().add_working_minutes(now, limits.rule_for(case).sign_minutes)
    case.sign_overdue = False
    case.save()
    _set_units(case, unit, co_units)
    triage.note_choice(case=case, field="unit", chosen=str(unit.pk), by=by)
    _record(
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
    case = _lock(case)
    _check(case, "sign", by)
    old = case.status
    case.status, case.signed_at, case.handler = Status.HANDLING, clock.now(), by
    case.save()
    # Signing for a case the unit was whistled into answers the whistle too.
    CaseUnit.objects.filter(
        case=case, unit_id=case.lead_unit_id, role=UnitRole.WHISTLE, acknowledged_at=None
    ).update(acknowledged_at=case.signed_at, acknowledged_by=by)
    _record(case, "sign", by, from_status=old, note=note)
    return case


@transaction.atomic
def return_case(*, case: Case, by, reason: str) -> Case:
    """退回 a wrong dispatch to the dispatcher; the reason is required. The
    clocks stop; the next dispatch starts them again."""
    _require(reason.strip(), "退回须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "return_case", by)
    before, old, unit = _deadlines(case), case.status, case.lead_unit_id
    case.status, case.lead_unit, case.handler = Status.ACCEPTED, None, None
    for name in ("sign_due_at", "resolve_warn_at", "resolve_due_at"):
        setattr(case, name, None)  # the response clock keeps running from receipt
    case.save()
    CaseUnit.objects.filter(case=case).update(active=False)  # lead, co-handlers and whistled units
    _record(case, "return", by, from_status=old, note=reason, before=before, data={"unit": unit})
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
    _require(note.strip(), "请记录联系情况 / describe the contact")
    case = _lock(case)
    _check(case, "contact_reporter", by)
    now = clock.now()
    flags = _response_flags(case, now)
    case.responded_at = case.responded_at or now
    case.save()
    _record(case, "contact", by, from_status=case.status, note=note, data=flags)
    return case


# ---------------------------------------------------------------- extension


@transaction.atomic
def request_extension(*, case: Case, by, until: dt.datetime, reason: str) -> Case:
    """申请延期 to a later deadline, with the reason."""
    _require(reason.strip(), "申请延期须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "request_extension", by)
    _check_new_deadline(case, until, clock.now(), later_only=True)
    case.extension_requested = True
    case.save()
    _record(
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
    case = _lock(case)
    _check(case, "grant_extension", by)
    if until is None:
        asked = CaseEvent.objects.filter(case=case, action="request_extension").order_by("-seq").first()
        until = dt.datetime.fromisoformat(asked.data["until"])
    before, now = _deadlines(case), clock.now()
    _check_new_deadline(case, until, now, later_only=True)
    start = case.dispatched_at or now
    case.resolve_due_at = until
    case.resolve_warn_at = limits.warn_time(start, until, limits.rule_for(case).warn_share, work_calendar())
    case.extension_requested = False
    _reset_flags_for(case, now)
    case.save()
    _record(case, "grant_extension", by, from_status=case.status, note=note, before=before)
    notify(
        recipients=unit_staff([case.lead_unit_id]),
        case=case,
        kind="extension_granted",
        title=f"延期已批准：{case.number}",
    )
    return case


@transaction.atomic
def refuse_extension(*, case: Case, by, reason: str) -> Case:
    _require(reason.strip(), "驳回须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "refuse_extension", by)
    case.extension_requested = False
    case.save()
    _record(case, "refuse_extension", by, from_status=case.status, note=reason)
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
    _require(reason.strip(), "挂起须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "suspend", by)
    old = case.status
    case.status, case.suspended_at = Status.SUSPENDED, clock.now()
    case.save()
    _record(case, "suspend", by, from_status=old, note=reason)
    return case


@transaction.atomic
def resume(*, case: Case, by, note: str = "") -> Case:
    """恢复: deadlines move later by the working time spent suspended."""
    case = _lock(case)
    _check(case, "resume", by)
    before, old, now = _deadlines(case), case.status, clock.now()
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
    _reset_flags_for(case, now)
    case.save()
    _record(
        case, "resume", by, from_status=old, note=note, before=before, data={"paused_working_minutes": paused}
    )
    return case


# ----------------------------------------------------------- reply and close


@transaction.atomic
def reply(*, case: Case, by, result: str, evidence: Sequence[str] = ()) -> Case:
    """反馈: the unit reports what it did, with evidence (file references)."""
    _require(result.strip(), "反馈须写明办理结果 / the result is required")
    case = _lock(case)
    _check(case, "reply", by)
    old, now = case.status, clock.now()
    flags = _response_flags(case, now)
    case.status, case.replied_at = Status.REPLIED, now
    case.responded_at = case.responded_at or now
    case.save()
    _record(case, "reply", by, from_status=old, note=result, data={"evidence": list(evidence), **flags})
    notify(
        recipients=dispatchers_for(case),
        case=case,
        kind="case_replied",
        title=f"案件待核查：{case.number}",
        body=result[:200],
    )
    return case


@transaction.atomic
def verify(*, case: Case, by, passed: bool, note: str = "") -> Case:
    """核查: pass closes the case (结案); fail sends it back for rework (返工)."""
    if not passed:
        _require(note.strip(), "核查不通过须说明原因 / say why it failed")
    case = _lock(case)
    _check(case, "verify", by)
    old, now = case.status, clock.now()
    flags = _close_flags(case, now) if passed else {}
    if passed:
        case.status, case.closed_at = Status.CLOSED, now
    else:
        case.status = Status.HANDLING
    case.save()
    _record(case, "verify", by, from_status=old, note=note, data={"passed": passed, **flags})
    if not passed:
        notify(
            recipients=unit_staff([case.lead_unit_id]),
            case=case,
            kind="case_rework",
            title=f"核查未通过，请返工：{case.number}",
            body=note,
        )
    return case


@transaction.atomic
def rate(*, case: Case, by, satisfaction: int, solved: bool, note: str = "") -> Case:
    """评价 (回访): five levels and whether the problem was solved."""
    case = _lock(case)
    _check(case, "rate", by)
    # A new rating (after 重办) replaces the old one in the figures.
    earlier = case.events.filter(action="rate").order_by("-seq").values_list("data", flat=True).first()
    case.satisfaction, case.solved = Satisfaction(satisfaction), solved
    case.save()
    data = {"satisfaction": int(satisfaction), "solved": solved}
    if earlier:
        data["previous"] = {"satisfaction": earlier["satisfaction"], "solved": earlier["solved"]}
    _record(case, "rate", by, from_status=case.status, note=note, data=data)
    return case


@transaction.atomic
def reopen(*, case: Case, by, reason: str) -> Case:
    """重办: an unsolved or dissatisfied case goes back to its unit with new
    deadlines (once, within the configured days of closing)."""
    _require(reason.strip(), "重办须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "reopen", by)
    before, old, now = _deadlines(case), case.status, clock.now()
    case.closed_at = case.replied_at = case.satisfaction = case.solved = None
    case.reopen_count += 1
    if case.lead_unit_id is None:
        # A directly answered consultation: back to the dispatcher to send on.
        case.status = Status.ACCEPTED
    else:
        case.status, case.dispatched_at = Status.DISPATCHED, now
        _set_deadlines(case, now)
    case.save()
    _record(case, "reopen", by, from_status=old, note=reason, before=before)
    notify(
        recipients=unit_staff([case.lead_unit_id]),
        case=case,
        kind="case_reopened",
        title=f"重办案件：{case.number}",
        body=reason,
    )
    return case


# ------------------------------------------------------ merge and supervision


@transaction.atomic
def merge(*, case: Case, into: Case, by, note: str = "") -> Case:
    """合并 a duplicate into another case; the duplicate ends here."""
    if case.pk == into.pk:
        raise ValidationError({"into": "不能合并到自身 / cannot merge a case into itself"})
    first, second = sorted([case, into], key=lambda c: c.pk)  # lock in id order: no deadlock
    locked = {c.pk: _lock(c) for c in (first, second)}
    case, into = locked[case.pk], locked[into.pk]
    _check(case, "merge", by)
    if into.status in (Status.MERGED, Status.REJECTED) or not _is_dispatcher(by, into):
        raise ActionRefused(case, "merge", by, "目标案件不可合并 / the target case cannot take merges")
    root = into
    while root.parent_id:
        root = root.parent
    old = case.status
    case.status, case.parent, case.closed_at = Status.MERGED, root, clock.now()
    case.save()
    CaseUnit.objects.filter(case=case).update(active=False)
    _record(case, "merge", by, from_status=old, note=note, data={"into": root.number})
    _record(root, "merged_in", by, from_status=root.status, data={"case": case.number})
    return case


@transaction.atomic
def set_publicity(*, case: Case, by, publicity: str, note: str = "") -> Case:
    """公开设置: whether the public may see the case (``cases.public``); the
    reporter's wish is the default, staff have the last word, and the event
    keeps who decided what."""
    case = _lock(case)
    _check(case, "set_publicity", by)
    if publicity not in Publicity.values:
        raise ValidationError({"publicity": _("公开设置只能是按默认、公开或不公开")})
    before = case.publicity
    case.publicity = publicity
    case.save(update_fields=["publicity"])
    _record(case, "set_publicity", by, from_status=case.status, note=note,
            data={"publicity": publicity, "previous": before})  # fmt: skip
    return case


@transaction.atomic
def supervise(*, case: Case, by, note: str, due: dt.datetime | None = None) -> Case:
    """督办: a supervision note, optionally with a new deadline (earlier or
    later; the event says why)."""
    _require(note.strip(), "督办须写明意见 / the supervision note is required")
    case = _lock(case)
    _check(case, "supervise", by)
    before, now = _deadlines(case), clock.now()
    if due is not None:
        if case.resolve_due_at is None or case.status == Status.SUSPENDED:
            message = "只能为办理中的案件设定时限 / a deadline can be set only while a unit handles the case"
            raise ValidationError({"due": message})
        _check_new_deadline(case, due, now, later_only=False)
        case.resolve_due_at = due
        case.resolve_warn_at = limits.warn_time(now, due, limits.rule_for(case).warn_share, work_calendar())
        _reset_flags_for(case, now)
        case.save()
    _record(case, "supervise", by, from_status=case.status, note=note, before=before)
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
    _require(reason.strip(), "升级须说明理由 / a reason is required")
    case = _lock(case)
    _check(case, "escalate", by)
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
    _record(
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


# ------------------------------------------------- records of a case's kind


def log_event(*, case: Case, action: str, by, note: str = "", data: dict | None = None) -> CaseEvent:
    """Append an event that does not change the case's status: a step of a
    kind's own records (a dispute's visit, session, agreement …), so the
    case's one timeline and the figures see it. Call inside the caller's
    transaction."""
    case = _lock(case)  # (again, if the caller holds it: cheap, and ``seq`` stays unique)
    return _record(case, action, by, from_status=case.status, note=note, data=data)


def lock_case(case: Case) -> Case:
    return _lock(case)


def set_deadline(
    *, case: Case, by, due: dt.datetime, action: str, note: str = "", data: dict | None = None
) -> Case:
    """Move the case's resolution deadline to ``due`` (a kind's own time
    limit, e.g. the 30 days of a mediation, or its extension with the
    parties' consent); the warning moves with it, and the event records
    the change."""
    case = _lock(case)
    if case.status not in RUNNING_STATUSES:
        raise ValidationError(
            {"due": "只有办理中的案件可以调整时限 / only a case being handled has a deadline"}
        )
    before, now = _deadlines(case), clock.now()
    _check_new_deadline(case, due, now, later_only=False)
    start = case.dispatched_at or now
    case.resolve_due_at = due
    case.resolve_warn_at = limits.warn_time(start, due, limits.rule_for(case).warn_share, work_calendar())
    _reset_flags_for(case, now)
    case.save()
    _record(case, action, by, from_status=case.status, note=note, data=data, before=before)
    return case


# ------------------------------------------------------------------ whistle


@transaction.atomic
def blow_whistle(*, case: Case, by, units: Sequence[OrgUnit], note: str) -> Case:
    """吹哨: a grid worker or township calls units in; each must acknowledge
    (报到) within its time limit, then they handle the case jointly. Without
    a lead unit yet, the first unit leads and the case is dispatched."""
    _require(list(units), "请选择吹哨单位 / choose at least one unit")
    _require(note.strip(), "请说明吹哨事由 / describe why")
    case = _lock(case)
    _check(case, "whistle", by)
    before, old, now = _deadlines(case), case.status, clock.now()
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
        _set_deadlines(case, now)
        _set_units(case, units[0], units[1:])
        data["unit"] = units[0].pk  # the whistle dispatched the case: its first unit leads
    if len(units) > 1 and case.tier == Tier.ONE_DEPARTMENT:
        case.tier = Tier.SEVERAL_DEPARTMENTS
    case.save()
    _record(case, "whistle", by, from_status=old, note=note, before=before, data=data)
    notify(
        recipients=unit_staff([u.pk for u in units]),
        case=case,
        kind="whistle",
        title=f"吹哨报到：{case.number}",
        body=f"{note}（请于 {_when(ack_due)} 前报到）",
    )
    return case


@transaction.atomic
def acknowledge(*, case: Case, by, note: str = "") -> Case:
    """报到: a whistled unit answers the call. When the lead unit reports, it
    has also signed for the case."""
    case = _lock(case)
    _check(case, "acknowledge", by)
    old, now = case.status, clock.now()
    CaseUnit.objects.filter(case=case, unit_id=by.org_unit_id, role=UnitRole.WHISTLE, active=True).update(
        acknowledged_at=now, acknowledged_by=by
    )
    if case.status == Status.DISPATCHED and by.org_unit_id == case.lead_unit_id:
        case.status, case.signed_at, case.handler = Status.HANDLING, now, by
        case.save()
    _record(case, "acknowledge", by, from_status=old, note=note, data={"unit": by.org_unit_id})
    return case


# ------------------------------------------------------------------ timers


SYSTEM = None  # events written by the worker have no actor


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    sign_overdue: int = 0
    whistles_escalated: int = 0

    def total(self) -> int:
        return self.warned + self.overdue + self.sign_overdue + self.whistles_escalated


def sweep_timers(*, now: dt.datetime | None = None, batch: int = 500) -> SweepReport:
    """The worker's timer pass: warn at the configured share of the limit,
    mark overdue (and move an overdue case to the next tier), tell the
    dispatchers about overdue signing, escalate un-acknowledged whistles.

    Cases are claimed in batches under row locks that other workers skip; a
    batch's flags, events and notifications are written in one transaction,
    so a restart neither loses nor repeats anything."""
    now = now or clock.now()
    report = SweepReport()
    for timer in TIMERS:
        while True:
            ids = list(timer.due(now).order_by(timer.due_field).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            done = _sweep_batch(timer, ids, now)
            setattr(report, timer.report_field, getattr(report, timer.report_field) + done)
            if done == 0:
                break  # all locked by another worker, which will handle them
    report.whistles_escalated = _sweep_whistles(now, batch)
    return report


@dataclass(frozen=True)
class Timer:
    flag: str
    due_field: str
    statuses: tuple[str, ...]
    action: str
    report_field: str

    def due(self, now: dt.datetime):
        """Cases whose timer has run out and not fired yet (a partial index each)."""
        return Case.objects.filter(
            **{self.flag: False, f"{self.due_field}__lte": now}, status__in=self.statuses
        )


TIMERS = (
    Timer("resolve_warned", "resolve_warn_at", RUNNING_STATUSES, "warn", "warned"),
    Timer("resolve_overdue", "resolve_due_at", RUNNING_STATUSES, "overdue", "overdue"),
    Timer("sign_overdue", "sign_due_at", (Status.DISPATCHED,), "sign_overdue", "sign_overdue"),
)


class _Recipients:
    """Recipient lists looked up once per batch, not once per case."""

    def __init__(self):
        self._dispatchers: dict[str, list[User]] = {}
        self._staff: dict[int, list[User]] = {}

    def dispatchers(self, case: Case) -> list[User]:
        key = case.area_id[:9]
        if key not in self._dispatchers:
            self._dispatchers[key] = dispatchers_for(case)
        return self._dispatchers[key]

    def load_staff(self, unit_ids) -> None:
        wanted = [u for u in set(unit_ids) if u is not None and u not in self._staff]
        for unit_id in wanted:
            self._staff[unit_id] = []
        for user in unit_staff(wanted):
            self._staff[user.org_unit_id].append(user)

    def staff(self, unit_id: int | None) -> list[User]:
        return self._staff.get(unit_id, [])


def _sweep_batch(timer: Timer, ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        # Re-checked under the lock: another worker may have fired it meanwhile.
        qs = timer.due(now).filter(pk__in=ids).select_related("lead_unit")
        cases = list(qs.select_for_update(of=("self",), skip_locked=True))
        if not cases:
            return 0
        pks = [c.pk for c in cases]
        Case.objects.filter(pk__in=pks).update(**{timer.flag: True})
        last = dict(
            CaseEvent.objects.filter(case_id__in=pks)
            .values("case_id")
            .annotate(m=Max("seq"))
            .values_list("case_id", "m")
        )
        people = _Recipients()
        people.load_staff(c.lead_unit_id for c in cases)
        events, messages, tier_up = [], [], []
        for case in cases:
            seq = last.get(case.pk, 0) + 1
            data = {"due": _iso(getattr(case, timer.due_field))}
            events.append(_system_event(case, seq, timer.action, now, data=data))
            if timer.action == "warn":
                messages.append(
                    Message(people.staff(case.lead_unit_id), f"即将超期：{case.number}", "case_warning",
                            f"办理时限 {_when(case.resolve_due_at)}", case)
                )  # fmt: skip
            elif timer.action == "overdue":
                if case.tier < Tier.LEADER - 1:
                    # Overdue moves the case to the next tier (one department →
                    # several); a leader taking it (包案) stays a decision.
                    tier_up.append(case.pk)
                    events.append(
                        _system_event(case, seq + 1, "escalate", now, note="超期自动升级 / overdue",
                                      data={"tier": int(Tier.SEVERAL_DEPARTMENTS)})
                    )  # fmt: skip
                messages.append(
                    Message([*people.staff(case.lead_unit_id), *people.dispatchers(case)],
                            f"案件已超期：{case.number}", "case_overdue", case.title, case)
                )  # fmt: skip
            else:
                messages.append(
                    Message(people.dispatchers(case), f"签收超时：{case.number}", "sign_overdue",
                            f"{case.lead_unit} 未按时签收", case)
                )  # fmt: skip
        CaseEvent.objects.bulk_create(events)
        if tier_up:
            Case.objects.filter(pk__in=tier_up).update(tier=Tier.SEVERAL_DEPARTMENTS)
        notify_many(messages)
    return len(cases)


def _system_event(
    case: Case, seq: int, action: str, at: dt.datetime, *, note: str = "", data=None
) -> CaseEvent:
    return CaseEvent(
        case=case, seq=seq, action=action, actor=None, unit=None, from_status=case.status,
        to_status=case.status, note=note, data=data or {}, at=at,
    )  # fmt: skip


def _sweep_whistles(now: dt.datetime, batch: int) -> int:
    """Escalate whistles not acknowledged in time, on cases still being
    handled. The case row is locked before the whistle row, the same order as
    ``acknowledge``, so the two never deadlock."""
    total = 0
    pending = CaseUnit.objects.filter(
        role=UnitRole.WHISTLE, active=True, acknowledged_at=None, escalated_at=None, ack_due_at__lte=now,
        case__status__in=(Status.DISPATCHED, Status.HANDLING),
    )  # fmt: skip
    for row_id, case_id in list(pending.order_by("ack_due_at").values_list("pk", "case_id")[: batch * 20]):
        with transaction.atomic():
            cases = Case.objects.filter(pk=case_id, status__in=(Status.DISPATCHED, Status.HANDLING))
            case = cases.select_for_update(of=("self",), skip_locked=True).first()
            row = (
                pending.filter(pk=row_id).select_for_update().select_related("unit").first() if case else None
            )
            if row is None:
                continue  # handled meanwhile, or another worker holds the case
            row.escalated_at = now
            row.save(update_fields=["escalated_at"])
            data = {"unit": row.unit_id}
            if case.tier < Tier.LEADER - 1:
                case.tier = Tier(case.tier + 1)
                case.save(update_fields=["tier"])
                data["tier"] = int(case.tier)
            _record(case, "whistle_overdue", SYSTEM, from_status=case.status, at=now, data=data)
            parent_staff = (
                list(User.objects.filter(org_unit_id=row.unit.parent_id, is_active=True))
                if row.unit.parent_id
                else []
            )
            notify(
                recipients=[*dispatchers_for(case), *parent_staff],
                case=case,
                kind="whistle_overdue",
                title=f"吹哨未报到：{case.number}",
                body=f"{row.unit} 未按时报到",
            )
            total += 1
    return total


@transaction.atomic
def follow_up(*, case: Case, by, note: str = "", photos: Sequence[ProcessedPhoto] = ()) -> Case:
    """补充说明: the reporter adds a note or photos; they reach the handling
    unit (or, before dispatch, the dispatchers)."""
    _require(note.strip() or photos, "请写下补充内容或附上照片 / add a note or a photo")
    case = _lock(case)
    _check(case, "follow_up", by)
    add_photos(case=case, photos=photos, source="reporter")
    data = {"by": "reporter", "photos": len(photos)} if photos else {"by": "reporter"}
    _record(case, "follow_up", by, from_status=case.status, note=note.strip()[:2000], data=data)
    notify(
        recipients=unit_staff([case.lead_unit_id]) if case.lead_unit_id else dispatchers_for(case),
        case=case,
        kind="reporter_follow_up",
        title=f"反映人补充说明：{case.number}",
        body=note.strip()[:200] or f"补充了 {len(photos)} 张照片",
    )
    return case


class ProcessedPhoto(Protocol):
    """A photo already checked and re-encoded (intake.photos.Photo, or one
    kept with a form): JPEG bytes, a JPEG thumbnail, pixel size."""

    jpeg: bytes | memoryview
    thumbnail: bytes | memoryview
    width: int
    height: int


def add_photos(*, case: Case, photos: Sequence[ProcessedPhoto], source: str) -> list:
    """Store processed photos on the case; call inside the transaction that
    creates or changes the case."""
    stored = []
    for i, photo in enumerate(photos, start=1):
        stem = f"{source}-{clock.now():%H%M%S}-{i}"
        attachment = Attachment(case=case, width=photo.width, height=photo.height, source=source)
        attachment.image.save(f"{stem}.jpg", ContentFile(bytes(photo.jpeg)), save=False)
        attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(bytes(photo.thumbnail)), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def add_me_too(*, case: Case) -> Case:
    """我也遇到: another resident meets the same open problem nearby and says
    so instead of filing a duplicate; counted on the case."""
    case = _lock(case)
    if case.status not in OPEN_STATUSES:
        raise ValidationError("该问题已办结 / this report is already closed")
    if case.kind == CaseKind.DISPUTE:
        raise ValidationError("矛盾纠纷只涉及当事人 / a dispute is its parties' own")
    case.me_too += 1
    case.save(update_fields=["me_too"])
    _record(case, "me_too", None, from_status=case.status, data={"count": case.me_too})
    return case


# ------------------------------------------------------------ saved filters

MAX_SAVED_FILTERS = 30


def save_filter(*, user, name: str, query: str) -> SavedFilter:
    """Save (or replace) a named list filter for the user (常用筛选)."""
    name, query = name.strip()[:40], query.strip()[:1000]
    _require(name, "请给筛选起个名字 / the filter needs a name")
    query = QueryDict(query).copy()
    query.pop("cursor", None)
    query = query.urlencode()  # percent-encoding may make it longer than what was typed
    if len(query) > SavedFilter._meta.get_field("query").max_length:
        raise ValidationError(_("筛选条件太长"))
    saved, created = SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": query})
    if created and SavedFilter.objects.filter(user=user).count() > MAX_SAVED_FILTERS:
        saved.delete()
        raise ValidationError(
            f"最多保存 {MAX_SAVED_FILTERS} 个筛选 / at most {MAX_SAVED_FILTERS} saved filters"
        )
    return saved


def delete_filter(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
