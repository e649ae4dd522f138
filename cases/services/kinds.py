"""Records of a case's kind: the events an app above the core (mediation …)
appends to a case's one log without changing its status — a dispute's visit,
session, agreement — and the deadline it may move.

Such events are declared first (``declare_event``: the name, a label, and a
check run on the locked case and the actor). ``log_event`` and
``set_deadline`` refuse a name nobody declared and run the declared check,
so an app appends only the events it owns, by the people it names — never
one of the core's own actions (a forged 签收 or 结案)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cases import limits
from cases.models import DECLARED_LABELS, EVENT_LABELS, RUNNING_STATUSES, Case, CaseEvent
from cases.services.records import check_new_deadline, deadlines_of, lock, record, reset_flags
from cases.services.rules import ACTIONS
from changan import clock
from worktime.selectors import work_calendar

# The core's own events (its actions, and every event its timeline labels:
# timers, registration as a dispute …): no app may declare them.
CORE_EVENTS = frozenset({*ACTIONS, *EVENT_LABELS})


class EventRefused(PermissionDenied):
    """A declared event this user may not append to this case now."""


@dataclass(frozen=True)
class EventKind:
    action: str
    label: str
    check: Callable[[Case, object], None]  # raises EventRefused (or ValidationError) to refuse


EVENT_KINDS: dict[str, EventKind] = {}


def declare_event(action: str, label: str, check: Callable[[Case, object], None]) -> None:
    """Let an app append ``action`` events to cases; ``check(case, by)``
    (``by`` is None for the worker) raises when one may not be appended.
    Declared once, at start-up (an app's ``ready``); declaring it again the
    same way changes nothing."""
    kind = EventKind(action, label, check)
    if action in CORE_EVENTS:
        raise ImproperlyConfigured(f"{action!r} is one of the case core's own events")
    if EVENT_KINDS.get(action, kind) != kind:
        raise ImproperlyConfigured(f"the event {action!r} is declared twice, differently")
    EVENT_KINDS[action] = kind
    DECLARED_LABELS[action] = label


def _check_declared(case: Case, action: str, by) -> None:
    kind = EVENT_KINDS.get(action)
    if kind is None:
        raise EventRefused(_("未声明的案件日志类型：%(action)s") % {"action": action})
    kind.check(case, by)


def log_event(*, case: Case, action: str, by, note: str = "", data: dict | None = None) -> CaseEvent:
    """Append a declared event that does not change the case's status, so
    the case's one timeline and the figures see it. Call inside the
    caller's transaction."""
    case = lock(case)  # (again, if the caller holds it: cheap, and ``seq`` stays unique)
    _check_declared(case, action, by)
    return record(case, action, by, from_status=case.status, note=note, data=data)


def lock_case(case: Case) -> Case:
    """The case re-read under its row lock, for a kind's service that
    changes its own records in the same transaction."""
    return lock(case)


def set_deadline(
    *, case: Case, by, due: dt.datetime, action: str, note: str = "", data: dict | None = None
) -> Case:
    """Move the case's resolution deadline to ``due`` (a kind's own time
    limit, e.g. the 30 days of a mediation, or its extension with the
    parties' consent); the warning moves with it, and the declared event
    ``action`` records the change."""
    case = lock(case)
    _check_declared(case, action, by)
    if case.status not in RUNNING_STATUSES:
        raise ValidationError(
            {"due": "只有办理中的案件可以调整时限 / only a case being handled has a deadline"}
        )
    before, now = deadlines_of(case), clock.now()
    check_new_deadline(case, due, now, later_only=False)
    start = case.dispatched_at or now
    case.resolve_due_at = due
    case.resolve_warn_at = limits.warn_time(start, due, limits.rule_for(case).warn_share, work_calendar())
    reset_flags(case, now)
    case.save()
    record(case, action, by, from_status=case.status, note=note, data=data, before=before)
    return case
