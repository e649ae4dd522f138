"""The mediation's own time limits on the working-time calendar. Pure
Python over ``worktime.calendar.WorkCalendar``; no Django import.

Both limits count natural days, as the rules do, and a period whose last
day is not a workday ends on the next workday (the civil-procedure rule for
periods, 民事诉讼法 第八十五条: 期间届满的最后一日是法定休假日的，以法定
休假日后的第一日为期间届满的日期):

* a mediation is normally finished within 30 days of its start
  (人民调解工作若干规定: 一般在一个月内调结);
* the parties may apply to a court for judicial confirmation (司法确认)
  within 30 days of the agreement taking effect (人民调解法 第三十三条)."""

from __future__ import annotations

import datetime as dt

from worktime.calendar import WorkCalendar

MEDIATION_DAYS = 30
CONFIRMATION_DAYS = 30


def period_end(start: dt.date, days: int, calendar: WorkCalendar) -> dt.date:
    """The last day of a period of ``days`` natural days from ``start``,
    moved past holidays and weekends to the next workday."""
    end = start + dt.timedelta(days=days)
    while not calendar.is_workday(end):
        end += dt.timedelta(days=1)
    return end


def end_of_day(day: dt.date, calendar: WorkCalendar) -> dt.datetime:
    """The end of the day's last working period (17:30 by default)."""
    return dt.datetime.combine(day, calendar.periods[-1][1], tzinfo=calendar.tz)


def mediation_due(start: dt.datetime, calendar: WorkCalendar, days: int = MEDIATION_DAYS) -> dt.datetime:
    local = start.astimezone(calendar.tz).date()
    return end_of_day(period_end(local, days, calendar), calendar)


def workdays_before(day: dt.date, count: int, calendar: WorkCalendar) -> dt.date:
    """The workday ``count`` workdays before ``day`` (``day`` not counted)."""
    found = day
    for _ in range(count):
        found -= dt.timedelta(days=1)
        while not calendar.is_workday(found):
            found -= dt.timedelta(days=1)
    return found


def confirmation_window(
    effective: dt.date, calendar: WorkCalendar, *, warn_workdays: int = 5, days: int = CONFIRMATION_DAYS
) -> tuple[dt.date, dt.date]:
    """(last day to apply, the day to warn) for an agreement effective on
    ``effective``: the warning comes ``warn_workdays`` workdays before the
    last day, so a holiday in between does not eat the time to act."""
    due = period_end(effective, days, calendar)
    return due, max(effective, workdays_before(due, warn_workdays, calendar))
