"""Reads of cases, always scoped to the user.

Who sees which cases:
- dispatchers, leaders, analysts and administrators: every case in their
  area subtree;
- a unit's staff: the cases their unit (or a unit below it) leads, co-handles
  or was whistled into — never another unit's;
- grid workers: the cases in their grids and the ones they reported.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleCode
from accounts.scope import scope_of
from cases.models import OPEN_STATUSES, Case, CaseEvent, CaseUnit, SavedFilter, Status
from cases.search import query_words
from orgs.models import OrgUnit
from regions.codes import prefix_of
from regions.selectors import grids_of_worker

AREA_ROLES = (RoleCode.DISPATCHER, RoleCode.LEADER, RoleCode.ANALYST, RoleCode.ADMINISTRATOR)


def _visible_parts(user) -> list[Q] | None:
    """The ways a case can be visible to ``user``, each one index-friendly;
    None means everything (a global scope)."""
    scope = scope_of(user)
    if scope.is_global:
        return None
    if scope.nothing:
        return []
    parts = []
    if any(user.has_role(r) for r in AREA_ROLES):
        parts.append(scope.area_q("area__code"))
    if scope.org_unit_ids:
        units = list(scope.org_unit_ids)
        parts.append(Q(lead_unit_id__in=units))
        parts.append(Q(pk__in=CaseUnit.objects.filter(unit_id__in=units, active=True).values("case_id")))
    if user.has_role(RoleCode.GRID_WORKER):
        parts.append(Q(grid__in=grids_of_worker(user).values("code")))
        parts.append(Q(pk__in=CaseEvent.objects.filter(action="receive", actor=user).values("case_id")))
    return parts


def cases_for(user) -> QuerySet[Case]:
    parts = _visible_parts(user)
    if parts is None:
        return Case.objects.all()
    if not parts:
        return Case.objects.none()
    return Case.objects.filter(reduce(operator.or_, parts))


def case_for(user, pk: int) -> Case:
    """One case the user may see; ``Case.DoesNotExist`` otherwise."""
    return (
        cases_for(user)
        .select_related("category", "area", "grid", "lead_unit", "handler", "leader")
        .get(pk=pk)
    )


QUEUES = {
    # name: (label, filter)
    "to_accept": ("待受理", Q(status=Status.RECEIVED)),
    # The classifier was not sure: a dispatcher chooses from its top three (人工研判).
    "to_triage": ("待人工研判", Q(status=Status.RECEIVED, triage__needs_human=True)),
    "to_dispatch": ("待派遣", Q(status=Status.ACCEPTED)),
    "to_sign": ("待签收", Q(status=Status.DISPATCHED)),
    "in_progress": ("办理中", Q(status__in=(Status.HANDLING, Status.SUSPENDED))),
    "warning": (
        "即将超期",
        Q(resolve_warned=True, resolve_overdue=False, status__in=(Status.DISPATCHED, Status.HANDLING)),
    ),
    "overdue": ("已超期", Q(resolve_overdue=True, status__in=(Status.DISPATCHED, Status.HANDLING))),
    "to_verify": ("待核查", Q(status=Status.REPLIED)),
    "to_rate": ("待回访", Q(status=Status.CLOSED, satisfaction=None, closed_at__isnull=False)),
}


def queue_for(user, name: str) -> QuerySet[Case]:
    qs = _queue_rows(user, name, cases_for(user))
    return qs.select_related("category", "lead_unit").order_by("resolve_due_at", "received_at")


def _queue_rows(user, name: str, qs: QuerySet[Case]) -> QuerySet[Case]:
    _, condition = QUEUES[name]
    qs = qs.filter(condition)
    unit_staff = not user.is_superuser and not any(user.has_role(r) for r in AREA_ROLES)
    if name in ("to_sign", "in_progress") and unit_staff and user.org_unit_id:
        # A unit's staff see their own unit's work here, not co-handled cases.
        qs = qs.filter(lead_unit_id=user.org_unit_id)
    return qs


def filter_cases(user, f: dict) -> QuerySet[Case]:
    """The user's cases narrowed by list filters (parsed by
    ``cases.actions.CaseFilter``): queue, fields, category and area with
    everything below them, dates, and words (编号、标题、内容、地址)."""
    qs = queue_for(user, f["queue"]) if f.get("queue") else cases_for(user)
    for name in ("status", "kind", "channel", "urgency"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("lead_unit"):
        qs = qs.filter(lead_unit_id=f["lead_unit"])
    if f.get("category"):
        qs = qs.filter(category__code__startswith=f["category"])
    if f.get("area"):
        qs = qs.filter(area__code__startswith=prefix_of(f["area"]))
    if f.get("grid"):
        qs = qs.filter(grid_id=f["grid"])
    if f.get("overdue") is not None:
        qs = qs.filter(resolve_overdue=f["overdue"])
    if f.get("received_after"):
        qs = qs.filter(received_at__gte=_day_start(f["received_after"]))
    if f.get("received_before"):
        qs = qs.filter(received_at__lt=_day_start(f["received_before"] + dt.timedelta(days=1)))
    if f.get("q"):
        qs = _matching(qs, f["q"].strip())
    return qs.select_related("triage")  # the suggestions shown for unclassified cases


def _day_start(day: dt.date) -> dt.datetime:
    # A whole local day, as a range on the indexed column (not a date cast).
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _matching(qs: QuerySet[Case], query: str) -> QuerySet[Case]:
    if NUMBER_RE.match(query):
        return qs.filter(number__startswith=query)
    terms = query_words(query)
    if not terms:
        return qs.none()
    # A single Chinese character is not a stored term: it is looked for inside them.
    single = [t for t in terms if len(t) == 1]
    indexed = [t for t in terms if len(t) > 1]
    if connection.vendor == "postgresql" and indexed:
        # The expression of the GIN index (migration 0008), so the index is used.
        match = RawSQL(
            "to_tsvector('simple', search_text) @@ to_tsquery('simple', %s)",
            (" & ".join(_quoted(t) for t in indexed),),
            output_field=BooleanField(),
        )
        qs, indexed = qs.alias(words_match=match).filter(words_match=True), []
    for term in indexed + single:
        qs = qs.filter(search_text__contains=term)
    return qs


def _quoted(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


NUMBER_RE = re.compile(r"^\d{8,14}$")  # a case number or its first digits


RELATED_LIMIT = 10


def related_cases(user, case: Case) -> list[tuple[str, list[Case]]]:
    """Cases to look at beside this one, each group only what the user may
    see: the same reporter (by phone digest), the same grid in the 90 days
    around it, and merges either way."""
    visible = cases_for(user).exclude(pk=case.pk).order_by("-received_at")
    groups = []
    if case.reporter_phone_digest:
        same = visible.filter(reporter_phone_digest=case.reporter_phone_digest)
        groups.append((_("同一反映人"), list(same[:RELATED_LIMIT])))
    if case.grid_id:
        window = (case.received_at - dt.timedelta(days=90), case.received_at + dt.timedelta(days=90))
        near = visible.filter(grid_id=case.grid_id, received_at__range=window)
        groups.append((_("同一网格（前后 90 天）"), list(near[:RELATED_LIMIT])))
    merged = visible.filter(Q(parent=case) | Q(pk=case.parent_id or 0))
    groups.append((_("合并关系"), list(merged[:RELATED_LIMIT])))
    return [(label, rows) for label, rows in groups if rows]


def saved_filters_for(user) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=user)


def queue_counts(user) -> dict[str, int]:
    """The size of each queue. An OR of the ways a case is visible defeats
    the indexes, so each way is counted on its own, less what the ways before
    it already counted: the same total, each part on an index."""
    counts = {}
    parts = _visible_parts(user)
    for name in QUEUES:
        if not parts:  # global (count once) or nothing
            counts[name] = queue_for(user, name).count() if parts is None else 0
            continue
        base = _queue_rows(user, name, Case.objects.all())
        total, before = 0, []
        for part in parts:
            rows = base.filter(part)
            for earlier in before:
                rows = rows.exclude(earlier)
            total += rows.count()
            before.append(part)
        counts[name] = total
    return counts


def timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "unit").order_by("seq")


# What the public sees of a case's course: what happened and when, and the
# unit's reply — never staff names or internal notes.
PUBLIC_EVENTS = {
    "receive": "已登记 received",
    "accept": "已受理 accepted",
    "dispatch": "已派遣 dispatched",
    "reassign": "已改派 reassigned",
    "sign": "办理中 in progress",
    "reply": "已办结待核查 replied",
    "verify": "已核查 verified",
    "answer": "已答复 answered",
    "self_handle": "网格员已现场处置 handled on the spot",
    "reject": "不予受理 not accepted",
    "merge": "已合并 merged",
    "reopen": "重新办理 reopened",
    "rate": "已评价 rated",
    "follow_up": "反映人补充说明 follow-up from the reporter",
}


@dataclass(frozen=True)
class PublicStep:
    at: object
    summary: str
    text: str  # the reply or answer to the public; empty otherwise
    unit: str  # the unit a dispatch went to (units are public, people are not)


def public_timeline(case: Case) -> list[PublicStep]:
    events = list(case.events.filter(action__in=PUBLIC_EVENTS).order_by("seq"))
    units = dict(
        OrgUnit.objects.filter(pk__in=[e.data.get("unit") for e in events if e.data.get("unit")]).values_list(
            "pk", "name"
        )
    )
    return [
        PublicStep(
            at=e.at,
            summary=PUBLIC_EVENTS[e.action],
            text=e.note if e.action in ("reply", "answer", "self_handle") else "",
            unit=units.get(e.data.get("unit"), "") if e.action in ("dispatch", "reassign") else "",
        )
        for e in events
    ]


MAP_POINTS_LIMIT = 5000


def open_load(user, prefix: str, *, by_grid: bool) -> dict[str, dict[str, int]]:
    """Open and overdue cases per grid (``by_grid``) or per township, within
    the user's cases under area ``prefix`` — for the map's colours."""
    rows = cases_for(user).filter(status__in=OPEN_STATUSES, area__code__startswith=prefix)
    if by_grid:
        rows = rows.exclude(grid=None).annotate(place=F("grid_id"))
    else:
        rows = rows.annotate(place=Concat(Substr("area_id", 1, 9), Value("000")))
    found = rows.values("place").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(resolve_overdue=True))
    )
    return {r["place"]: {"open": r["open"], "overdue": r["overdue"]} for r in found}


def open_points(user, prefix: str) -> list[dict]:
    """The newest open cases with a point, for the clustered markers."""
    rows = (
        cases_for(user)
        .filter(status__in=OPEN_STATUSES, area__code__startswith=prefix, lon__isnull=False)
        .order_by("-received_at")
        .values("pk", "number", "title", "lon", "lat", "resolve_overdue")[:MAP_POINTS_LIMIT]
    )
    return list(rows)
