"""Before filing, the person sees open reports nearby and can say "me too"."""

import pytest

from cases.models import Case, CaseEvent
from cases.services import accept
from intake.models import PlaceKind
from intake.services import place_from_token, place_token, submit_report

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def token(db):
    return place_token(PlaceKind.GRID, "410611101001001")


@pytest.mark.django_db
def test_a_nearby_open_report_can_be_joined_instead_of_duplicated(client, client_for, user_named, token):
    first = submit_report(
        key="m-1",
        session="test-session",
        place=place_from_token(token),
        text="路口积水严重",
        family="01",
        consent=True,
    )
    # Public only once accepted (受理): before that nobody has looked at it.
    assert "路口积水严重" not in client.get(f"/report/?p={token}").content.decode()
    accept(case=first, by=user_named("dispatcher_410611"))
    page = client.get(f"/report/?p={token}").content.decode()
    assert 'id="nearby"' in page and "路口积水严重" in page
    ref = page.split('name="ref" value="')[1].split('"')[0]
    before = Case.objects.count()
    response = client.post("/report/me-too/", {"ref": ref})
    assert response.status_code == 200 and "已有 1 人" in response.content.decode()
    assert Case.objects.count() == before
    first.refresh_from_db()
    assert first.me_too == 1
    assert CaseEvent.objects.filter(case=first, action="me_too", actor=None).exists()
    staff_page = client_for("dispatcher_410611").get(f"/cases/{first.pk}/").content.decode()
    assert 'id="me-too">1<' in staff_page


@pytest.mark.django_db
def test_far_or_closed_reports_are_not_offered(client, token, user_named):
    far = place_from_token(place_token(PlaceKind.GRID, "410622001001001"))  # another county
    submit_report(key="m-2", session="test-session", place=far, text="远处的问题", consent=True)
    page = client.get(f"/report/?p={token}").content.decode()
    assert "远处的问题" not in page


@pytest.mark.django_db
def test_a_forged_reference_is_not_found(client):
    assert client.post("/report/me-too/", {"ref": "forged"}).status_code == 404
