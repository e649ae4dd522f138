"""Roles decide what a staff user may do; the scope decides where."""

import pytest

from accounts.models import RoleCode, User
from accounts.permissions import ROLE_PERMISSIONS

pytestmark = pytest.mark.usefixtures("small_city")


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(RoleCode.values)


@pytest.mark.django_db
def test_a_dispatcher_may_view_but_not_change_base_data(client_for, user_named):
    dispatcher = user_named("qixian_dispatcher")
    assert dispatcher.has_perm("regions.view_grid")
    assert not dispatcher.has_perm("regions.change_grid")
    grid_code = "410622001001001"
    client = client_for("qixian_dispatcher")
    assert (
        client.patch(
            f"/api/v1/grids/{grid_code}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_staff_without_admin_access_are_kept_out_of_the_admin(client_for):
    response = client_for("handler").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_an_anonymous_visitor_reaches_no_data(client):
    assert client.get("/places/").status_code == 302
    assert client.get("/api/v1/areas/").status_code in (401, 403)


@pytest.mark.django_db
def test_a_county_administrator_cannot_make_anyone_a_superuser(client_for, user_named):
    client = client_for("qixian_admin")
    target = user_named("qixian_dispatcher")
    page = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page


@pytest.mark.django_db
def test_a_user_without_unit_or_scope_sees_nothing(client):
    loner = User.objects.create_user("loner", password="x-long-password-1")
    loner.roles.add(RoleCode.DISPATCHER)
    client.force_login(loner)
    assert client.get("/api/v1/areas/").json()["results"] == []
    assert "还没有数据范围" in client.get("/places/").content.decode()


@pytest.mark.django_db
def test_only_a_city_wide_administrator_edits_the_calendar_and_limits(user_named):
    county_admin = user_named("qixian_admin")
    assert county_admin.has_perm("regions.change_grid")
    assert not county_admin.has_perm("worktime.change_calendarday")
    assert not county_admin.has_perm("cases.change_timelimitrule")
    city_admin = User.objects.create_user(
        "city-admin", password="x-long-pass-1", scope_area_id="410600000000"
    )
    city_admin.roles.add(RoleCode.ADMINISTRATOR)
    assert city_admin.has_perm("worktime.change_calendarday")
    assert city_admin.has_perm("cases.change_category")
