"""A dispute goes through 选·进·稳·调·清 on the case core: each step's record
moves it on, the case's status and event log follow, and clearing it
sends the case to the dispatcher, whose verification archives it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services as case_services
from cases.models import CaseKind, Status
from changan import clock
from mediation import services
from mediation.models import Step, Visit
from mediation.tests.conftest import agreement_terms


@pytest.mark.django_db
def test_from_registration_to_archive(registered, dispatcher, mediator):
    dispute = registered()
    case = dispute.case
    assert case.kind == CaseKind.DISPUTE and case.status == Status.ACCEPTED and dispute.step == Step.CHOOSE
    assert case.category_id == "900401"  # the type's class (邻里纠纷)
    assert dispute.parties.count() == 2 and dispute.step_due_at is not None

    dispute = services.choose_mediator(dispute=dispute, by=dispatcher, mediator=mediator)
    case.refresh_from_db()
    assert dispute.step == Step.ENTER and case.status == Status.DISPATCHED
    assert case.lead_unit_id == mediator.committee_id
    assert case.resolve_due_at == dispute.due_at  # the 30-day limit is the case's deadline
    assert dt.timedelta(days=29) < dispute.due_at - dispute.started_at < dt.timedelta(days=36)

    user = mediator.user
    case_services.sign(case=case, by=user)  # a mediator signs for a dispute like a handler
    now = clock.now()
    services.record_visit(dispute=dispute, by=user, at=now, place="王家", met="王建国", findings="墙面发霉")
    dispute.refresh_from_db()
    assert dispute.step == Step.STABILISE
    services.assess_risk(dispute=dispute, by=user, level="low", reasons="愿意协商", measures="日常关注")
    dispute.refresh_from_db()
    assert dispute.step == Step.MEDIATE
    services.record_session(
        dispute=dispute, by=user, at=now, place="调解室", attendees="双方", minutes="释法明理"
    )
    services.conclude(dispute=dispute, by=user, conclusion=agreement_terms(dispute))
    dispute.refresh_from_db()
    assert dispute.step == Step.MEDIATE and dispute.agreement.number.startswith("〔")
    agreement = services.sign_agreement(dispute=dispute, by=user, signed_at=now)
    dispute.refresh_from_db()
    assert dispute.step == Step.CLEAR and agreement.confirmation_due > now.date()

    for obligation in agreement.obligations.all():
        services.record_performance(obligation=obligation, by=user, performed_on=now.date(), note="已付")
    services.record_follow_up(
        dispute=dispute, by=user, at=now, place="王家", met="王建国", findings="满意", satisfaction=5
    )
    services.record_confirmation(dispute=dispute, by=user, waived=True)
    assert services.clear_blockers(dispute) == []
    services.clear(dispute=dispute, by=user, summary="案结事了")
    dispute.refresh_from_db()
    case.refresh_from_db()
    assert dispute.step == Step.DONE and case.status == Status.REPLIED
    case_services.verify(case=case, by=dispatcher, passed=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    actions = list(case.events.order_by("seq").values_list("action", flat=True))
    for expected in (
        "dispute_register",
        "mediator_choose",
        "mediation_deadline",
        "sign",
        "mediation_visit",
        "risk_assess",
        "mediation_session",
        "dispute_conclude",
        "agreement_sign",
        "obligation_perform",
        "mediation_follow_up",
        "confirmation_waive",
        "dispute_clear",
        "reply",
        "verify",
    ):
        assert expected in actions, expected
    assert actions.index("mediation_visit") < actions.index("risk_assess") < actions.index("dispute_conclude")
    assert Visit.objects.filter(dispute=dispute).count() == 2


@pytest.mark.django_db
def test_a_failure_offers_a_route_and_stays_open_until_handed_over(in_step, mediator):
    dispute = in_step("mediate")
    user = mediator.user
    services.conclude(
        dispute=dispute,
        by=user,
        conclusion=services.Conclusion(outcome="failed", route="litigation", note="分歧过大"),
    )
    dispute.refresh_from_db()
    assert dispute.step == Step.CLEAR and dispute.case.status == Status.HANDLING
    assert any("移交" in b for b in services.clear_blockers(dispute))
    services.hand_over(dispute=dispute, by=user, to="淇滨区人民法院")
    services.record_follow_up(
        dispute=dispute,
        by=user,
        at=clock.now(),
        place="王家",
        met="王建国",
        findings="已起诉",
        satisfaction=3,
    )
    services.clear(dispute=dispute, by=user, summary="已移交法院")
    dispute.refresh_from_db()
    assert dispute.step == Step.DONE and dispute.case.status == Status.REPLIED


@pytest.mark.django_db
def test_an_extension_needs_every_party_and_moves_the_case_deadline(in_step, mediator):
    dispute = in_step("stabilise")
    user = mediator.user
    later = dispute.due_at + dt.timedelta(days=15)
    one = list(dispute.parties.all())[:1]
    with pytest.raises(ValidationError, match="全体当事人"):
        services.extend(dispute=dispute, by=user, until=later, consenting=one)
    services.extend(
        dispute=dispute, by=user, until=later, consenting=list(dispute.parties.all()), note="双方同意"
    )
    dispute.case.refresh_from_db()
    assert dispute.case.resolve_due_at == later
    event = dispute.case.events.get(action="mediation_extend")
    assert set(event.data["consenting"]) == {"王建国", "李秀英"} and "deadlines" in event.data
