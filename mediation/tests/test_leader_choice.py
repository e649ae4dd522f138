"""Registering a complex dispute offers, and accepts, only the leaders who
may take it on (包案): those whose scope covers the case's place."""

import pytest

from accounts.models import User
from mediation.models import Dispute

FORM = {
    "dispute_type": "neighbour",
    "summary": "楼上漏水致楼下墙面受损",
    "level": "county",
    "risk": "low",
    "party-0-side": "applicant",
    "party-0-kind": "person",
    "party-0-name": "王建国",
    "party-2-side": "respondent",
    "party-2-kind": "person",
    "party-2-name": "李秀英",
}


def offered(html: str) -> set[str]:
    select = html.split('name="leader"')[1].split("</select>")[0]
    return {part.split('"')[0] for part in select.split('value="')[1:]} - {""}


@pytest.mark.django_db
def test_the_form_offers_the_county_and_city_leaders_only(client_for, new_case, user_named):
    case = new_case()  # in 淇滨区 (410611)
    html = client_for("dispatcher_410611").get(f"/mediation/register/{case.pk}/").content.decode()
    choices = offered(html)
    assert str(user_named("leader_410611").pk) in choices and str(user_named("leader").pk) in choices
    county_leaders = User.objects.filter(roles="leader", username__startswith="leader_")
    others = county_leaders.exclude(username="leader_410611")
    assert others.exists() and not {str(u.pk) for u in others} & choices
    assert "leader_410622" not in html and user_named("leader_410622").full_name not in html


@pytest.mark.django_db
def test_a_forged_leader_of_another_county_is_refused(client_for, new_case, user_named):
    case = new_case()
    client = client_for("dispatcher_410611")
    forged = client.post(f"/mediation/register/{case.pk}/", FORM | {"leader": user_named("leader_410622").pk})
    assert forged.status_code == 400 and "所选领导不能包案本案" in forged.content.decode()
    assert not Dispute.objects.filter(case=case).exists()
    not_a_leader = client.post(f"/mediation/register/{case.pk}/", FORM | {"leader": user_named("analyst").pk})
    assert not_a_leader.status_code == 400
    done = client.post(f"/mediation/register/{case.pk}/", FORM | {"leader": user_named("leader_410611").pk})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.leader == user_named("leader_410611")


@pytest.mark.django_db
def test_the_service_checks_the_leader_whatever_the_level(registered, user_named):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="数据范围不包含本案"):
        registered(level="township", leader=user_named("leader_410622"))
