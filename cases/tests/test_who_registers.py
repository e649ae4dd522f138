"""Who may register a case through the API, from which channel, of which
kind and urgency, and where (cases.registration): the same rule the grid
worker's phone page goes through."""

import pytest

from cases.models import Case
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")

QIXIAN_GRID = "410622001001001"  # 淇县: the 淇县 dispatcher's scope
XUNXIAN_GRID = "410621001001001"  # 浚县: another county
OWN_GRID = "410611101001001"  # gw410611101001001 works this grid…
NEIGHBOUR_GRID = "410611101001002"  # …and not this one, in the same village

DISPATCHER_CHANNELS = ("hotline", "web", "transfer_110", "transfer_up")
OTHER_CHANNELS = ("qr", "api", "sensor", "grid_worker")


def register(client, grid_code: str, **fields):
    point = Grid.objects.get(code__startswith=grid_code).boundary.representative_point()
    data = {"title": "路灯不亮", "description": "小区门口路灯坏了一周", "lon": point.x, "lat": point.y}
    return client.post("/api/v1/cases/", {**data, **fields}, content_type="application/json")


def refused(response, says: str) -> bool:
    return response.status_code == 403 and says in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("channel", DISPATCHER_CHANNELS)
def test_a_dispatcher_registers_what_reaches_the_centre(client_for, channel):
    api = client_for("qixian_dispatcher")
    r = register(api, QIXIAN_GRID, channel=channel, urgency="urgent", kind="appeal")
    assert r.status_code == 201, r.content
    assert Case.objects.get(pk=r.json()["id"]).channel == channel


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["dispute", "hazard"])
def test_a_dispatcher_registers_disputes_and_hazards_too(client_for, kind):
    api = client_for("qixian_dispatcher")
    r = register(api, QIXIAN_GRID, channel="hotline", kind=kind, urgency="complex")
    assert r.status_code == 201, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("channel", OTHER_CHANNELS)
def test_a_dispatcher_cannot_pose_as_a_resident_a_client_a_sensor_or_a_grid_worker(client_for, channel):
    before = Case.objects.count()
    r = register(client_for("qixian_dispatcher"), QIXIAN_GRID, channel=channel)
    assert refused(r, "您的角色不能登记来自"), r.content
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_dispatcher_cannot_register_a_grid_event_nor_outside_the_county(client_for):
    api = client_for("qixian_dispatcher")
    assert refused(register(api, QIXIAN_GRID, channel="hotline", kind="grid_event"), "网格事件")
    assert refused(register(api, XUNXIAN_GRID, channel="hotline"), "数据范围")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["grid_event", "appeal", "dispute", "hazard"])
def test_a_grid_worker_reports_from_their_own_grid(client_for, kind):
    api = client_for("gw410611101001001")
    r = register(api, OWN_GRID, channel="grid_worker", kind=kind, urgency="urgent")
    assert r.status_code == 201, r.content
    assert Case.objects.get(pk=r.json()["id"]).grid_id == OWN_GRID


@pytest.mark.django_db
def test_a_grid_worker_is_refused_outside_their_grids_other_channels_and_the_complex_clock(client_for):
    api = client_for("gw410611101001001")
    before = Case.objects.count()
    assert refused(register(api, NEIGHBOUR_GRID, channel="grid_worker", kind="grid_event"), "本人负责网格")
    assert refused(register(api, QIXIAN_GRID, channel="grid_worker", kind="grid_event"), "本人负责网格")
    for channel in ("hotline", "qr", "transfer_up"):
        assert refused(register(api, OWN_GRID, channel=channel), "您的角色不能登记来自")
    assert refused(register(api, OWN_GRID, channel="grid_worker", urgency="complex"), "复杂")
    assert Case.objects.count() == before


NON_REGISTERING = ("handler", "mediator", "inspector", "analyst", "leader", "qixian_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("username", NON_REGISTERING)
@pytest.mark.parametrize("channel", ["hotline", "grid_worker", "qr"])
def test_roles_that_handle_read_or_configure_register_nothing(client_for, username, channel):
    before = Case.objects.count()
    r = register(client_for(username), OWN_GRID, channel=channel, kind="grid_event")
    assert refused(r, "您的角色不能登记案件"), r.content
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_superuser_is_not_limited(client_for):
    assert register(client_for("admin"), XUNXIAN_GRID, channel="sensor", kind="hazard").status_code == 201
