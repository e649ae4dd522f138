"""吹哨报到: a grid worker calls units in; each must acknowledge in time."""

import datetime as dt

import pytest

from accounts.models import RoleCode, User
from cases import services
from cases.models import CaseEvent, CaseUnit, Status, Tier, UnitRole
from notify.models import Notification
from orgs.models import OrgUnit
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def grid_worker(db):
    return User.objects.get(username="gw410611101001001")


@pytest.fixture
def units(db):
    names = ["淇滨区城市管理局", "淇滨区生态环境局"]
    found = [OrgUnit.objects.get(name=n) for n in names]
    for i, unit in enumerate(found):
        staff = User.objects.create_user(f"staff{i}", password="x-long-pass-1", org_unit=unit)
        staff.roles.add(RoleCode.HANDLER)
    return found


@pytest.fixture
def village_case(grid_worker):
    grid = Grid.objects.get(code="410611101001001")
    point = grid.boundary.representative_point()
    return services.receive_case(
        by=grid_worker,
        title="河道有人倾倒建筑垃圾",
        description="钜桥镇刘寨社区河道旁堆放建筑垃圾并有焚烧痕迹",
        channel="grid_worker",
        lon=point.x,
        lat=point.y,
    )


@pytest.mark.django_db
def test_a_whistle_dispatches_to_the_called_units(village_case, grid_worker, units):
    case = services.blow_whistle(case=village_case, by=grid_worker, units=units, note="需城管、环保联合处置")
    assert case.status == Status.DISPATCHED and case.lead_unit == units[0]
    assert case.tier == Tier.SEVERAL_DEPARTMENTS
    rows = CaseUnit.objects.filter(case=case, role=UnitRole.WHISTLE)
    assert rows.count() == 2 and all(r.ack_due_at for r in rows)
    staff = User.objects.get(username="staff1")
    assert Notification.objects.filter(case=case, recipient=staff, kind="whistle").exists()


@pytest.mark.django_db
def test_units_acknowledge_and_the_lead_starts_handling(village_case, grid_worker, units):
    case = services.blow_whistle(case=village_case, by=grid_worker, units=units, note="联合处置")
    lead_staff, co_staff = User.objects.get(username="staff0"), User.objects.get(username="staff1")
    case = services.acknowledge(case=case, by=co_staff, note="已报到")
    assert case.status == Status.DISPATCHED
    case = services.acknowledge(case=case, by=lead_staff)
    assert case.status == Status.HANDLING
    assert not CaseUnit.objects.filter(case=case, role=UnitRole.WHISTLE, acknowledged_at=None).exists()
    with pytest.raises(services.ActionRefused):
        services.acknowledge(case=case, by=lead_staff)  # once


@pytest.mark.django_db
def test_an_unacknowledged_whistle_escalates_automatically(village_case, grid_worker, units, user_named):
    case = services.blow_whistle(case=village_case, by=grid_worker, units=units[:1], note="城管到场")
    row = CaseUnit.objects.get(case=case, role=UnitRole.WHISTLE)
    report = services.sweep_timers(now=row.ack_due_at + dt.timedelta(minutes=1))
    assert report.whistles_escalated == 1
    case.refresh_from_db()
    assert case.tier == Tier.SEVERAL_DEPARTMENTS
    assert CaseEvent.objects.filter(case=case, action="whistle_overdue").count() == 1
    county_dispatchers = Notification.objects.filter(case=case, kind="whistle_overdue")
    assert county_dispatchers.exists()
    # Running the sweep again repeats nothing.
    assert services.sweep_timers(now=row.ack_due_at + dt.timedelta(minutes=2)).whistles_escalated == 0


@pytest.mark.django_db
def test_a_county_dispatcher_does_not_whistle_and_a_stranger_cannot(village_case, user_named, units):
    with pytest.raises(services.ActionRefused):
        services.blow_whistle(case=village_case, by=user_named("handler"), units=units, note="x")
