"""Every action, tried from a state it does not start from, is refused and
changes nothing."""

import pytest

from cases import services
from cases.actions import ACTION_INPUTS

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n, a in services.ACTIONS.items() if "received" not in a.sources])
def test_actions_not_open_on_a_new_case_are_refused(name, new_case, client_for):
    case = new_case()
    api = client_for("admin")  # a superuser: only the state can refuse
    before = case.events.count()
    r = api.post(f"/api/v1/cases/{case.pk}/{name.replace('_', '-')}/", {}, content_type="application/json")
    assert r.status_code in (400, 409), (name, r.status_code)
    case.refresh_from_db()
    assert case.status == "received" and case.events.count() == before
    assert name in ACTION_INPUTS
