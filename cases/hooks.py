"""Where the apps above the case core join in, without the core knowing them.

The case services call the points below at fixed places; an app registers its
handlers in its ``AppConfig.ready()`` (figures counts events, triage
classifies new cases and notes a person's choices). Handlers are plain
functions, called synchronously inside the case's transaction, in the order
they were registered (``INSTALLED_APPS`` order): one that raises rolls the
case back with it. With nothing registered the case core works alone.

=====================  ==========================================================
point                  handler
=====================  ==========================================================
``classify_new``       ``(cases) -> [Proposal, …]`` one per new case, before it
                       is numbered; one classifier at most
``cases_received``     ``(cases, proposals, *, by)`` after the new cases and
                       their first events are written
``events_recorded``    ``(pairs)``: every ``(case, event)`` the core writes
``category_changed``   ``(case, *, previous_category)`` a person re-classified it
``choice_made``        ``(*, case, field, chosen, by)`` a person chose a
                       ``category`` or a ``unit`` (maybe against a suggestion)
``case_panels``        ``(user, case, actions) -> Panel | None`` a card on the
                       case page
``case_detail_fields`` ``() -> {name: serializer field}`` fields the case API's
                       detail adds (read-only, given the case via ``source="*"``)
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

POINTS = (
    "classify_new",
    "cases_received",
    "events_recorded",
    "category_changed",
    "choice_made",
    "case_panels",
    "case_detail_fields",
)
SINGLE = frozenset({"classify_new"})  # two classifiers would disagree over one field

_handlers: dict[str, list[Callable]] = {point: [] for point in POINTS}


def register(point: str, handler: Callable) -> None:
    """Add ``handler`` to ``point`` (an unknown point is a KeyError at start-up)."""
    handlers = _handlers[point]
    if handler in handlers:
        return  # ready() may run more than once (tests)
    if point in SINGLE and handlers:
        raise ImproperlyConfigured(f"{point} takes one handler; {handlers[0]!r} is registered")
    handlers.append(handler)


def unregister(point: str, handler: Callable) -> None:
    if handler in _handlers[point]:
        _handlers[point].remove(handler)


def handlers(point: str) -> tuple[Callable, ...]:
    return tuple(_handlers[point])


# Fields a classifier may fill in on a new case, where the case has none.
PROPOSABLE = ("category", "appeal_type")


@dataclass
class Proposal:
    """What a classifier proposes for one new case: values for the fields in
    ``PROPOSABLE``, filled in by the case core only where the case arrived
    without one (what a person chose is never replaced). A classifier may
    subclass it to keep what it needs later: the same objects come back to
    it in ``cases_received``."""

    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    """A card on the case page: ``template`` included with ``panel`` bound to
    ``context`` (besides the page's own ``case``)."""

    template: str
    context: dict


def classify_new(cases: Sequence) -> list[Proposal]:
    for handler in _handlers["classify_new"]:
        return handler(cases)
    return [Proposal() for _ in cases]


def cases_received(cases: Sequence, proposals: Sequence[Proposal], *, by) -> None:
    for handler in _handlers["cases_received"]:
        handler(cases, proposals, by=by)


def events_recorded(pairs: Iterable[tuple]) -> None:
    pairs = list(pairs)
    for handler in _handlers["events_recorded"]:
        handler(pairs)


def category_changed(case, *, previous_category: str) -> None:
    for handler in _handlers["category_changed"]:
        handler(case, previous_category=previous_category)


def choice_made(*, case, field: str, chosen: str, by) -> None:
    for handler in _handlers["choice_made"]:
        handler(case=case, field=field, chosen=chosen, by=by)


def case_panels(user, case, actions: Sequence[str]) -> list[Panel]:
    found = (handler(user, case, actions) for handler in _handlers["case_panels"])
    return [panel for panel in found if panel is not None]


def case_detail_fields() -> dict:
    fields: dict = {}
    for handler in _handlers["case_detail_fields"]:
        fields.update(handler())
    return fields
