"""Input no page can store or show — NUL and other control characters, lone
surrogates, bytes that are not UTF-8 — is refused with a 400 before any view
runs, in the format and language the caller reads, and nothing is saved."""

import json

import pytest

from cases.models import Case
from intake.models import PlaceKind
from intake.services import place_token

GRID = "410611101001001"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def token(db):
    return place_token(PlaceKind.GRID, GRID)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/report/?village=%00",
        "/report/place/?area=%00",
        "/report/map/%00/",
        "/report/photos/%00/1/",
        "/track/%00/",
        "/q/%00/",
    ],
)
def test_a_resident_page_with_nul_in_the_address_is_a_page_saying_go_back(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "无法接受的字符" in page and "返回上一页" in page
    assert 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_the_page_speaks_the_readers_language(client):
    page = client.get("/report/?village=%00", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="en">' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/places/%00/", "/places/?q=%00", "/cases/?q=%01", "/cases/%00/", "/mediation/figures/?area=%1B"],
)
def test_staff_pages_refuse_control_characters(client_for, url):
    assert client_for("city_dispatcher").get(url).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/grids/?village=%00", "/api/v1/areas/?parent=%00", "/api/v1/grids/%00/"]
)
def test_the_api_answers_json_naming_the_field(client_for, url):
    response = client_for("city_dispatcher").get(url)
    assert response.status_code == 400
    body = response.json()
    assert "无法接受的字符" in body["detail"]
    assert body["field"] in ("village", "parent", "path")


@pytest.mark.django_db
def test_open311_answers_its_error_list_in_json_and_in_xml(client):
    response = client.post("/open311/v2/requests.json", {"api_key": "\x00", "service_code": "01"})
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "api_key" in error["description"]
    response = client.post("/open311/v2/requests.xml", {"api_key": "k\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>400</code><description>" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["text", "family", "name", "phone"])
def test_a_report_with_nul_in_any_field_saves_nothing(client, token, field):
    before = Case.objects.count()
    data = {"key": "k-nul", "text": "楼道里堆满杂物", "family": "01", "name": "张", "consent": "on"}
    data[field] = data.get(field, "") + "\x00"
    response = client.post(f"/report/?p={token}", data)  # multipart, as the browser sends it
    assert response.status_code == 400
    page = response.content.decode()
    # The form itself comes back, with what was typed (the characters taken out).
    assert "无法接受的字符" in page and 'id="report-form"' in page and "楼道里堆满杂物" in page
    response = client.post(
        f"/report/?p={token}",
        "&".join(f"{k}={v.replace(chr(0), '%00')}" for k, v in data.items()),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert Case.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\ud800", "\ufffe"])
def test_json_bodies_are_refused_with_any_unacceptable_character(client_for, bad):
    before = Case.objects.count()
    body = {"title": "路灯坏了", "description": f"说明{bad}", "channel": "hotline"}
    response = client_for("city_dispatcher").post(
        "/api/v1/cases/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "description"
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_keys_and_nested_values_of_json_are_looked_at_too(client_for):
    client = client_for("city_dispatcher")
    for body in ({"a\x00": 1}, {"evidence": [["ok", {"x": "\x00"}]]}):
        response = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json")
        assert response.status_code == 400


@pytest.mark.django_db
def test_tab_and_line_breaks_are_ordinary_text(client_for):
    client = client_for("city_dispatcher")
    assert client.get("/cases/?q=%E8%B7%AF%E7%81%AF%09%E5%9D%8F").status_code == 200
    body = {"title": "路灯\t坏了", "description": "第一行\r\n第二行", "channel": "hotline",
            "area_code": "410611101001"}  # fmt: skip
    response = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert Case.objects.get(pk=response.json()["id"]).description == "第一行\r\n第二行"


@pytest.mark.django_db
def test_bytes_that_are_not_utf8_are_refused_not_stored_as_replacement_characters(client_for):
    client = client_for("city_dispatcher")
    assert client.get("/cases/?q=%FF%FE").status_code == 400
    before = Case.objects.count()
    response = client.post(
        "/api/v1/cases/",
        b'{"title": "\xb7\xb5\xb5\xc6", "description": "x", "channel": "hotline"}',  # GBK, not UTF-8
        content_type="application/json",
    )
    assert response.status_code == 400
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_json_nested_beyond_the_stack_is_refused(client_for):
    response = client_for("city_dispatcher").post(
        "/api/v1/cases/", "[" * 200_000 + "]" * 200_000, content_type="application/json"
    )
    assert response.status_code in (400, 413)


@pytest.mark.django_db
def test_a_form_too_large_for_memory_is_refused_in_the_readers_language(client, token):
    before = Case.objects.count()
    data = {"key": "k-big", "text": "很" * 5_000_000, "family": "01", "consent": "on"}
    response = client.post(f"/report/?p={token}", data)
    assert response.status_code == 413
    assert "提交的内容太大" in response.content.decode()
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_form_post_with_nul_in_its_url_is_refused_not_reshown(client, token):
    response = client.post("/report/?village=%00", {"text": "楼道里堆满杂物", "consent": "on"})
    assert response.status_code == 400 and 'id="report-form"' not in response.content.decode()
