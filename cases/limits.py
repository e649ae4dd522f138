"""Time limits: which rule applies to a case, and the deadlines it gives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.models import Case, TimeLimitRule, TimeUnit, Urgency
from regions.codes import parent_code_of, prefix_of
from worktime.calendar import WorkCalendar

# 12345 practice, used when no rule in the database matches.
DEFAULT_RESOLVE = {
    Urgency.URGENT: (120, TimeUnit.WORKING_MINUTES),  # 2 working hours
    Urgency.FAST: (24 * 60, TimeUnit.NATURAL_MINUTES),  # 24 hours
    Urgency.ORDINARY: (7, TimeUnit.WORKING_DAYS),
    Urgency.COMPLEX: (15, TimeUnit.WORKING_DAYS),
}


def rule_for(case: Case, rules: list[TimeLimitRule] | None = None) -> TimeLimitRule:
    """The most specific rule for the case's category × area × urgency
    (``rules``: all rules, when the caller has them already)."""
    category_codes = set()
    if case.category_id:
        code = case.category_id
        category_codes = {code[:n] for n in range(2, len(code) + 1, 2)}
    area_codes = set()
    code = case.area_id
    while code:
        area_codes.add(code)
        code = parent_code_of(code)
    candidates = [
        r
        for r in (rules if rules is not None else TimeLimitRule.objects.all())  # a handful of rows
        if (r.category_id is None or r.category_id in category_codes)
        and (r.area_id is None or r.area_id in area_codes)
        and (not r.urgency or r.urgency == case.urgency)
    ]
    if not candidates:
        amount, unit = DEFAULT_RESOLVE[Urgency(case.urgency)]
        sign = 30 if case.urgency == Urgency.URGENT else 60
        return TimeLimitRule(
            urgency=case.urgency,
            sign_minutes=sign,
            resolve_amount=amount,
            resolve_unit=unit,
            whistle_ack_minutes=sign,
        )
    return max(
        candidates,
        # Deeper category first, then the smaller area (its code prefix is
        # longer: a county rule beats the city's), then one naming the urgency.
        key=lambda r: (
            len(r.category_id or ""),
            len(prefix_of(r.area_id)) if r.area_id else 0,
            bool(r.urgency),
        ),
    )


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: dt.datetime
    respond_due_at: dt.datetime
    resolve_warn_at: dt.datetime
    resolve_due_at: dt.datetime


def deadlines_from(start: dt.datetime, rule: TimeLimitRule, calendar: WorkCalendar) -> Deadlines:
    warn, due = resolve_times(start, rule.resolve_amount, rule.resolve_unit, rule.warn_share, calendar)
    return Deadlines(
        sign_due_at=calendar.add_working_minutes(start, rule.sign_minutes),
        respond_due_at=start + dt.timedelta(minutes=rule.respond_minutes),
        resolve_warn_at=warn,
        resolve_due_at=due,
    )


def resolve_times(
    start: dt.datetime, amount: int, unit: str, warn_share: float, calendar: WorkCalendar
) -> tuple[dt.datetime, dt.datetime]:
    """(warning moment, deadline) for a limit of ``amount`` ``unit``."""
    if unit == TimeUnit.NATURAL_MINUTES:
        return start + dt.timedelta(minutes=amount * warn_share), start + dt.timedelta(minutes=amount)
    minutes = amount * calendar.minutes_per_day if unit == TimeUnit.WORKING_DAYS else amount
    return calendar.add_working_minutes(start, minutes * warn_share), calendar.add_working_minutes(
        start, minutes
    )


def warn_time(start: dt.datetime, due: dt.datetime, share: float, calendar: WorkCalendar) -> dt.datetime:
    """The warning moment for a deadline set by hand (supervision, extension):
    ``share`` of the working time between start and due."""
    total = calendar.working_minutes_between(start, due)
    if total <= 0:
        return due
    return calendar.add_working_minutes(start, total * share)
