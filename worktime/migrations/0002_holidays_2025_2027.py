"""Public holidays and make-up workdays (调休) for 2025–2027.

2025 and 2026 follow the State Council General Office's notices
(国务院办公厅关于2025年/2026年部分节假日安排的通知). 2027 was not known when this
was written: its days are the statutory holidays of the 2024 revision of
《全国年节及纪念日放假办法》 with weekend days made up on the next workdays,
marked provisional; check them against the 2027 notice in the admin.
"""

import datetime as dt

from django.db import migrations


def span(start: str, end: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


# (first day off, last day off, name, make-up workdays, provisional)
HOLIDAYS = [
    ("2025-01-01", "2025-01-01", "元旦", [], False),
    ("2025-01-28", "2025-02-04", "春节", ["2025-01-26", "2025-02-08"], False),
    ("2025-04-04", "2025-04-06", "清明节", [], False),
    ("2025-05-01", "2025-05-05", "劳动节", ["2025-04-27"], False),
    ("2025-05-31", "2025-06-02", "端午节", [], False),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节", ["2025-09-28", "2025-10-11"], False),
    ("2026-01-01", "2026-01-03", "元旦", ["2026-01-04"], False),
    ("2026-02-15", "2026-02-23", "春节", ["2026-02-14", "2026-02-28"], False),
    ("2026-04-04", "2026-04-06", "清明节", [], False),
    ("2026-05-01", "2026-05-05", "劳动节", ["2026-05-09"], False),
    ("2026-06-19", "2026-06-21", "端午节", [], False),
    ("2026-09-25", "2026-09-27", "中秋节", [], False),
    ("2026-10-01", "2026-10-07", "国庆节", ["2026-09-20", "2026-10-10"], False),
    ("2027-01-01", "2027-01-01", "元旦", [], True),
    ("2027-02-05", "2027-02-10", "春节", [], True),
    ("2027-04-05", "2027-04-05", "清明节", [], True),
    ("2027-05-01", "2027-05-04", "劳动节", [], True),
    ("2027-06-09", "2027-06-09", "端午节", [], True),
    ("2027-09-15", "2027-09-15", "中秋节", [], True),
    ("2027-10-01", "2027-10-05", "国庆节", [], True),
]


def load(apps, schema_editor):
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    WorkingPeriod = apps.get_model("worktime", "WorkingPeriod")
    for first, last, name, makeups, provisional in HOLIDAYS:
        for day in span(first, last):
            CalendarDay.objects.update_or_create(
                date=day, defaults={"is_workday": False, "name": name, "provisional": provisional}
            )
        for day in makeups:
            CalendarDay.objects.update_or_create(
                date=dt.date.fromisoformat(day),
                defaults={"is_workday": True, "name": f"{name}调休上班", "provisional": provisional},
            )
    if not WorkingPeriod.objects.exists():
        WorkingPeriod.objects.create(start=dt.time(8, 30), end=dt.time(12, 0))
        WorkingPeriod.objects.create(start=dt.time(14, 0), end=dt.time(17, 30))


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
