"""Where: the QR code's place by default; the phone's location or a pin on
the map moves the report to the grid that point lies in."""

import pytest

from cases.models import Case, Category
from cases.services import accept
from intake import selectors
from intake.models import PlaceKind
from intake.services import place_from_token, place_token, submit_report
from regions.models import Grid

QR_GRID = "410611101001001"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def url(db):
    return f"/report/?p={place_token(PlaceKind.GRID, QR_GRID)}"


def form(**extra):
    return {"key": "where-1", "text": "路边有一棵树倒了", "consent": "on", **extra}


@pytest.mark.django_db
def test_a_pin_in_another_grid_files_the_report_there(client, url):
    other = Grid.objects.exclude(village_id=QR_GRID[:12]).filter(code__startswith="410611").first()
    response = client.post(url, form(lon=other.centroid_lon, lat=other.centroid_lat))
    assert response.status_code == 302
    case = Case.objects.get(description="路边有一棵树倒了")
    assert (case.grid_id, case.area_id) == (other.code, other.village_id)
    assert case.lon == pytest.approx(other.centroid_lon, abs=1e-6)


@pytest.mark.django_db
def test_a_point_outside_the_city_is_refused_and_nothing_typed_is_lost(client, url):
    for lon, lat in ((116.40, 39.90), ("east", "north")):  # Beijing; garbage
        page = client.post(url, form(lon=lon, lat=lat, name="李"))
        text = page.content.decode()
        assert page.status_code == 400 and "不在本市辖区内" in text
        assert "路边有一棵树倒了" in text and 'value="李"' in text
    assert not Case.objects.filter(description="路边有一棵树倒了").exists()


@pytest.mark.django_db
def test_the_choose_page_can_start_from_the_phones_location(client):
    grid = Grid.objects.get(code=QR_GRID)
    page = client.get(f"/report/?at={grid.centroid_lon},{grid.centroid_lat}")
    assert page.status_code == 200 and grid.name in page.content.decode()
    assert client.get("/report/?at=116.4,39.9")["Location"] == "/report/place/"
    assert 'id="near-me"' in client.get("/report/place/").content.decode()


@pytest.mark.django_db
def test_the_pin_map_shows_the_villages_grids_without_private_details(client):
    body = client.get(f"/report/map/{QR_GRID[:12]}/").json()
    assert len(body["features"]) == Grid.objects.filter(village_id=QR_GRID[:12]).count() > 1
    assert set(body["features"][0]["properties"]) == {"code", "name"}
    assert body["outline"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get("/report/map/410611101000/").status_code == 404  # a township, not a village


@pytest.mark.django_db
def test_nearby_reports_are_narrowed_to_the_chosen_family(user_named):
    place = place_from_token(place_token(PlaceKind.GRID, QR_GRID))
    common = {"place": place, "consent": True, "session": "test-session"}
    dispatcher = user_named("dispatcher_410611")
    roads = accept(case=submit_report(key="n-1", text="路灯不亮", family="01", **common), by=dispatcher)
    other = submit_report(key="n-3", text="邻居装修噪音", family=_another_family(), **common)
    other = accept(case=other, by=dispatcher)
    found = [c.pk for c in selectors.nearby_open_reports(place, family="01")]
    assert roads.pk in found and other.pk not in found
    assert other.pk in [c.pk for c in selectors.nearby_open_reports(place)]


@pytest.mark.django_db
def test_reports_not_yet_accepted_are_not_shown_nearby(client, url):
    submit_report(key="n-4", session="test-session", text="说不清是什么事", place=_qr_place(), consent=True)
    assert "说不清是什么事" not in client.get(url).content.decode()


def _qr_place():
    return place_from_token(place_token(PlaceKind.GRID, QR_GRID))


def _another_family() -> str:
    return Category.objects.filter(level=1).exclude(code="01").values_list("code", flat=True).first()
