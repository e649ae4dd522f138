"""Illegal actions are refused with the current status and the allowed actions."""

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import CaseEvent, Status

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_signing_a_case_that_is_not_dispatched_names_the_state_and_the_choices(new_case, handler, dispatcher):
    case = new_case()
    with pytest.raises(services.ActionRefused) as err:
        services.sign(case=case, by=handler)
    message = str(err.value)
    assert "待受理" in message and "case is received: cannot sign" in message
    assert "allowed now: none" in message  # the handler can do nothing on a case not yet theirs
    with pytest.raises(services.ActionRefused) as err:
        services.dispatch(case=case, by=dispatcher, unit=handler.org_unit)
    assert "allowed now: accept, reject, merge" in str(err.value)  # no direct answer: a complaint
    assert CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_only_the_lead_unit_may_sign_and_reply(dispatched_case, user_named):
    outsider = user_named("inspector")
    with pytest.raises(services.ActionRefused):
        services.sign(case=dispatched_case, by=outsider)
    with pytest.raises(services.ActionRefused):
        services.reply(case=dispatched_case, by=outsider, result="x")


@pytest.mark.django_db
def test_a_dispatcher_of_another_county_cannot_act(new_case, user_named):
    case = new_case()
    with pytest.raises(services.ActionRefused):
        services.accept(case=case, by=user_named("xunxian_dispatcher"))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


@pytest.mark.django_db
def test_reasons_are_required_where_practice_requires_them(dispatched_case, handler, dispatcher):
    with pytest.raises(ValidationError, match="a reason is required"):
        services.return_case(case=dispatched_case, by=handler, reason="  ")
    with pytest.raises(ValidationError, match="a reason is required"):
        services.reject(case=dispatched_case, by=dispatcher, reason="")


@pytest.mark.django_db
def test_closed_cases_accept_nothing_but_rating_and_publicity(handling_case, handler, dispatcher):
    case = services.reply(case=handling_case, by=handler, result="已处理")
    case = services.verify(case=case, by=dispatcher, passed=True)
    assert services.allowed_actions(case, dispatcher) == ["rate", "set_publicity"]
    with pytest.raises(services.ActionRefused, match="已结案"):
        services.supervise(case=case, by=dispatcher, note="再看看")


@pytest.mark.django_db
def test_direct_answers_are_only_for_consultations(new_case, dispatcher):
    with pytest.raises(services.ActionRefused, match="only consultations"):
        services.answer(case=new_case(appeal_type="complaint"), by=dispatcher, reply="x")
