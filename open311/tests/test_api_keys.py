"""Open311 keys are secrets: stored as digests, shown once, managed only by
the platform's superusers, and scoped (public / own / an area)."""

import re

import pytest

from open311.models import ApiKey, KeyScope, key_digest
from open311.services import issue_key

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_new_key_is_shown_once_and_stored_only_as_a_digest(client_for):
    admin = client_for("admin")
    response = admin.post(
        "/admin/open311/apikey/add/",
        {"name": "区县系统", "scope": KeyScope.PUBLIC, "is_active": "on"},
        follow=True,
    )
    page = response.content.decode()
    (key,) = re.findall(r"：([A-Za-z0-9_-]{32})", page)
    stored = ApiKey.objects.get(name="区县系统")
    assert stored.digest == key_digest(key) and key not in str(stored.__dict__)
    # Afterwards nobody can read it back, not even the superuser.
    change = admin.get(f"/admin/open311/apikey/{stored.pk}/change/").content.decode()
    assert key not in change and stored.prefix in change
    # And it works.
    assert admin.get("/open311/v2/requests.json", {"api_key": key}).status_code == 200


@pytest.mark.django_db
def test_a_county_administrator_cannot_see_the_citys_keys(client_for):
    issue_key(name="市民 App")
    county_admin = client_for("qixian_admin")
    assert county_admin.get("/admin/open311/apikey/").status_code == 403
    assert "apikey" not in county_admin.get("/admin/").content.decode()


@pytest.mark.django_db
def test_an_area_key_needs_an_area(client_for):
    admin = client_for("admin")
    response = admin.post("/admin/open311/apikey/add/", {"name": "合作方", "scope": KeyScope.AREA})
    assert response.status_code == 200 and not ApiKey.objects.filter(name="合作方").exists()
    assert "须选择区域" in response.content.decode()
