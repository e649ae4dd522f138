"""Hostile input on the grid worker's phone forms — control characters,
10 MB strings, wrong types, forged ids, missing fields, coordinates that are
not numbers in a patrol's path — gets a 4xx, never a 500, and files nothing."""

import pytest

from cases.models import Case
from fieldwork.models import Patrol, Visit

WORKER = "gw410611101001001"
GRID = "410611101001001"
TEN_MB = "x" * 10_000_000

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def phone(client_for):
    return client_for(WORKER)


def report(**changes):
    return {
        "key": "hostile-1",
        "grid": GRID,
        "text": "路边井盖松动",
        "category": "01",
        "handle": "report",
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"text": "井盖\x00松动"},
        {"text": "\x1b[31m"},
        {"key": "k\x00"},
        {"category": "0\x001"},
        {"text": TEN_MB},
        {"text": ""},  # nothing to report
        {"grid": ""},  # no grid chosen
        {"grid": "999999999999999"},  # not the worker's grid
        {"handle": "self", "result": ""},  # handled on the spot needs its result
        {"handle": "whistle", "units": ["99999999999999999999999", "²", "-1"]},  # no real unit called
    ],
)
def test_a_hostile_report_files_nothing(phone, changes):
    before = Case.objects.count()
    response = phone.post("/field/report/", report(**changes))
    assert 400 <= response.status_code < 500
    assert Case.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"grid": GRID, "household": "3号楼\x00", "note": "身体还好"},
        {"grid": GRID, "household": "3号楼", "note": TEN_MB},
        {"grid": GRID, "household": "", "note": ""},
        {"grid": "\x00", "household": "3号楼", "note": "身体还好"},
        {"household": "3号楼", "note": "身体还好"},
    ],
)
def test_a_hostile_visit_is_not_logged(phone, data):
    before = Visit.objects.count()
    response = phone.post("/field/visit/", data)
    assert 400 <= response.status_code < 500
    assert Visit.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "[[114.29, 35.74, 1764380000]" + "]" * 3,
        "[" * 100_000 + "]" * 100_000,
        '[["114.29", "35.74", "\\u0000"]]',
        '{"points": 1}',
        "[[NaN, Infinity, 1]]",
        "[[114.29, 35.74, 99999999999999999999999999]]",
    ],
)
def test_hostile_patrol_points_are_refused(phone, user_named, body):
    phone.post("/field/patrol/start/", {"grid": GRID})
    patrol = Patrol.objects.get(worker=user_named(WORKER), ended_at=None)
    response = phone.post(f"/field/patrol/{patrol.pk}/points/", body, content_type="application/json")
    assert response.status_code == 400
    patrol.refresh_from_db()
    assert patrol.path in (None, [])
