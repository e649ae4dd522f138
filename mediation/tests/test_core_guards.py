"""What the case core and the public pages may not do to a dispute under
mediation, and the corner cases the steps close: the unit's own reply and
return wait for the five steps, disputes are never "me too", the mediator
comes from the place's pool, a refused draft gives way to a failure, a
failed verification sends the dispute back to be cleared again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cases import services as case_services
from cases.models import Status
from changan import clock
from mediation import services
from mediation.models import Mediator, Outcome, Risk, Step
from mediation.services import StepRefused
from mediation.tests.conftest import agreement_terms
from triage.selectors import nearby_open_reports

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db
def test_the_unit_cannot_reply_return_or_extend_while_the_steps_run(in_step, mediator):
    dispute = in_step("stabilise")
    allowed = case_services.allowed_actions(dispute.case, mediator.user)
    assert not {"reply", "return_case", "request_extension"} & set(allowed)
    with pytest.raises(case_services.ActionRefused):
        case_services.reply(case=dispute.case, by=mediator.user, result="已调解")


@pytest.mark.django_db
def test_a_dispute_is_never_another_residents_me_too(registered):
    dispute = registered()
    with pytest.raises(ValidationError, match="its parties' own"):
        case_services.add_me_too(case=dispute.case)
    case = dispute.case
    found = nearby_open_reports(text=case.title, lon=case.lon, lat=case.lat)
    assert case.pk not in [c.pk for c in found]


@pytest.mark.django_db
def test_the_mediator_must_come_from_the_places_pool(registered, dispatcher):
    far = Mediator.objects.filter(committee__area__code__startswith="410622").first()  # 淇县
    with pytest.raises(ValidationError, match="not in the pool"):
        services.choose_mediator(dispute=registered(), by=dispatcher, mediator=far)


@pytest.mark.django_db
def test_a_high_risk_at_registration_is_checked_daily_from_the_start(registered):
    dispute = registered(risk=Risk.HIGH, risk_reasons="扬言报复")
    assert dispute.risk_check_due_at is not None


@pytest.mark.django_db
def test_parties_refusing_to_sign_turn_the_draft_into_a_failure(in_step, mediator):
    dispute = in_step("agreed")
    number = dispute.agreement.number
    with pytest.raises(StepRefused, match="awaits signing"):
        services.conclude(dispute=dispute, by=mediator.user, conclusion=agreement_terms(dispute))
    services.conclude(
        dispute=dispute,
        by=mediator.user,
        conclusion=services.Conclusion(outcome=Outcome.FAILED, route="litigation", note="被申请人拒绝签字"),
    )
    dispute.refresh_from_db()
    assert dispute.outcome == Outcome.FAILED and dispute.step == Step.CLEAR
    assert not hasattr(dispute, "agreement") or dispute.agreement is None
    assert (
        dispute.case.events.get(action="dispute_conclude", data__outcome="failed").data["withdrawn"] == number
    )


@pytest.mark.django_db
def test_judicial_confirmation_is_recorded_once_and_in_order(in_step, mediator):
    dispute = in_step("clear")
    user, today = mediator.user, clock.now().date()
    services.record_confirmation(dispute=dispute, by=user, applied_on=today, court="淇滨区人民法院")
    with pytest.raises(StepRefused, match="record the court's decision"):
        services.record_confirmation(dispute=dispute, by=user, applied_on=today, court="淇滨区人民法院")
    with pytest.raises(ValidationError, match="after the application"):
        services.record_confirmation(
            dispute=dispute, by=user, decided_on=today - dt.timedelta(days=3), result="confirmed"
        )
    services.record_confirmation(dispute=dispute, by=user, decided_on=today, result="confirmed")
    with pytest.raises(StepRefused, match="already decided"):
        services.record_confirmation(dispute=dispute, by=user, waived=True)
    assert dispute.case.events.filter(action="confirmation_apply").count() == 1


@pytest.mark.django_db
def test_a_failed_verification_sends_the_dispute_back_to_be_cleared(in_step, mediator, dispatcher):
    dispute = in_step("clear")
    user = mediator.user
    obligation = dispute.agreement.obligations.get()
    services.record_performance(obligation=obligation, by=user, performed_on=clock.now().date())
    services.record_confirmation(dispute=dispute, by=user, waived=True)
    services.record_follow_up(
        dispute=dispute,
        by=user,
        at=clock.now(),
        place="王家",
        met="王建国",
        findings="已履行",
        satisfaction=4,
    )
    services.clear(dispute=dispute, by=user, summary="案结事了")
    case_services.verify(case=dispute.case, by=dispatcher, passed=False, note="未见履行凭证")
    dispute.refresh_from_db()
    assert dispute.case.status == Status.HANDLING and services.clear_blockers(dispute) == []
    services.clear(dispute=dispute, by=user, summary="补充履行凭证")
    dispute.case.refresh_from_db()
    assert dispute.case.status == Status.REPLIED


@pytest.mark.django_db
def test_a_hand_over_is_once_and_still_needs_a_follow_up(in_step, mediator):
    dispute = in_step("mediate")
    user = mediator.user
    services.conclude(
        dispute=dispute,
        by=user,
        conclusion=services.Conclusion(outcome=Outcome.FAILED, route="litigation", note="分歧大"),
    )
    services.hand_over(dispute=dispute, by=user, to="淇滨区人民法院")
    with pytest.raises(StepRefused, match="already handed over"):
        services.hand_over(dispute=dispute, by=user, to="淇滨区人民法院")
    dispute.refresh_from_db()
    assert services.clear_blockers(dispute) == ["须至少回访一次 / at least one follow-up visit"]


@pytest.mark.django_db
def test_today_is_the_local_day_before_eight_in_the_morning(in_step, mediator):
    early = dt.datetime(2026, 11, 30, 7, 0, tzinfo=TZ)  # still 29 November in UTC
    with clock.frozen_at(early - dt.timedelta(hours=1)):
        dispute = in_step("clear")
    with clock.frozen_at(early):
        obligation = dispute.agreement.obligations.get()
        services.record_performance(obligation=obligation, by=mediator.user, performed_on=early.date())
    obligation.refresh_from_db()
    assert obligation.performed_on == dt.date(2026, 11, 30)


@pytest.mark.django_db
def test_a_mediator_belongs_to_the_committee_they_serve(mediator):
    other = Mediator.objects.exclude(committee=mediator.committee).first()
    mediator.committee = other.committee
    with pytest.raises(ValidationError, match="belong to the committee"):
        mediator.clean()
