"""The demo city's year holds planted events (demo.year.PLANTED_EVENTS);
the nightly run must signal each on its day — not the day before — in its
township and class, and the signals page must show it."""

import datetime as dt

import pytest
from django.test import override_settings

from demo.warning import found_day, signals_for_event
from demo.year import PLANTED_EVENTS, simulate_year
from earlywarning.services import run_early_warning

END = dt.date(2026, 11, 1)
FAST_SCAN = {"scan_replicates": 199}  # p ≥ 1/200: still below the 0.01 a cluster must reach


@pytest.mark.django_db
@override_settings(EARLY_WARNING=FAST_SCAN)
def test_every_planted_event_is_signalled_on_its_day_and_not_before(demo_city, client_for):
    simulate_year(cases_per_year=300, seed=2026, end=END)
    client = client_for("analyst")
    for event in PLANTED_EVENTS:
        day = found_day(event, END)
        run_early_warning(day=day - dt.timedelta(days=1))
        run_early_warning(day=day)
        assert signals_for_event(event, day - dt.timedelta(days=1)) == [], event.titles[0]
        found = signals_for_event(event, day)
        assert found, f"{event.titles[0]} not found on {day}"
        # …and shown on the page, with the cases behind it.
        body = client.get("/warning/", {"day": day.isoformat(), "all": "1"}).content.decode()
        assert f'id="signal-{found[0].pk}"' in body
        assert found[0].cases.filter(title__in=event.titles).exists()
