"""Open311 read as real clients and probes send it: a clear error list for
bad input (never a 500), and URLs joined the way clients join them."""

import pytest

from cases.models import Case, Channel
from open311.models import KeyScope
from open311.services import issue_key
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def key(db):
    return issue_key(name="市民 App", scope=KeyScope.OWN)[1]


def _client_url(base: str, path: str) -> str:
    """How clients build a URL from the discovery's endpoint (the PyPI
    ``open311`` client and others append "/" + the resource)."""
    return base + "/" + path


@pytest.mark.django_db
def test_a_client_joining_the_discovery_url_with_a_slash_is_served(client, key):
    base = client.get("/open311/v2/discovery.json").json()["endpoints"][0]["url"]
    assert base.endswith("/open311/v2/")
    path = base.split("testserver", 1)[1]
    point = Grid.objects.get(code="410611101001001").boundary.representative_point()
    created = client.post(
        _client_url(path, "requests.xml"),
        {
            "api_key": key,
            "service_code": "010201",
            "lat": point.y,
            "long": point.x,
            "description": "井盖丢了",
        },
    )
    assert path + "/requests.xml" == "/open311/v2//requests.xml" and created.status_code == 201
    assert client.get(_client_url(path, "services.json")).status_code == 200
    number = Case.objects.get(channel=Channel.API).number
    assert client.get(_client_url(path, f"requests/{number}.json"), {"api_key": key}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"page": "9223372036854775807"},
        {"page": "0"},
        {"page_size": "-1"},
        {"page": "１"},  # a full-width digit is still not a number here
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-01"},
        {"updated_after": "9999-12-31T23:59:59+14:00"},
        {"start_date": "2026-13-45"},
        {"status": "open,maybe"},
    ],
)
def test_out_of_range_parameters_are_a_400_error_list(client, params):
    response = client.get("/open311/v2/requests.json", params)
    assert response.status_code == 400, response.content
    (error,) = response.json()
    assert error["code"] == 400 and error["description"]


@pytest.mark.django_db
def test_control_characters_are_refused_before_the_key_is_checked(client):
    response = client.post("/open311/v2/requests.json", {"api_key": "\x00", "service_code": "010201"})
    assert response.status_code == 400
    response = client.post("/open311/v2/requests.xml", {"api_key": "ok", "description": "a\x00b"})
    assert response.status_code == 400 and response.content.startswith(b"<?xml")
    assert not Case.objects.filter(channel=Channel.API).exists()
