"""A unit never sees another unit's cases; dispatchers see their area."""

import pytest

from accounts.models import RoleCode, User
from cases import services
from cases.selectors import cases_for, queue_counts, queue_for
from orgs.models import OrgUnit

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_unit_sees_its_own_cases_and_not_another_units(dispatched_case, new_case, dispatcher, handler):
    other_unit = OrgUnit.objects.get(name="淇县城市管理局")
    other = services.dispatch(
        case=services.accept(case=new_case(), by=dispatcher), by=dispatcher, unit=other_unit
    )
    visible = set(cases_for(handler).values_list("pk", flat=True))
    assert dispatched_case.pk in visible and other.pk not in visible
    stranger = User.objects.create_user("urban1", password="x-long-pass-1", org_unit=other_unit)
    stranger.roles.add(RoleCode.HANDLER)
    assert set(cases_for(stranger).values_list("pk", flat=True)) == {other.pk}


@pytest.mark.django_db
def test_dispatchers_see_their_county_only(dispatched_case, user_named):
    assert cases_for(user_named("qixian_dispatcher")).filter(pk=dispatched_case.pk).exists()
    assert cases_for(user_named("city_dispatcher")).filter(pk=dispatched_case.pk).exists()
    assert not cases_for(user_named("xunxian_dispatcher")).filter(pk=dispatched_case.pk).exists()


@pytest.mark.django_db
def test_queues_count_the_users_work(dispatched_case, new_case, dispatcher, handler):
    new_case()
    counts = queue_counts(dispatcher)
    assert counts["to_accept"] >= 1 and counts["to_sign"] >= 1
    assert list(queue_for(handler, "to_sign")) == [dispatched_case]
    assert queue_counts(handler)["to_accept"] == 0
