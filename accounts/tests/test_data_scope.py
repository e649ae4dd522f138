"""A 淇县 dispatcher cannot list, read or change anything in 浚县 — by page,
admin or API, including by guessing ids. A city dispatcher sees both."""

import pytest

from accounts.models import User
from accounts.scope import scope_of
from orgs.models import OrgUnit
from regions.models import Area, Grid

QIXIAN, XUNXIAN = "410622000000", "410621000000"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def xunxian_grid(db):
    return Grid.objects.filter(code__startswith="410621").order_by("code").first()


@pytest.fixture
def xunxian_unit(db):
    return OrgUnit.objects.get(name="浚县住房和城乡建设局")


@pytest.mark.django_db
def test_scope_is_the_units_area_subtree(user_named):
    scope = scope_of(user_named("qixian_dispatcher"))
    assert scope.area_prefix == "410622"
    assert scope.covers_area("410622101001002")
    assert not scope.covers_area("410621101001002")
    assert scope_of(user_named("city_dispatcher")).area_prefix == "4106"


# --- pages -------------------------------------------------------------------


@pytest.mark.django_db
def test_place_pages_of_another_county_are_not_found(client_for):
    client = client_for("qixian_dispatcher")
    assert client.get(f"/places/{QIXIAN}/").status_code == 200
    assert client.get(f"/places/{XUNXIAN}/").status_code == 404
    assert client.get("/places/410621001000/").status_code == 404  # a 浚县 township
    assert client.get(f"/places/{XUNXIAN}/map.geojson").status_code == 404
    # The city page is above the scope: not shown either.
    assert client.get("/places/410600000000/").status_code == 404


@pytest.mark.django_db
def test_the_tree_starts_at_the_top_of_the_scope(client_for):
    response = client_for("qixian_dispatcher").get("/places/")
    assert response.status_code == 302 and response["Location"] == f"/places/{QIXIAN}/"
    response = client_for("city_dispatcher").get("/places/")
    assert response["Location"] == "/places/410600000000/"


# --- admin -------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_only_the_scope(client_for):
    client = client_for("qixian_dispatcher")
    assert client.get("/admin/regions/grid/", {"q": "410621"}).context["cl"].result_count == 0
    in_county = Grid.objects.filter(code__startswith="410622").count()
    assert client.get("/admin/regions/grid/", {"q": "410622"}).context["cl"].result_count == in_county > 1
    page = client.get("/admin/regions/area/?level__exact=3").content.decode()
    assert "淇县" in page and "浚县" not in page
    page = client.get("/admin/orgs/orgunit/?q=住房").content.decode()
    assert "淇县住房和城乡建设局" in page and "浚县住房和城乡建设局" not in page


@pytest.mark.django_db
def test_admin_change_pages_of_another_county_cannot_be_opened_by_guessing(
    client_for, xunxian_grid, xunxian_unit
):
    client = client_for("qixian_admin")
    for url in (
        f"/admin/regions/grid/{xunxian_grid.code}/change/",
        f"/admin/regions/area/{XUNXIAN}/change/",
        f"/admin/orgs/orgunit/{xunxian_unit.pk}/change/",
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/"
        assert "不存在" in response.content.decode() or "doesn’t exist" in response.content.decode()


@pytest.mark.django_db
def test_admin_refuses_to_change_or_delete_in_another_county(client_for, xunxian_grid):
    client = client_for("qixian_admin")
    client.post(f"/admin/regions/grid/{xunxian_grid.code}/change/", {"name": "改名", "households": 1})
    client.post(f"/admin/regions/grid/{xunxian_grid.code}/delete/", {"post": "yes"})
    xunxian_grid.refresh_from_db()
    assert xunxian_grid.name != "改名"


@pytest.mark.django_db
def test_county_admin_can_change_a_grid_in_their_own_county(client_for):
    client = client_for("qixian_admin")
    grid = Grid.objects.filter(code__startswith="410622").order_by("code").first()
    response = client.get(f"/admin/regions/grid/{grid.code}/change/")
    assert response.status_code == 200
    data = {
        "name": "朝歌街道示范网格", "kind": grid.kind, "dedicated_to": "", "households": 321,
        "chief": grid.chief_id, "workers": list(grid.workers.values_list("pk", flat=True)),
        "party_branch_name": grid.party_branch_name, "party_branch_secretary": "",
    }  # fmt: skip
    response = client.post(f"/admin/regions/grid/{grid.code}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    grid.refresh_from_db()
    assert (grid.name, grid.households) == ("朝歌街道示范网格", 321)


@pytest.mark.django_db
def test_admin_choices_for_related_fields_stay_in_scope(client_for):
    client = client_for("qixian_admin")
    page = client.get("/admin/orgs/orgunit/add/").content.decode()
    # Area and parent are autocomplete fields; their lookups are scoped too.
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "orgs", "model_name": "orgunit", "field_name": "area", "term": "浚县"},
    ).json()
    assert found["results"] == []
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "orgs", "model_name": "orgunit", "field_name": "area", "term": "淇县"},
    ).json()
    assert [r["id"] for r in found["results"]] == [QIXIAN]
    assert "orgunit" in page


# --- API ---------------------------------------------------------------------


@pytest.mark.django_db
def test_api_lists_only_the_scope(client_for):
    client = client_for("qixian_dispatcher")
    counties = client.get("/api/v1/areas/", {"level": 3}).json()["results"]
    assert [a["code"] for a in counties] == [QIXIAN]
    grids = client.get("/api/v1/grids/", {"page_size": 1000}).json()["results"]
    assert grids and all(g["code"].startswith("410622") for g in grids)
    units = client.get("/api/v1/org-units/", {"page_size": 1000}).json()["results"]
    assert units and not any(u["name"].startswith("浚县") for u in units)


@pytest.mark.django_db
def test_api_reads_and_writes_by_guessed_id_are_not_found(client_for, xunxian_grid, xunxian_unit):
    client = client_for("qixian_admin")
    assert client.get(f"/api/v1/areas/{XUNXIAN}/").status_code == 404
    assert client.get(f"/api/v1/grids/{xunxian_grid.code}/").status_code == 404
    assert client.get(f"/api/v1/org-units/{xunxian_unit.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/grids/{xunxian_grid.code}/", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.delete(f"/api/v1/org-units/{xunxian_unit.pk}/").status_code == 404
    xunxian_grid.refresh_from_db()
    assert xunxian_grid.name != "改名"
    assert OrgUnit.objects.filter(pk=xunxian_unit.pk).exists()


@pytest.mark.django_db
def test_api_refuses_to_create_a_unit_in_another_county(client_for):
    client = client_for("qixian_admin")
    response = client.post(
        "/api/v1/org-units/",
        {"name": "越权单位", "kind": "other", "area": XUNXIAN},
        content_type="application/json",
    )
    assert response.status_code == 400
    # The same answer as for a code that does not exist: guessing reveals nothing.
    missing = client.post(
        "/api/v1/org-units/",
        {"name": "越权单位", "kind": "other", "area": "419999000000"},
        content_type="application/json",
    )
    assert response.json()["area"][0] == missing.json()["area"][0].replace("419999000000", XUNXIAN)
    assert not OrgUnit.objects.filter(name="越权单位").exists()
    response = client.post(
        "/api/v1/org-units/",
        {"name": "淇县新单位", "kind": "other", "area": QIXIAN},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_a_city_dispatcher_sees_both_counties(client_for):
    client = client_for("city_dispatcher")
    codes = [a["code"] for a in client.get("/api/v1/areas/", {"level": 3}).json()["results"]]
    assert QIXIAN in codes and XUNXIAN in codes
    assert client.get(f"/places/{XUNXIAN}/").status_code == 200


@pytest.mark.django_db
def test_admin_refuses_a_new_top_level_area_outside_the_scope(client_for):
    client = client_for("qixian_admin")
    response = client.post("/admin/regions/area/add/", {"code": "420000000000", "name": "湖北省", "level": 1})
    assert response.status_code == 403
    assert not Area.objects.filter(code="420000000000").exists()


@pytest.mark.django_db
def test_a_superuser_can_add_staff_without_a_unit(client_for):
    response = client_for("admin").post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "password1": "a-Long-pass-4821",
            "password2": "a-Long-pass-4821",
            "full_name": "新同事",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]


@pytest.mark.django_db
def test_a_county_admin_adds_staff_only_to_units_in_scope(client_for):
    client = client_for("qixian_admin")
    xunxian_unit = OrgUnit.objects.get(name="浚县住房和城乡建设局")
    qixian_unit = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    form = {
        "username": "x1",
        "password1": "a-Long-pass-4821",
        "password2": "a-Long-pass-4821",
        "full_name": "甲",
    }
    client.post("/admin/accounts/user/add/", {**form, "org_unit": xunxian_unit.pk})
    assert not User.objects.filter(username="x1").exists()
    client.post("/admin/accounts/user/add/", {**form, "org_unit": qixian_unit.pk})
    assert User.objects.get(username="x1").org_unit == qixian_unit


@pytest.mark.django_db
def test_a_county_admin_cannot_reach_a_superuser_in_their_county(client_for):
    boss = User.objects.create_superuser("boss", password="a-Long-pass-4821")
    boss.org_unit = OrgUnit.objects.get(name="淇县公安局")
    boss.save()
    client = client_for("qixian_admin")
    client.post(
        f"/admin/accounts/user/{boss.pk}/password/",
        {"password1": "Taken-over-123", "password2": "Taken-over-123"},
    )
    boss.refresh_from_db()
    assert boss.check_password("a-Long-pass-4821")
    assert client.get("/admin/accounts/user/", {"q": "boss"}).context["cl"].result_count == 0


@pytest.mark.django_db
def test_saving_in_the_admin_keeps_links_that_point_outside_the_scope(client_for):
    client = client_for("qixian_admin")
    client.post(f"/admin/regions/area/{QIXIAN}/change/", {"name": "淇县"})
    assert Area.objects.get(code=QIXIAN).parent_id == "410600000000"
    bureau = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    page = client.get(f"/admin/orgs/orgunit/{bureau.pk}/change/").content.decode()
    assert 'name="parent"' not in page  # shown read-only: the city department is out of scope
    client.post(
        f"/admin/orgs/orgunit/{bureau.pk}/change/",
        {
            "name": bureau.name,
            "kind": bureau.kind,
            "sector": bureau.sector,
            "area": QIXIAN,
            "phone": "0392-1234567",
        },
    )
    bureau.refresh_from_db()
    assert bureau.phone == "0392-1234567"
    assert bureau.parent.name == "鹤壁市住房和城乡建设局"


@pytest.mark.django_db
def test_the_api_speaks_json_only(client_for):
    response = client_for("qixian_admin").get("/api/v1/org-units/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert "浚县" not in response.content.decode()


@pytest.mark.django_db
def test_grid_people_outside_the_scope_look_like_missing_ids(client_for, user_named):
    client = client_for("qixian_admin")
    grid = Grid.objects.filter(code__startswith="410622").first()
    outsider = user_named("xunxian_dispatcher")
    out = client.patch(f"/api/v1/grids/{grid.code}/", {"chief": outsider.pk}, content_type="application/json")
    missing = client.patch(
        f"/api/v1/grids/{grid.code}/", {"chief": 99999999}, content_type="application/json"
    )
    assert out.status_code == missing.status_code == 400
    assert out.json()["chief"][0] == missing.json()["chief"][0].replace("99999999", str(outsider.pk))
