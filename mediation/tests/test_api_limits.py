"""The disputes API bounds what one request may carry and asks who is
asking before it reads the rest: a registration with no parties or with
more than any dispute has is refused, one by a user who may not register
is 403 whatever else it names, and a failed mediation ignores left-over
obligation rows."""

import json

import pytest

from mediation.actions import MAX_ROWS
from mediation.models import Agreement, Dispute, Outcome

API = "/api/v1/disputes/"


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def registration(case, parties: list[dict], **extra) -> dict:
    return {"case": case.pk, "dispute_type": "neighbour", "summary": "漏水", "parties": parties, **extra}


@pytest.mark.django_db
def test_no_parties_or_too_many_are_refused_and_nothing_is_registered(client_for, new_case):
    case, client = new_case(), client_for("dispatcher_410611")
    many = [
        {"side": "applicant" if i % 2 else "respondent", "name": f"当事人{i}"} for i in range(MAX_ROWS + 1)
    ]
    for parties in ([], many):
        refused = post(client, API, registration(case, parties))
        assert refused.status_code == 400 and "parties" in refused.json()
    assert not Dispute.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_user_who_may_not_register_is_refused_before_the_rest_is_read(client_for, new_case, user_named):
    case = new_case()
    parties = [{"side": "applicant", "name": "王建国"}, {"side": "respondent", "name": "李秀英"}]
    leader = user_named("leader_410611")
    answers = {
        post(client_for("leader_410611"), API, registration(case, parties, leader=pk)).status_code
        for pk in (leader.pk, 999999)  # a leader who may take it on, and no one: the same answer
    }
    assert answers == {403}
    assert not Dispute.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_failed_mediation_ignores_left_over_obligation_rows(client_for, in_step):
    dispute = in_step("mediate")
    body = {
        "outcome": "failed",
        "route": "litigation",
        "note": "分歧大",
        "obligations": [{"what": "", "party": ""}],
    }
    done = post(client_for("mediator"), f"{API}{dispute.pk}/conclude/", body)
    assert done.status_code == 200, done.json()
    dispute.refresh_from_db()
    assert dispute.outcome == Outcome.FAILED and not Agreement.objects.filter(dispute=dispute).exists()
