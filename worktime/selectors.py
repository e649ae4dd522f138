"""The process's working-time calendar, rebuilt when the calendar data change."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from worktime.calendar import DEFAULT_PERIODS, WorkCalendar
from worktime.models import CalendarDay, WorkingPeriod

_VERSION_KEY = "worktime:calendar-version"
_lock = threading.Lock()
_cached: tuple[str, WorkCalendar] | None = None


def calendar_changed() -> None:
    cache.delete(_VERSION_KEY)


def _version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        days = CalendarDay.objects.aggregate(n=Count("date"), last=Max("date"))
        periods = list(WorkingPeriod.objects.values_list("start", "end"))
        flags = CalendarDay.objects.filter(is_workday=True).count()
        version = f"{days['n']}:{days['last']}:{flags}:{periods}"
        cache.set(_VERSION_KEY, version, timeout=10)
    return version


def work_calendar() -> WorkCalendar:
    global _cached
    version = _version()
    current = _cached
    if current is not None and current[0] == version:
        return current[1]
    with _lock:
        overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        periods = list(WorkingPeriod.objects.values_list("start", "end")) or list(DEFAULT_PERIODS)
        calendar = WorkCalendar(overrides, periods, tz=settings.TIME_ZONE)
        _cached = (version, calendar)
        return calendar
