"""The process's working-time calendar, rebuilt when the calendar data change."""

from __future__ import annotations

import hashlib

from django.conf import settings

from changan.rebuilt import Rebuilt
from worktime.calendar import DEFAULT_PERIODS, WorkCalendar
from worktime.models import CalendarDay, WorkingPeriod


def _stamp() -> str:
    # A digest of every row (a few hundred): moving one holiday changes it.
    days = CalendarDay.objects.order_by("date").values_list("date", "is_workday")
    periods = WorkingPeriod.objects.order_by("start").values_list("start", "end")
    return hashlib.sha256(repr((list(days), list(periods))).encode()).hexdigest()


def _build() -> WorkCalendar:
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    periods = list(WorkingPeriod.objects.values_list("start", "end")) or list(DEFAULT_PERIODS)
    return WorkCalendar(overrides, periods, tz=settings.TIME_ZONE)


_calendar = Rebuilt("worktime:calendar-version", stamp=_stamp, build=_build)


def calendar_changed() -> None:
    _calendar.invalidate()


def work_calendar() -> WorkCalendar:
    return _calendar.get()
