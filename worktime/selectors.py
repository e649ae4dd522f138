"""The process's working-time calendar, rebuilt when the calendar data change."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Max

from changan.rebuilt import Rebuilt
from worktime.calendar import DEFAULT_PERIODS, WorkCalendar
from worktime.models import CalendarDay, WorkingPeriod


def _stamp() -> str:
    days = CalendarDay.objects.aggregate(n=Count("date"), last=Max("date"))
    workdays = CalendarDay.objects.filter(is_workday=True).count()
    periods = list(WorkingPeriod.objects.values_list("start", "end"))
    return f"{days['n']}:{days['last']}:{workdays}:{periods}"


def _build() -> WorkCalendar:
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    periods = list(WorkingPeriod.objects.values_list("start", "end")) or list(DEFAULT_PERIODS)
    return WorkCalendar(overrides, periods, tz=settings.TIME_ZONE)


_calendar = Rebuilt("worktime:calendar-version", stamp=_stamp, build=_build)


def calendar_changed() -> None:
    _calendar.invalidate()


def work_calendar() -> WorkCalendar:
    return _calendar.get()
