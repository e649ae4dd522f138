"""The area tree page: from the scope's top down to grids, with counts."""

import pytest

from regions.models import Area, AreaLevel, Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_county_page_lists_townships_with_counts(client_for):
    page = client_for("qixian_dispatcher").get("/places/410622000000/").content.decode()
    assert "朝歌街道" in page and "灵山街道" in page
    grids_in_county = Grid.objects.filter(code__startswith="410622").count()
    villages = Area.objects.filter(code__startswith="410622", level=AreaLevel.VILLAGE).count()
    total = page.split("<tfoot>")[1]  # the total row: villages, grids (the demo's 淇县 has 201 villages)
    assert f'<td class="num">{villages}</td><td class="num">{grids_in_county}</td>' in total


@pytest.mark.django_db
def test_a_village_page_lists_its_grids_with_people_and_party_branch(client_for):
    page = client_for("city_dispatcher").get("/places/410611101001/").content.decode()
    grid = Grid.objects.filter(village_id="410611101001").select_related("chief").first()
    assert grid.code in page and grid.name in page
    assert grid.chief.full_name in page
    assert grid.workers.first().phone in page
    assert grid.party_branch_secretary in page


@pytest.mark.django_db
def test_the_map_data_holds_the_children_polygons(client_for):
    data = client_for("city_dispatcher").get("/places/410611101000/map.geojson").json()
    assert data["outline"]["properties"]["code"] == "410611101000"
    assert len(data["features"]) == 2  # 钜桥镇's villages in the small city (the demo's: 38)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in data["features"])


@pytest.mark.django_db
def test_an_unknown_code_is_not_found(client_for):
    assert client_for("city_dispatcher").get("/places/999999999999/").status_code == 404


@pytest.mark.django_db
def test_english_is_available(client_for):
    client = client_for("city_dispatcher")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/admin/").content.decode()
    assert 'lang="en"' in page
