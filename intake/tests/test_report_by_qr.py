"""A resident scans a grid's code, reports, gets a receipt and follows the case."""

import re

import pytest

from cases import services as case_services
from cases.models import Case, Channel
from intake.models import PlaceKind
from intake.services import place_token, revoke_code

GRID = "410611101001001"

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def token(db):
    return place_token(PlaceKind.GRID, GRID)


def form(**extra):
    fields = {"key": "k-1", "text": "楼道里堆满杂物，消防通道被堵", "family": "01", "name": "张"}
    return {**fields, "phone": "13700001111", "consent": "on", **extra}


@pytest.mark.django_db
def test_scan_report_receipt_and_track(client, token, user_named):
    response = client.get(f"/q/{token}/")
    assert response.status_code == 302 and response["Location"] == f"/report/?p={token}"
    page = client.get(response["Location"]).content.decode()
    assert "刘寨社区" in page and "第1网格" in page
    response = client.post(f"/report/?p={token}", form())
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    number = re.search(r'id="number">(\d+)<', receipt).group(1)
    case = Case.objects.get(number=number)
    assert (case.channel, case.grid_id, case.category_id) == (Channel.QR, GRID, "01")
    assert case.reporter_phone_masked == "137****1111"
    track_url = re.search(r'id="track" href="([^"]+)"', receipt).group(1)
    # A dispatcher accepts and dispatches; the resident sees it, but no names.
    dispatcher = user_named("dispatcher_410611")
    from cases.models import Category
    from orgs.models import OrgUnit

    case = case_services.accept(case=case, by=dispatcher, category=Category.objects.get(code="010201"))
    case_services.dispatch(case=case, by=dispatcher, unit=OrgUnit.objects.get(name="淇滨区住房和城乡建设局"))
    tracking = client.get(track_url.replace("http://testserver", "")).content.decode()
    assert "已派遣" in tracking and "淇滨区住房和城乡建设局" in tracking
    assert dispatcher.full_name not in tracking


@pytest.mark.django_db
def test_a_double_submission_creates_one_case(client, token):
    before = Case.objects.count()
    first = client.post(f"/report/?p={token}", form(key="same-key"))
    second = client.post(f"/report/?p={token}", form(key="same-key"))
    assert Case.objects.count() == before + 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_a_refused_form_keeps_what_was_typed(client, token):
    response = client.post(f"/report/?p={token}", form(consent=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "privacy notice" in page and "消防通道被堵" in page and "13700001111" in page


@pytest.mark.django_db
def test_forged_and_revoked_codes_show_the_place_chooser(client, token):
    assert "选择地点" in client.get("/q/not-a-real-code/").content.decode()
    revoke_code(kind=PlaceKind.GRID, ref=GRID)
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404 and "已失效" in response.content.decode()
    assert client.get(f"/report/?p={token}")["Location"] == "/report/place/"


@pytest.mark.django_db
def test_choosing_the_place_step_by_step(client):
    assert "淇县" in client.get("/report/place/").content.decode()
    page = client.get("/report/place/", {"area": "410611101000"}).content.decode()
    assert "/report/?village=410611101001" in page
    page = client.get("/report/", {"village": "410611101001"}).content.decode()
    assert "刘寨社区" in page


@pytest.mark.django_db
def test_an_unknown_tracking_code_is_not_found(client):
    assert client.get("/track/forged/").status_code == 404
