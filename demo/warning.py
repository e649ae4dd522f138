"""The demo's early-warning days: the nightly run on the days its planted
events (demo.year.PLANTED_EVENTS) must be found, and on yesterday, so the
signals page has something to show the morning after ``make demo``."""

from __future__ import annotations

import datetime as dt

from cases.models import Category
from demo.year import PLANTED_EVENTS, Burst
from earlywarning.models import Signal
from earlywarning.services import run_early_warning
from regions.models import Grid


def judge_demo_days(*, end: dt.date) -> tuple[int, list[str]]:
    """Run the engine on the planted events' days and on the day before
    ``end``. Returns the signals stored and, per event, a line saying
    whether it was found on its day (that it is not found the day before
    is checked by earlywarning/tests/test_planted_events.py)."""
    days = {end - dt.timedelta(days=1)} | {found_day(event, end) for event in PLANTED_EVENTS}
    signals = sum(run_early_warning(day=day).signals for day in sorted(days))
    lines = []
    for event in PLANTED_EVENTS:
        day = found_day(event, end)
        found = signals_for_event(event, day)
        verdict = f"✓ {len(found)} signals" if found else "✗ not found"
        lines.append(f"{event.titles[0]}: {day} {verdict}")
    return signals, lines


def found_day(event: Burst, end: dt.date) -> dt.date:
    return event.first_day(end) + dt.timedelta(days=event.found_on)


def signals_for_event(event: Burst, day: dt.date) -> list[Signal]:
    """The day's signals that are about ``event``: in its township and in its
    class (or one above, or all classes), or naming an entity there.
    Keyword signals do not count: a word is not a pattern."""
    township = Grid.objects.filter(code__startswith=event.grid_prefix).order_by("code").first().code[:9]
    classes, category = {""}, Category.objects.get(code=event.category)
    while category is not None:
        classes.add(category.code)
        category = category.parent
    return [
        s
        for s in Signal.objects.filter(day=day, area__code__startswith=township).exclude(kind="keyword")
        if (s.category_id or "") in classes or s.kind == "entity"
    ]
