"""Registering new cases (登记), from any channel: validate, place, classify,
number, write each case with its first event, tell the dispatchers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.scope import scope_of
from cases import contact, hooks, limits, registration, search
from cases.models import (
    AppealType,
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Channel,
    Publicity,
    TimeLimitRule,
    Urgency,
)
from cases.services.records import Recipients, next_numbers, tell_reporter
from changan import bulk, clock, crypto
from intel import duplicates
from notify.services import Message, notify_many
from regions.models import Area
from regions.services import locate_grid_codes


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


def _fill_in(case: Case, fields: dict) -> None:
    """What a person chose is never replaced: proposals fill only blanks."""
    for name, value in fields.items():
        if name not in hooks.PROPOSABLE:
            raise ValueError(f"a classifier cannot set {name!r}")
        if getattr(case, name) in (None, ""):
            setattr(case, name, value)


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
    # A classifier's proposals (category, appeal type) are filled in where
    # blank before numbering, time limits and the figures.
    proposals = hooks.classify_new(cases)
    for case, proposal in zip(cases, proposals, strict=True):
        _fill_in(case, proposal.fields)
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
    hooks.events_recorded(zip(cases, events, strict=True))
    hooks.cases_received(cases, proposals, by=actor)
    for case, event in zip(cases, events, strict=True):
        tell_reporter(case, event)
    people = Recipients()
    messages = [
        Message(people.dispatchers(case), f"新案件待受理：{case.number}", "case_received", case.title, case)
        for case in cases
    ]
    notify_many(messages)
    return cases


def receive_case(*, by=None, **fields) -> Case:
    return receive_cases(items=[NewCase(**fields)], by=by)[0]
