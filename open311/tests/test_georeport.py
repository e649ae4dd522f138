"""Contract tests: realistic Open311 GeoReport v2 client requests, checked
field by field against the spec (http://wiki.open311.org/GeoReport_v2)."""

import datetime as dt
import re
from xml.etree import ElementTree as ET

import pytest

from cases import services
from cases.models import Case, Channel
from changan import clock
from open311.models import KeyScope
from open311.services import issue_key
from regions.models import Grid

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def key(db):
    """A partner app's key that may read its own submissions in full."""
    return issue_key(name="市民 App", scope=KeyScope.OWN)[1]


@pytest.fixture
def point(db):
    p = Grid.objects.get(code="410611101001001").boundary.representative_point()
    return {"lat": str(p.y), "long": str(p.x)}


def submit(client, key, point, **extra):
    data = {"api_key": key, "service_code": "010201", "description": "路边垃圾堆积", **point, **extra}
    return client.post("/open311/v2/requests.json", data)


@pytest.mark.django_db
def test_discovery_in_both_formats(client):
    body = client.get("/open311/v2/discovery.json").json()
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/") and set(endpoint["formats"]) == {
        "text/xml",
        "application/json",
    }
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/specification") is not None


@pytest.mark.django_db
def test_services_list_and_definition(client):
    services_ = client.get("/open311/v2/services.json").json()
    assert len(services_) > 500
    first = services_[0]
    assert set(first) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert first["type"] == "realtime" and first["metadata"] is True
    definition = client.get(f"/open311/v2/services/{first['service_code']}.json").json()
    (attribute,) = definition["attributes"]
    assert attribute["code"] == "appeal_type" and attribute["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attribute["values"]} == {"consult", "help", "complaint", "report", "suggestion"}
    # The singular alias and XML, as some clients send them.
    root = ET.fromstring(client.get(f"/open311/v2/service/{first['service_code']}.xml").content)
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key") is not None
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None


@pytest.mark.django_db
def test_an_unknown_service_is_a_404_error_list(client):
    r = client.get("/open311/v2/services/999999.json")
    assert r.status_code == 404 and r.json() == [
        {"code": 404, "description": "service_code '999999' not found"}
    ]
    root = ET.fromstring(client.get("/open311/v2/services/999999.xml").content)
    assert root.tag == "errors" and root.find("error/code").text == "404"


@pytest.mark.django_db
def test_post_a_request_then_read_it_and_its_token(client, key, point):
    extra = {
        "attribute[appeal_type]": "complaint",
        "first_name": "明",
        "last_name": "王",
        "phone": "13800001111",
        "media_url": "https://example.org/p.jpg",
    }
    r = submit(client, key, point, **extra)
    assert r.status_code == 201, r.content
    (created,) = r.json()
    number = created["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.channel, case.appeal_type, case.category_id) == (Channel.API, "complaint", "010201")
    assert case.reporter_name == "王 明" and case.reporter_phone_masked == "138****1111"
    assert case.grid_id == "410611101001001" and case.media_url == "https://example.org/p.jpg"
    (row,) = client.get(f"/open311/v2/requests/{number}.json", {"api_key": key}).json()
    assert set(row) == REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "010201" and row["media_url"].endswith("p.jpg")
    assert W3C.match(row["requested_datetime"]) and W3C.match(row["updated_datetime"])
    assert "13800001111" not in r.content.decode() + str(row)  # no personal data goes out
    assert client.get(f"/open311/v2/tokens/{created['token']}.json", {"api_key": key}).json() == [
        {"service_request_id": number, "token": number}
    ]


@pytest.mark.django_db
def test_post_errors(client, key, point):
    def error(r):
        return r.status_code, r.json()[0]["description"]

    assert error(submit(client, "nope", point)) == (403, "a valid api_key is required")
    assert error(submit(client, key, point, service_code="")) == (400, "service_code is required")
    assert error(submit(client, key, point, service_code="1")) == (400, "service_code '1' not found")
    assert error(submit(client, key, {"lat": "", "long": ""}))[0] == 400
    assert "outside the jurisdiction" in error(submit(client, key, {"lat": "20", "long": "100"}))[1]
    assert error(submit(client, key, point, **{"attribute[appeal_type]": "x"}))[0] == 400
    assert error(submit(client, key, {"lat": "north", "long": "east"})) == (
        400,
        "lat and long must be numbers",
    )
    assert not Case.objects.filter(channel=Channel.API).exists()


@pytest.mark.django_db
def test_liberal_reading(client, key, point):
    # An address alone; empty lat/long as absent; the key in the query string;
    # a jurisdiction we serve; XML requested by a JSON-minded client.
    r = client.post(
        f"/open311/v2/requests.xml?api_key={key}&jurisdiction_id=hebi",
        {
            "service_code": "010201",
            "lat": "",
            "long": "",
            "address_string": "淇滨区钜桥镇刘寨社区",
            "description": "x",
        },
    )
    assert r.status_code == 201 and ET.fromstring(r.content).find("request/service_request_id") is not None
    r = client.get("/open311/v2/requests.json", {"jurisdiction_id": "elsewhere"})
    assert r.status_code == 404
    r = client.post(
        "/open311/v2/requests.json", {"api_key": key, "service_code": "010201", **point}, HTTP_ACCEPT="*/*"
    )
    assert r.status_code == 201


@pytest.mark.django_db
def test_get_requests_filters_and_extensions(client, key, point, user_named):
    from orgs.models import OrgUnit

    bureau = OrgUnit.objects.get(name="淇滨区住房和城乡建设局")
    numbers = [submit(client, key, point).json()[0]["service_request_id"] for _ in range(3)]
    dispatcher = user_named("dispatcher_410611")
    case = services.accept(case=Case.objects.get(number=numbers[0]), by=dispatcher)
    services.dispatch(case=case, by=dispatcher, unit=bureau)
    rows = client.get("/open311/v2/requests.json", {"api_key": key}).json()
    assert set(numbers) <= {r["service_request_id"] for r in rows}
    only = client.get(
        "/open311/v2/requests.json", {"service_request_id": f"{numbers[0]},{numbers[1]}", "api_key": key}
    ).json()
    assert {r["service_request_id"] for r in only} == set(numbers[:2])
    row = next(r for r in only if r["service_request_id"] == numbers[0])
    assert row["agency_responsible"] == bureau.name and W3C.match(row["expected_datetime"])
    assert (
        client.get("/open311/v2/requests.json", {"status": "closed", "service_code": "010201"}).json() == []
    )
    assert client.get("/open311/v2/requests.json", {"status": "maybe"}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"start_date": "yesterday"}).status_code == 400
    future = (clock.now() + dt.timedelta(days=1)).isoformat()
    assert client.get("/open311/v2/requests.json", {"start_date": future}).json() == []
    paged = client.get("/open311/v2/requests.json", {"page_size": "2", "page": "1", "api_key": key}).json()
    assert len(paged) == 2
    with_notes = client.get(
        f"/open311/v2/requests/{numbers[0]}.json", {"extensions": "true", "api_key": key}
    ).json()[0]
    summaries = [n["summary"] for n in with_notes["notes"]]
    assert summaries == ["已登记 received", "已受理 accepted", "已派遣 dispatched"]
    assert all("李" not in n["description"] for n in with_notes["notes"])  # no staff names


@pytest.mark.django_db
def test_unknown_request_and_token_are_404(client):
    assert client.get("/open311/v2/requests/000.json").status_code == 404
    assert client.get("/open311/v2/tokens/000.xml").status_code == 404
