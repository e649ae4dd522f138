"""Each step refuses to run before the record the previous step needs, or
for someone who may not take it, and says why in Chinese and English."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services as case_services
from changan import clock
from mediation import services
from mediation.models import DisputeType, Level, Risk, Side, Step
from mediation.services import StepRefused
from mediation.tests.conftest import agreement_terms, parties


@pytest.mark.django_db
def test_registration_needs_a_dispatcher_both_sides_and_a_valid_id(new_case, dispatcher, user_named):
    neighbour = DisputeType.objects.get(pk="neighbour")
    one_side = [p for p in parties() if p.side == Side.APPLICANT]
    with pytest.raises(StepRefused, match="dispatcher"):
        services.register(
            case=new_case(), by=user_named("mediator"), dispute_type=neighbour, parties=parties(), summary="x"
        )
    with pytest.raises(ValidationError, match="on each side"):
        services.register(
            case=new_case(), by=dispatcher, dispute_type=neighbour, parties=one_side, summary="x"
        )
    bad_id = parties()
    bad_id[0].id_number = "410611196805120011"  # wrong check digit
    with pytest.raises(ValidationError, match="check digit"):
        services.register(case=new_case(), by=dispatcher, dispute_type=neighbour, parties=bad_id, summary="x")
    with pytest.raises(ValidationError, match="leader"):  # a complex dispute needs a leader taking it
        services.register(
            case=new_case(),
            by=dispatcher,
            dispute_type=neighbour,
            parties=parties(),
            summary="x",
            level=Level.COUNTY,
        )
    with pytest.raises(ValidationError, match="reasons"):
        services.register(
            case=new_case(),
            by=dispatcher,
            dispute_type=neighbour,
            parties=parties(),
            summary="x",
            risk=Risk.HIGH,
        )


@pytest.mark.django_db
def test_a_complex_dispute_is_taken_by_a_leader(registered, user_named):
    leader = user_named("leader_410611")
    dispute = registered(level=Level.COUNTY, leader=leader)
    assert dispute.case.tier == 3 and dispute.case.leader == leader


@pytest.mark.django_db
def test_a_case_is_registered_once(registered, dispatcher):
    dispute = registered()
    with pytest.raises(StepRefused, match="already"):
        services.register(
            case=dispute.case,
            by=dispatcher,
            dispute_type=dispute.dispute_type,
            parties=parties(),
            summary="again",
        )


@pytest.mark.django_db
def test_nothing_is_recorded_before_the_mediator_signs_for_the_case(registered, dispatcher, mediator):
    dispute = services.choose_mediator(dispute=registered(), by=dispatcher, mediator=mediator)
    with pytest.raises(StepRefused, match="sign for the case"):
        services.record_visit(
            dispute=dispute, by=mediator.user, at=clock.now(), place="p", met="m", findings="f"
        )
    case_services.sign(case=dispute.case, by=mediator.user)
    with pytest.raises(StepRefused, match="only the dispute's mediator"):
        services.record_visit(
            dispute=dispute, by=dispatcher, at=clock.now(), place="p", met="m", findings="f"
        )


@pytest.mark.django_db
def test_each_step_waits_for_the_previous_record(in_step, mediator):
    user = mediator.user
    dispute = in_step("enter")
    with pytest.raises(StepRefused, match="visit the parties"):
        services.assess_risk(dispute=dispute, by=user, level=Risk.LOW, reasons="r", measures="m")
    with pytest.raises(StepRefused, match="assess the risk"):
        services.record_session(
            dispute=dispute, by=user, at=clock.now(), place="p", attendees="a", minutes="m"
        )
    with pytest.raises(ValidationError, match="future"):
        services.record_visit(
            dispute=dispute, by=user, at=clock.now() + dt.timedelta(days=1), place="p", met="m", findings="f"
        )
    with pytest.raises(ValidationError, match="required"):
        services.record_visit(dispute=dispute, by=user, at=clock.now(), place="", met="m", findings="f")
    dispute = in_step("stabilise")
    with pytest.raises(StepRefused, match="assess the risk"):
        services.conclude(dispute=dispute, by=user, conclusion=agreement_terms(dispute))
    services.assess_risk(dispute=dispute, by=user, level=Risk.LOW, reasons="r", measures="m")
    with pytest.raises(StepRefused, match="session"):
        services.conclude(dispute=dispute, by=user, conclusion=agreement_terms(dispute))


@pytest.mark.django_db
def test_the_signs_set_a_floor_under_the_risk_level(in_step, mediator):
    dispute = in_step("stabilise")
    with pytest.raises(ValidationError, match="at least high"):
        services.assess_risk(
            dispute=dispute, by=mediator.user, level=Risk.LOW, reasons="扬言", measures="m", escalation=True
        )
    with pytest.raises(ValidationError, match="at least medium"):
        services.assess_risk(
            dispute=dispute, by=mediator.user, level=Risk.LOW, reasons="老人", measures="m", vulnerable=True
        )


@pytest.mark.django_db
def test_an_agreement_needs_its_contents_and_a_failure_its_route(in_step, mediator):
    dispute = in_step("mediate")
    user = mediator.user
    empty = agreement_terms(dispute)
    empty.obligations, empty.facts = [], ""
    with pytest.raises(ValidationError) as refused:
        services.conclude(dispute=dispute, by=user, conclusion=empty)
    assert {"obligations", "facts"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError, match="route"):
        services.conclude(
            dispute=dispute, by=user, conclusion=services.Conclusion(outcome="failed", note="x")
        )
    past = agreement_terms(dispute, due=clock.now().date() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="past"):
        services.conclude(dispute=dispute, by=user, conclusion=past)
    dispute.refresh_from_db()
    assert dispute.step == Step.MEDIATE and not dispute.outcome  # nothing half-written


@pytest.mark.django_db
def test_clearing_waits_for_performance_follow_up_and_confirmation(in_step, mediator):
    dispute = in_step("clear")
    user = mediator.user
    blockers = services.clear_blockers(dispute)
    assert len(blockers) == 3  # unperformed obligation, no confirmation decision, no follow-up
    with pytest.raises(StepRefused, match="not yet performed"):
        services.clear(dispute=dispute, by=user, summary="x")
    with pytest.raises(StepRefused, match="already in effect"):
        services.sign_agreement(dispute=dispute, by=user, signed_at=clock.now())
    obligation = dispute.agreement.obligations.get()
    services.record_performance(obligation=obligation, by=user, performed_on=clock.now().date())
    with pytest.raises(StepRefused, match="already recorded"):
        services.record_performance(obligation=obligation, by=user, performed_on=clock.now().date())
    services.record_confirmation(
        dispute=dispute, by=user, applied_on=clock.now().date(), court="淇滨区人民法院"
    )
    assert services.clear_blockers(dispute) == ["须至少回访一次 / at least one follow-up visit"]
    with pytest.raises(ValidationError, match="1–5"):
        services.record_follow_up(
            dispute=dispute, by=user, at=clock.now(), place="p", met="m", findings="f", satisfaction=9
        )
