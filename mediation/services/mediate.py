"""调: the mediation sessions with their minutes (调解笔录), the outcome —
an agreement drafted, then signed into effect, or a failure with the
route offered — and the extension of the 30 days with every party's consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import services as cases
from changan import clock
from mediation import deadlines
from mediation.models import Agreement, Appointment, Dispute, Obligation, Outcome, Party, Route, Session, Step
from mediation.services.base import (
    at_least,
    check_mediator,
    lock,
    mark_done,
    move_to,
    not_after,
    past,
    refuse,
    required,
)
from orgs.models import OrgUnit
from worktime.selectors import work_calendar

NOT_ASSESSED = "调解前须完成风险评估 / assess the risk before mediating"


def check_session(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    at_least(dispute, Step.MEDIATE, NOT_ASSESSED)
    not_after(dispute, Step.MEDIATE, "调解已结束 / mediation is over")


@transaction.atomic
def record_session(
    *, dispute: Dispute, by, at: dt.datetime, place: str, attendees: str, minutes: str
) -> Session:
    """调: a mediation session with its minutes (调解笔录)."""
    dispute = lock(dispute)
    check_session(dispute, by)
    required(place=place, attendees=attendees, minutes=minutes)
    past(at, dispute, "调解")
    session = Session.objects.create(
        dispute=dispute,
        by=by,
        at=at,
        place=place.strip()[:200],
        attendees=attendees.strip()[:300],
        minutes=minutes.strip(),
    )
    mark_done(dispute, Appointment.Kind.SESSION, at)
    cases.log_event(
        case=dispute.case,
        action="mediation_session",
        by=by,
        note=minutes.strip()[:500],
        data={"session": session.pk, "at": at.isoformat()},
    )
    return session


@dataclass
class ObligationInput:
    party: Party
    what: str
    due_on: dt.date


@dataclass
class Conclusion:
    outcome: str
    facts: str = ""
    terms: str = ""
    performance: str = ""
    obligations: list[ObligationInput] = field(default_factory=list)
    route: str = ""
    note: str = ""


def _agreement_number(dispute: Dispute, year: int) -> str:
    """〔2026〕<committee>调字第N号, numbered per committee and year; the
    committee's row is locked (after the dispute and the case, the services'
    order) so two agreements of one committee never get the same number."""
    committee = OrgUnit.objects.select_for_update().get(pk=dispute.mediator.committee_id)
    prefix = f"〔{year}〕{committee.name.removesuffix('人民调解委员会')}调字第"
    last = Agreement.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{last + 1}号"


def _agreement_errors(dispute: Dispute, c: Conclusion) -> dict[str, str]:
    """An agreement names the facts, the terms, how it is performed, and
    what each party of this dispute does by a day not yet past."""
    errors = {
        name: "协议书必填 / required in an agreement"
        for name in ("facts", "terms", "performance")
        if not getattr(c, name).strip()
    }
    if not c.obligations:
        errors["obligations"] = "须列明至少一项履行事项 / list at least one obligation"
    parties = set(dispute.parties.values_list("pk", flat=True))
    today = clock.today()
    for item in c.obligations:
        if item.party.pk not in parties:
            errors["obligations"] = "履行方须为本案当事人 / an obligation must name a party of this dispute"
        elif not item.what.strip():
            errors["obligations"] = "履行事项不能为空 / describe each obligation"
        elif item.due_on < today:
            errors["obligations"] = "履行期限不能早于今天 / an obligation cannot be due in the past"
    return errors


def _conclusion_errors(dispute: Dispute, c: Conclusion) -> dict[str, str]:
    errors = {}
    if c.outcome in (Outcome.FAILED, Outcome.PARTIAL) and c.route not in Route.values:
        errors["route"] = "须告知当事人其他解决途径 / say which route the parties were offered"
    if c.outcome in (Outcome.AGREEMENT, Outcome.PARTIAL):
        errors.update(_agreement_errors(dispute, c))
    if c.outcome == Outcome.FAILED and not c.note.strip():
        errors["note"] = "须写明调解不成的原因 / say why mediation failed"
    return errors


def _draft(dispute: Dispute, c: Conclusion, now: dt.datetime) -> Agreement:
    agreement = Agreement.objects.create(
        dispute=dispute,
        number=_agreement_number(dispute, timezone.localdate(now).year),
        committee=dispute.mediator.committee,
        facts=c.facts.strip(),
        terms=c.terms.strip(),
        performance=c.performance.strip(),
        partial=c.outcome == Outcome.PARTIAL,
        drafted_at=now,
    )
    Obligation.objects.bulk_create(
        Obligation(agreement=agreement, party=o.party, what=o.what.strip()[:300], due_on=o.due_on)
        for o in c.obligations
    )
    return agreement


def check_conclude(dispute: Dispute, by) -> None:
    """An outcome follows at least one session (a drafted agreement the
    parties then refuse to sign may still give way to a failure)."""
    check_mediator(dispute, by)
    at_least(dispute, Step.MEDIATE, NOT_ASSESSED)
    not_after(dispute, Step.MEDIATE, "调解结果已记录 / the outcome is already recorded")
    if not dispute.sessions.exists():
        refuse("须先记录至少一次调解笔录 / record at least one session's minutes first")


@transaction.atomic
def conclude(*, dispute: Dispute, by, conclusion: Conclusion) -> Dispute:
    """调: the outcome of mediation. An agreement (or a partial one) needs
    the facts, what each party will do by when, and how it is performed;
    it takes effect when signed (``sign_agreement``). A failure needs the
    route offered (litigation, arbitration, an administrative channel) and
    keeps the case open for follow-up."""
    dispute = lock(dispute)
    check_conclude(dispute, by)
    c = conclusion
    draft = Agreement.objects.filter(dispute=dispute, signed_at=None).first()
    if dispute.outcome and not (draft and c.outcome == Outcome.FAILED):
        # (the parties refusing to sign the draft is a failure: it replaces the draft)
        refuse("调解结果已记录，待签署协议 / the outcome is recorded; the agreement awaits signing")
    if c.outcome not in Outcome.values:
        raise ValidationError({"outcome": f"未知结果 / unknown outcome {c.outcome!r}"})
    if errors := _conclusion_errors(dispute, c):
        raise ValidationError(errors)
    now = clock.now()
    dispute.outcome, dispute.route = c.outcome, c.route if c.outcome != Outcome.AGREEMENT else ""
    data = {"outcome": c.outcome, "route": dispute.route, "level": dispute.level}
    if c.outcome == Outcome.FAILED:
        if draft:
            data["withdrawn"] = draft.number
            draft.delete()
        dispute.concluded_at = now
        move_to(dispute, Step.CLEAR, now)
    else:
        data["agreement"] = _draft(dispute, c, now).number
    dispute.save()
    cases.log_event(case=dispute.case, action="dispute_conclude", by=by, note=c.note.strip()[:500], data=data)
    return dispute


def check_sign_agreement(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is None:
        refuse("尚未拟定调解协议书 / there is no agreement to sign")
    if agreement.signed_at:
        refuse("协议书已签署生效 / the agreement is already in effect")


@transaction.atomic
def sign_agreement(*, dispute: Dispute, by, signed_at: dt.datetime) -> Agreement:
    """The parties and the mediator signed the printed agreement and the
    committee sealed it: it takes effect, the obligations' clocks run and
    the 30-day window for judicial confirmation opens."""
    dispute = lock(dispute)
    check_sign_agreement(dispute, by)  # (the dispute's lock holds its agreement too)
    agreement = Agreement.objects.select_for_update().get(dispute=dispute)
    past(signed_at, dispute, "签署")
    if signed_at < agreement.drafted_at - dt.timedelta(days=1):
        raise ValidationError({"signed_at": "签署时间早于协议拟定 / signed before it was drafted"})
    calendar = work_calendar()
    effective = signed_at.astimezone(calendar.tz).date()
    agreement.signed_at = signed_at
    agreement.confirmation_due, agreement.confirmation_warn_on = deadlines.confirmation_window(
        effective, calendar, warn_workdays=settings.MEDIATION_CONFIRMATION_WARN_WORKDAYS
    )
    agreement.save()
    dispute.concluded_at = signed_at
    move_to(dispute, Step.CLEAR, clock.now())
    dispute.save()
    obligations = list(agreement.obligations.values("pk", "due_on"))
    cases.log_event(
        case=dispute.case,
        action="agreement_sign",
        by=by,
        note=agreement.number,
        data={
            "agreement": agreement.number,
            "outcome": dispute.outcome,
            "level": dispute.level,
            "obligations": [{"id": o["pk"], "due_on": o["due_on"].isoformat()} for o in obligations],
            "confirmation_due": agreement.confirmation_due.isoformat(),
        },
    )
    return agreement


def check_extend(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    not_after(dispute, Step.MEDIATE, "调解已结束，无需延期 / mediation is over")


@transaction.atomic
def extend(
    *, dispute: Dispute, by, until: dt.datetime, consenting: Sequence[Party], note: str = ""
) -> Dispute:
    """Extend the mediation beyond its time limit — only with the consent
    of every party (recorded by name)."""
    dispute = lock(dispute)
    check_extend(dispute, by)
    everyone = set(dispute.parties.values_list("pk", flat=True))
    if {p.pk for p in consenting} != everyone:
        raise ValidationError(
            {"consenting": "延期须经全体当事人同意 / every party must consent to an extension"}
        )
    if dispute.due_at and until <= dispute.due_at:
        raise ValidationError({"until": "延期后期限须晚于原期限 / must be later than the current limit"})
    dispute.due_at = until
    dispute.save()
    cases.set_deadline(
        case=dispute.case,
        by=by,
        due=until,
        action="mediation_extend",
        note=note,
        data={"consenting": [p.name for p in consenting], "until": until.isoformat()},
    )
    return dispute
