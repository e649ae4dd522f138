"""Administrators manage org units in their scope through the API (services)."""

import pytest

from orgs.models import OrgUnit

QIXIAN = "410622000000"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_create_update_and_delete_a_unit(client_for):
    client = client_for("qixian_admin")
    centre = OrgUnit.objects.get(name="淇县社会治理综合服务中心")
    created = client.post(
        "/api/v1/org-units/",
        {"name": "淇县网格化服务管理中心", "kind": "other", "area": QIXIAN, "parent": centre.pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    unit = OrgUnit.objects.get(pk=created.json()["id"])
    assert unit.parent == centre
    changed = client.patch(
        f"/api/v1/org-units/{unit.pk}/", {"phone": "0392-7000000"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["phone"] == "0392-7000000"
    assert client.delete(f"/api/v1/org-units/{unit.pk}/").status_code == 204
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


@pytest.mark.django_db
def test_a_unit_with_staff_cannot_be_deleted(client_for):
    client = client_for("qixian_admin")
    centre = OrgUnit.objects.get(name="淇县社会治理综合服务中心")
    response = client.delete(f"/api/v1/org-units/{centre.pk}/")
    assert response.status_code == 400
    assert "不能删除" in response.json()["detail"][0]
    assert OrgUnit.objects.filter(pk=centre.pk).exists()


@pytest.mark.django_db
def test_a_county_bureau_keeps_its_city_line_when_edited(client_for):
    client = client_for("qixian_admin")
    bureau = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    response = client.patch(
        f"/api/v1/org-units/{bureau.pk}/", {"phone": "0392-1"}, content_type="application/json"
    )
    assert response.status_code == 200
    bureau.refresh_from_db()
    assert bureau.parent.name == "鹤壁市住房和城乡建设局"


@pytest.mark.django_db
def test_a_dispatcher_may_read_but_not_create_units(client_for):
    client = client_for("qixian_dispatcher")
    assert client.get("/api/v1/org-units/").status_code == 200
    response = client.post(
        "/api/v1/org-units/", {"name": "x", "kind": "other", "area": QIXIAN}, content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_subtree_of_a_city_department_holds_its_county_bureaus():

    city = OrgUnit.objects.get(name="鹤壁市住房和城乡建设局")
    names = set(OrgUnit.objects.filter(pk__in=city.subtree_ids()).values_list("name", flat=True))
    assert {"鹤壁市住房和城乡建设局", "淇县住房和城乡建设局", "浚县住房和城乡建设局"} <= names
    # The city department and its three county-level bureaus (six in the demo city).
    assert len(names) == 4
