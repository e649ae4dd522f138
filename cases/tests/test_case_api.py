"""The staff API: register, list/filter/search, detail with timeline, every action."""

import pytest
from django.test import Client

from cases.actions import ACTION_INPUTS
from cases.models import Case, Status
from orgs.models import OrgUnit

pytestmark = pytest.mark.usefixtures("small_city")


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def api(client_for):
    return client_for("qixian_dispatcher")


@pytest.mark.django_db
def test_register_then_walk_the_case_through_the_api(api, qixian_grid, bureau, user_named):
    point = qixian_grid.boundary.representative_point()
    created = post(
        api,
        "/api/v1/cases/",
        {"title": "路灯不亮", "description": "小区门口路灯坏了一周", "channel": "hotline", "lon": point.x,
         "lat": point.y, "category": "010201", "reporter_phone": "13900001111"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reporter_phone_masked"] == "139****1111" and "reporter_phone" not in body
    assert body["allowed_actions"] == ["accept", "reject", "merge", "set_publicity"]
    url = f"/api/v1/cases/{body['id']}"
    assert post(api, f"{url}/accept/", {}).status_code == 200
    r = post(api, f"{url}/dispatch/", {"unit": bureau.pk})
    assert r.status_code == 200 and r.json()["status"] == Status.DISPATCHED
    unit = Client()
    unit.force_login(user_named("handler"))
    assert post(unit, f"{url}/sign/", {"note": "收到"}).json()["status"] == Status.HANDLING
    assert post(unit, f"{url}/reply/", {"result": "已修复", "evidence": ["a.jpg"]}).status_code == 200
    assert post(api, f"{url}/verify/", {"passed": True}).json()["status"] == Status.CLOSED
    detail = api.get(f"{url}/").json()
    assert [e["action"] for e in detail["events"]] == [
        "receive",
        "accept",
        "dispatch",
        "sign",
        "reply",
        "verify",
    ]
    assert detail["allowed_actions"] == ["rate", "set_publicity"]


@pytest.mark.django_db
def test_a_refused_action_is_409_with_the_allowed_actions(api, new_case):
    case = new_case()
    r = post(api, f"/api/v1/cases/{case.pk}/verify/", {"passed": True})
    assert r.status_code == 409
    assert r.json()["allowed_actions"] == ["accept", "reject", "merge", "set_publicity"]
    assert "case is received: cannot verify" in r.json()["detail"]


@pytest.mark.django_db
def test_bad_input_is_400_and_changes_nothing(api, new_case):
    case = new_case()
    r = post(api, f"/api/v1/cases/{case.pk}/reject/", {})
    assert r.status_code == 400 and "reason" in r.json()
    r = post(api, "/api/v1/cases/", {"title": "", "description": "x", "channel": "hotline"})
    assert r.status_code == 400
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


@pytest.mark.django_db
def test_a_unit_outside_the_scope_cannot_be_chosen(api, new_case):
    case = new_case()
    post(api, f"/api/v1/cases/{case.pk}/accept/", {})
    far = OrgUnit.objects.get(name="浚县住房和城乡建设局")
    r = post(api, f"/api/v1/cases/{case.pk}/dispatch/", {"unit": far.pk})
    assert r.status_code == 400 and "unit" in r.json()


@pytest.mark.django_db
def test_list_filters_and_search(api, new_case):
    a = new_case(title="噪音扰民夜间施工")
    b = new_case(title="井盖缺失", urgency="urgent")
    ids = lambda r: {c["id"] for c in r.json()["results"]}  # noqa: E731
    assert {a.pk, b.pk} <= ids(api.get("/api/v1/cases/"))
    assert ids(api.get("/api/v1/cases/", {"q": "噪音"})) == {a.pk}
    assert ids(api.get("/api/v1/cases/", {"urgency": "urgent"})) == {b.pk}
    assert ids(api.get("/api/v1/cases/", {"q": b.number})) == {b.pk}
    assert {a.pk, b.pk} <= ids(api.get("/api/v1/cases/", {"area": "410622000000", "queue": "to_accept"}))
    assert api.get("/api/v1/cases/", {"status": "nonsense"}).status_code == 400
    queues = api.get("/api/v1/cases/queues/").json()
    assert queues["to_accept"]["count"] >= 2 and queues["to_accept"]["label"] == "待受理"


@pytest.mark.django_db
def test_other_counties_cases_are_not_found(client_for, new_case):
    case = new_case()
    other = client_for("xunxian_dispatcher")
    assert other.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert post(other, f"/api/v1/cases/{case.pk}/accept/", {}).status_code == 404
    assert case.pk not in {c["id"] for c in other.get("/api/v1/cases/").json()["results"]}


@pytest.mark.django_db
def test_every_action_is_in_the_openapi_schema(client_for):
    paths = client_for("admin").get("/api/schema/", {"format": "json"}).json()["paths"]
    for name in ACTION_INPUTS:
        assert f"/api/v1/cases/{{id}}/{name.replace('_', '-')}/" in paths, name
