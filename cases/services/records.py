"""The plumbing every action shares: the row lock, appending an event (and
telling the apps above and the reporter), the response and closing marks
the figures count, deadlines, who hears about a case, and case numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import RoleCode, User
from cases import hooks, limits
from cases.models import Case, CaseEvent, CaseNumberCounter
from cases.selectors import PUBLIC_EVENTS
from cases.services.rules import REPORTER
from cases.tracking import my_reports_url
from changan import clock
from notify.services import notify_phone
from orgs.models import OrgUnit, OrgUnitKind
from regions import codes
from worktime.selectors import work_calendar


def lock(case: Case) -> Case:
    """Re-read the case with a row lock: a second writer waits here, then
    sees the first one's result (PostgreSQL ``FOR UPDATE``; SQLite runs
    write transactions one at a time)."""
    return Case.objects.select_for_update(of=("self",)).select_related("lead_unit").get(pk=case.pk)


def require(value, message: str):
    if value in (None, "", [], ()):
        raise ValidationError(message)
    return value


DEADLINE_FIELDS = ("sign_due_at", "respond_due_at", "resolve_warn_at", "resolve_due_at")


def record(
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
            name: [iso(before[name]), iso(getattr(case, name))]
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
    hooks.events_recorded([(case, event)])
    if by is not REPORTER:  # the reporter knows what they just did
        tell_reporter(case, event)
    return event


# Public steps a verified reporter hears about by SMS (their own rating and
# notes excepted).
REPORTER_STEPS = frozenset(PUBLIC_EVENTS) - {"rate", "follow_up"}


def tell_reporter(case: Case, event: CaseEvent) -> None:
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


def response_flags(case: Case, now: dt.datetime) -> dict:
    """Marks the case's first response (联系/反馈/答复) and whether it came
    within the response time limit: the figures count from these."""
    if case.responded_at is not None:
        return {}
    return {
        "first_response": True,
        "response_on_time": case.respond_due_at is None or now <= case.respond_due_at,
    }


def close_flags(case: Case, now: dt.datetime) -> dict:
    """Marks a case's first closing (a reopened case closes again unmarked)
    and whether it met the resolution deadline (按期办结)."""
    if case.reopen_count:
        return {}
    return {"first_close": True, "close_on_time": case.resolve_due_at is None or now <= case.resolve_due_at}


def when(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}"


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def deadlines_of(case: Case) -> dict:
    return {name: getattr(case, name) for name in DEADLINE_FIELDS}


def set_deadlines(case: Case, start: dt.datetime) -> None:
    rule = limits.rule_for(case)
    d = limits.deadlines_from(start, rule, work_calendar())
    case.sign_due_at = d.sign_due_at
    case.respond_due_at = case.respond_due_at or d.respond_due_at
    case.resolve_warn_at, case.resolve_due_at = d.resolve_warn_at, d.resolve_due_at
    case.sign_overdue = case.resolve_warned = case.resolve_overdue = False


MAX_DEADLINE = dt.timedelta(days=366)


def check_new_deadline(case: Case, due: dt.datetime, now: dt.datetime, *, later_only: bool) -> None:
    """A deadline set by hand lies in the future (within a year) and, for an
    extension, after the current one."""
    if due <= now:
        raise ValidationError({"due": "新的时限须晚于现在 / the new deadline must be in the future"})
    if due > now + MAX_DEADLINE:
        raise ValidationError({"due": "新的时限不能超过一年 / the new deadline must be within a year"})
    if later_only and case.resolve_due_at and due <= case.resolve_due_at:
        raise ValidationError({"due": "延期后时限须晚于原时限 / must be later than the current deadline"})


def reset_flags(case: Case, now: dt.datetime) -> None:
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


class Recipients:
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
