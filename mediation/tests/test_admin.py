"""The pool is kept in the admin; a declared relative's ID number is kept
only as a digest and still excludes the mediator."""

import pytest

from mediation.models import MediatorTie
from mediation.selectors import conflicts_of
from mediation.tests.conftest import parties


@pytest.mark.django_db
def test_a_tie_declared_in_the_admin_stores_a_digest_and_excludes(client_for, mediator, registered):
    client = client_for("admin")
    assert client.get("/admin/mediation/mediator/").status_code == 200
    url = f"/admin/mediation/mediator/{mediator.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "回避申报" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {
        "user": mediator.user_id,
        "committee": mediator.committee_id,
        "expertise": ["neighbour"],
        "ties-TOTAL_FORMS": "1",
        "ties-INITIAL_FORMS": "0",
        "ties-MIN_NUM_FORMS": "0",
        "ties-MAX_NUM_FORMS": "1000",
        "ties-0-person_name": "王老五",
        "ties-0-relation": "姐夫",
        "ties-0-id_number": "410611196805120014",
    }
    data.pop("home_area", None)
    if mediator.home_grid_id:
        data["home_grid"] = mediator.home_grid_id
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tie = MediatorTie.objects.get(mediator=mediator, person_name="王老五")
    assert tie.id_digest and "410611196805120014" not in tie.id_digest
    dispute = registered()  # 王建国 carries that ID number, under another name here
    assert any("姐夫" in r for r in conflicts_of(mediator, dispute))
    assert parties()[0].id_number == "410611196805120014"
