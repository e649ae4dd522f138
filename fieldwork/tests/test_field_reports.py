"""A grid worker reports from the phone: reported, handled on the spot
(自办) or with a whistle (吹哨); a repeated send files one case; patrols and
home visits are logged."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Case, CaseUnit, Status
from fieldwork.models import Patrol, Visit
from orgs.models import OrgUnit

WORKER = "gw410611101001001"
GRID = "410611101001001"

pytestmark = pytest.mark.usefixtures("small_city")


def jpeg(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 90)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def phone(client_for):
    return client_for(WORKER)


@pytest.mark.django_db
def test_my_grid_page_only_for_grid_workers(phone, client_for):
    page = phone.get("/field/").content.decode()
    assert "刘寨社区" in page and 'id="field-report"' in page and 'id="grid-shape"' in page
    assert client_for("qixian_dispatcher").get("/field/").status_code == 403


@pytest.mark.django_db
def test_a_report_sent_twice_is_filed_once(phone):
    form = {"key": "phone-key-1", "grid": GRID, "text": "路边井盖松动", "category": "01", "handle": "report"}
    first = phone.post("/field/report/", {**form, "photos": [jpeg("a.jpg")]}, HTTP_X_QUEUED_REPORT="1")
    again = phone.post("/field/report/", form, HTTP_X_QUEUED_REPORT="1")  # the queue sent it again
    assert first.status_code == again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    case = Case.objects.get(number=first.json()["number"])
    assert (case.kind, case.channel, case.grid_id, case.status) == (
        "grid_event",
        "grid_worker",
        GRID,
        "received",
    )
    assert case.attachments.filter(source="grid_worker").count() == 1
    assert Case.objects.filter(description="路边井盖松动").count() == 1


@pytest.mark.django_db
def test_handled_on_the_spot_closes_with_the_result_and_after_photos(phone):
    form = {"key": "k-self", "grid": GRID, "text": "绿化带有垃圾", "handle": "self", "result": "已清理干净"}
    response = phone.post("/field/report/", {**form, "after_photos": [jpeg("after.jpg")]})
    assert response.status_code == 302 and "done=" in response["Location"]
    case = Case.objects.get(description="绿化带有垃圾")
    assert case.status == Status.CLOSED and case.attachments.filter(source="after").count() == 1
    event = case.events.get(action="self_handle")
    assert event.note == "已清理干净" and event.data["first_close"] and event.data["first_response"]
    refused = phone.post("/field/report/", {**form, "key": "k-self-2", "result": ""})
    assert refused.status_code == 400 and "describe what was done" in refused.content.decode()
    assert (
        not Case.objects.filter(description="绿化带有垃圾").exclude(pk=case.pk).exists()
    )  # nothing half-filed


@pytest.mark.django_db
def test_a_whistle_calls_the_chosen_units(phone):
    units = list(OrgUnit.objects.filter(name__in=["淇滨区城市管理局", "淇滨区住房和城乡建设局"]))
    form = {"key": "k-w", "grid": GRID, "text": "违建施工占用消防通道", "handle": "whistle",
            "units": [u.pk for u in units]}  # fmt: skip
    assert phone.post("/field/report/", form).status_code == 302
    case = Case.objects.get(description="违建施工占用消防通道")
    whistled = set(CaseUnit.objects.filter(case=case, role="whistle").values_list("unit__name", flat=True))
    assert whistled | {case.lead_unit.name} >= {u.name for u in units}


@pytest.mark.django_db
def test_not_my_grid_is_refused(phone):
    form = {"key": "k-x", "grid": "410622001001001", "text": "别处的事", "handle": "report"}
    response = phone.post("/field/report/", form, HTTP_X_QUEUED_REPORT="1")
    assert response.status_code == 400 and not Case.objects.filter(description="别处的事").exists()


@pytest.mark.django_db
def test_a_patrol_records_its_path_and_a_visit_is_logged(phone, user_named):
    phone.post("/field/patrol/start/", {"grid": GRID})
    patrol = Patrol.objects.get(worker=user_named(WORKER), ended_at=None)
    phone.post("/field/patrol/start/", {"grid": GRID})  # already under way: the same patrol
    assert Patrol.objects.filter(worker=user_named(WORKER)).count() == 1
    points = [[114.2900, 35.7400, 1764380000], [114.2910, 35.7400, 1764380060]]
    moved = phone.post(f"/field/patrol/{patrol.pk}/points/", points, content_type="application/json").json()
    assert moved["points"] == 2 and 85 < moved["distance_m"] < 95  # 0.001° of longitude at 35.74° N
    bad = phone.post(f"/field/patrol/{patrol.pk}/points/", [[999, 0, 0]], content_type="application/json")
    assert bad.status_code == 400
    phone.post(f"/field/patrol/{patrol.pk}/stop/", {"notes": "沿街巡查一遍，无异常"})
    patrol.refresh_from_db()
    assert patrol.ended_at and patrol.notes == "沿街巡查一遍，无异常"
    phone.post("/field/visit/", {"grid": GRID, "household": "3号楼 李大爷", "note": "身体还好，需要送药"})
    assert Visit.objects.filter(household="3号楼 李大爷").exists()
    page = phone.get("/field/").content.decode()
    assert "沿街巡查一遍" in page and "3号楼 李大爷" in page


@pytest.mark.django_db
def test_the_chosen_grid_decides_even_when_the_gps_strays(phone):
    from regions.models import Grid

    neighbour = Grid.objects.get(code="410611101001002")
    form = {"key": "k-gps", "grid": GRID, "text": "路灯不亮", "handle": "self", "result": "已报修并设警示",
            "lon": neighbour.centroid_lon, "lat": neighbour.centroid_lat}  # fmt: skip
    assert phone.post("/field/report/", form).status_code == 302
    case = Case.objects.get(description="路灯不亮")
    assert case.grid_id == GRID and case.status == Status.CLOSED  # filed, and 自办 allowed, in my grid


@pytest.mark.django_db
def test_keys_belong_to_their_worker(phone, client_for, user_named):
    from django.test import Client

    form = {"key": "shared-key", "grid": GRID, "text": "甲的上报", "handle": "report"}
    mine = phone.post("/field/report/", form, HTTP_X_QUEUED_REPORT="1").json()["number"]
    other_worker = user_named(WORKER).__class__.objects.filter(grids_worked__code="410611101001002").first()
    other = Client()
    other.force_login(other_worker)
    theirs = other.post(
        "/field/report/", {**form, "grid": "410611101001002", "text": "乙的上报"}, HTTP_X_QUEUED_REPORT="1"
    ).json()["number"]
    assert theirs != mine and Case.objects.filter(description="乙的上报").count() == 1
