"""Working-time arithmetic (工作日/工作时). Pure Python, no Django import.

A day is a workday if the calendar says so (holidays off, 调休 make-up
Saturdays/Sundays on) and otherwise if it is Monday–Friday. Working time runs
only inside the daily working periods (e.g. 08:30–12:00 and 14:00–17:30).
All arithmetic happens in the calendar's local time zone; aware datetimes in,
aware datetimes out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo

DEFAULT_PERIODS = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(14, 0), dt.time(17, 30)))
_MAX_DAYS = 3 * 366  # no limit runs for years; a loop past this is a bug in the data


class WorkCalendar:
    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | None = None,
        periods: Sequence[tuple[dt.time, dt.time]] = DEFAULT_PERIODS,
        tz: str = "Asia/Shanghai",
    ):
        if not periods or any(start >= end for start, end in periods):
            raise ValueError("working periods must be non-empty (start, end) pairs")
        if any(a[1] > b[0] for a, b in itertools.pairwise(periods)):
            raise ValueError("working periods must be in order and not overlap")
        self.overrides = dict(overrides or {})
        self.periods = tuple(periods)
        self.tz = ZoneInfo(tz)
        self.minutes_per_day = sum(_minutes(s, e) for s, e in self.periods)

    # --- days -------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        return override if override is not None else day.weekday() < 5

    def _intervals(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        if self.is_workday(day):
            for start, end in self.periods:
                yield (
                    dt.datetime.combine(day, start, tzinfo=self.tz),
                    dt.datetime.combine(day, end, tzinfo=self.tz),
                )

    # --- arithmetic -------------------------------------------------------
    def add_working_minutes(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """The moment when ``minutes`` of working time have passed after
        ``start``. Starting outside working time, the clock starts at the next
        working period; a result never falls outside working time, except that
        a limit ending exactly at a period's end is that end."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        now = _aware(start).astimezone(self.tz)
        left = dt.timedelta(minutes=minutes)
        day = now.date()
        for _ in range(_MAX_DAYS):
            for begin, end in self._intervals(day):
                if end <= now:
                    continue
                begin = max(begin, now)
                if left <= end - begin:
                    return begin + left
                left -= end - begin
            day += dt.timedelta(days=1)
        raise ValueError("no working time found within three years: check the calendar")

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.add_working_minutes(start, hours * 60)

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """``days`` full working days of working time after ``start`` (so
        from 10:00 on a workday, 7 working days end at 10:00 on the 7th
        workday after it)."""
        return self.add_working_minutes(start, days * self.minutes_per_day)

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Working minutes in ``[start, end)``; negative if ``end < start``."""
        a, b = _aware(start).astimezone(self.tz), _aware(end).astimezone(self.tz)
        if b < a:
            return -self.working_minutes_between(b, a)
        if (b - a).days > _MAX_DAYS:
            raise ValueError("the span is longer than three years: check the dates")
        total = dt.timedelta()
        day = a.date()
        while day <= b.date():
            for begin, finish in self._intervals(day):
                lo, hi = max(begin, a), min(finish, b)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds() / 60


def _minutes(start: dt.time, end: dt.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be time-zone aware")
    return moment
