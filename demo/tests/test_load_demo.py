"""The demo city: real Hebi codes, ~10,000 grids, units at every level, logins."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import User
from demo.services import DEMO_PASSWORD, DEMO_STAFF, DEPARTMENTS
from orgs.models import OrgUnit, OrgUnitKind
from regions.models import Area, Grid

pytestmark = pytest.mark.usefixtures("demo_city")


@pytest.mark.django_db
def test_the_real_hebi_codes_are_loaded():
    counts = {
        level: Area.objects.filter(code__startswith="4106", level=level).count() for level in (2, 3, 4, 5)
    }
    assert counts == {2: 1, 3: 6, 4: 48, 5: 1041}
    assert Area.objects.get(code="410611101000").name == "钜桥镇"
    real = Area.objects.filter(level=3, boundary_synthetic=False).exclude(boundary=None).count()
    assert real == 5  # the five county polygons are real; the 开发区 one is synthetic


@pytest.mark.django_db
def test_org_units_exist_for_every_level_and_the_main_departments():
    assert OrgUnit.objects.filter(kind=OrgUnitKind.CITY_DEPARTMENT).count() == len(DEPARTMENTS)
    assert OrgUnit.objects.filter(kind=OrgUnitKind.GOVERNANCE_CENTER).count() == 1 + 6 + 48
    assert OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP_OFFICE).count() == 48
    assert OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_COMMITTEE).count() == 1041
    branch = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    assert branch.parent.name == "鹤壁市住房和城乡建设局"  # the 条线


@pytest.mark.django_db
def test_every_grid_has_a_chief_a_worker_and_a_party_branch():
    assert not Grid.objects.filter(chief=None).exists()
    assert not Grid.objects.filter(workers=None).exists()
    assert not Grid.objects.filter(party_branch_secretary="").exists()


@pytest.mark.django_db
def test_the_printed_demo_logins_work(rf):
    def sign_in(username):  # as the login page does (the lock-out needs the request)
        return authenticate(rf.post("/login/"), username=username, password=DEMO_PASSWORD)

    for username, *_ in DEMO_STAFF:
        assert sign_in(username) is not None, username
    assert sign_in("gw410611101001001").has_role("grid_worker")


@pytest.mark.django_db
def test_loading_twice_duplicates_nothing():
    before = (Area.objects.count(), Grid.objects.count(), OrgUnit.objects.count(), User.objects.count())
    out = StringIO()
    call_command("load_demo", "--no-progress", "--cases", "0", stdout=out)
    after = (Area.objects.count(), Grid.objects.count(), OrgUnit.objects.count(), User.objects.count())
    assert after == before
    assert "qixian_dispatcher" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
