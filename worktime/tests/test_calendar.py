"""Working-time arithmetic on the edges: holidays, 调休, lunch, midnight."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from worktime.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def cal(db):
    from worktime.selectors import work_calendar

    return work_calendar()  # the seeded 2025–2027 calendar


def test_plain_weekdays_and_weekends():
    plain = WorkCalendar()
    assert plain.minutes_per_day == 420  # 08:30–12:00 and 14:00–17:30
    assert plain.add_working_hours(at("2024-03-04 09:00"), 2) == at("2024-03-04 11:00")
    # Across the lunch break: 11:00 + 2 h = 11:00–12:00 and 14:00–15:00.
    assert plain.add_working_hours(at("2024-03-04 11:00"), 2) == at("2024-03-04 15:00")
    # Across midnight and the weekend: Friday 17:00 + 1 h ends Monday 09:00.
    assert plain.add_working_hours(at("2024-03-08 17:00"), 1) == at("2024-03-11 09:00")
    # Starting at night, the clock starts at the next morning.
    assert plain.add_working_minutes(at("2024-03-04 23:30"), 30) == at("2024-03-05 09:00")
    assert plain.add_working_minutes(at("2024-03-04 12:30"), 0) == at("2024-03-04 14:00")


def test_spring_festival_2026_with_make_up_saturdays(cal):
    assert cal.is_workday(dt.date(2026, 2, 14))  # Saturday 调休上班
    assert not cal.is_workday(dt.date(2026, 2, 16))  # Monday of the holiday
    assert cal.is_workday(dt.date(2026, 2, 28))  # Saturday 调休上班
    # Friday 13th 17:00 + 1 working hour: the make-up Saturday 14th, 09:00.
    assert cal.add_working_hours(at("2026-02-13 17:00"), 1) == at("2026-02-14 09:00")
    # Saturday 14th 17:00 + 1 h jumps the nine days off to Tuesday 24th.
    assert cal.add_working_hours(at("2026-02-14 17:00"), 1) == at("2026-02-24 09:00")


def test_national_day_2026(cal):
    # 7 working days from Monday 28 Sep 10:00: 28, 29, 30 Sep, then 8, 9 Oct,
    # Saturday 10 Oct (make-up), 12 Oct → ends Tuesday 13 Oct 10:00.
    assert cal.add_working_days(at("2026-09-28 10:00"), 7) == at("2026-10-13 10:00")
    assert cal.is_workday(dt.date(2026, 9, 20))  # Sunday make-up before 国庆


def test_a_deadline_that_would_land_in_a_holiday_moves_past_it(cal):
    # 2 working days from Wednesday 30 Sep 2026 09:00 would be Friday 2 Oct on
    # a plain calendar; the holiday pushes it to Friday 9 Oct 09:00.
    assert cal.add_working_days(at("2026-09-30 09:00"), 2) == at("2026-10-09 09:00")
    assert WorkCalendar().add_working_days(at("2026-09-30 09:00"), 2) == at("2026-10-02 09:00")


def test_working_time_between_two_moments(cal):
    assert cal.working_minutes_between(at("2026-03-02 11:00"), at("2026-03-02 15:00")) == 120
    assert cal.working_minutes_between(at("2026-03-02 15:00"), at("2026-03-02 11:00")) == -120
    # Over the whole Spring Festival only the make-up Saturday's hours count.
    assert cal.working_minutes_between(at("2026-02-14 00:00"), at("2026-02-24 00:00")) == 420


def test_limits_round_trip(cal):
    start = at("2025-01-24 16:45")  # Friday before the 2025 Spring Festival
    for minutes in (0, 30, 60, 420, 7 * 420, 15 * 420):
        end = cal.add_working_minutes(start, minutes)
        assert cal.working_minutes_between(start, end) == pytest.approx(minutes)


def test_2027_is_provisional_and_editable(db):
    from worktime.models import CalendarDay

    assert CalendarDay.objects.filter(date__year=2027, provisional=True).count() >= 10
    assert not CalendarDay.objects.filter(date__year__lt=2027, provisional=True).exists()


def test_a_calendar_change_takes_effect(db):
    from worktime.models import CalendarDay
    from worktime.selectors import work_calendar

    assert work_calendar().is_workday(dt.date(2026, 3, 2))
    CalendarDay.objects.create(date=dt.date(2026, 3, 2), is_workday=False, name="临时停工")
    assert not work_calendar().is_workday(dt.date(2026, 3, 2))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        WorkCalendar().add_working_minutes(dt.datetime(2026, 1, 5, 9), 10)
