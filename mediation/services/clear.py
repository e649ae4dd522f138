"""清: after the mediation — the parties perform what they agreed (履行),
the mediator follows up (回访), judicial confirmation is applied for,
decided or waived (司法确认), a failure is handed over to a court or
another body, and the dispute is cleared (案结事了): the case goes to the
dispatcher to verify and close (archive)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import services as cases
from cases.models import Status
from changan import clock
from mediation.models import Agreement, Appointment, Dispute, Obligation, Outcome, Step, Visit
from mediation.services.base import at_least, check_mediator, lock, mark_done, past, refuse, required


def check_perform(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    at_least(dispute, Step.CLEAR, "协议书生效后才能记录履行 / the agreement is not in effect yet")


@transaction.atomic
def record_performance(*, obligation: Obligation, by, performed_on: dt.date, note: str = "") -> Obligation:
    """A party did what it agreed to (履行)."""
    dispute = lock(obligation.agreement.dispute)
    check_perform(dispute, by)
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.performed_on:
        refuse("该事项已记录履行 / already recorded as performed")
    if performed_on > clock.today():
        raise ValidationError({"performed_on": "履行日期不能晚于今天 / cannot be in the future"})
    obligation.performed_on, obligation.note = performed_on, note.strip()[:300]
    obligation.save()
    cases.log_event(
        case=dispute.case,
        action="obligation_perform",
        by=by,
        note=f"{obligation.what}：{note}"[:500],
        data={
            "obligation": obligation.pk,
            "performed_on": performed_on.isoformat(),
            "on_time": performed_on <= obligation.due_on,
        },
    )
    return obligation


def check_follow_up(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    at_least(dispute, Step.CLEAR, "调解结束后才能回访 / follow-ups come after the mediation")


@transaction.atomic
def record_follow_up(
    *, dispute: Dispute, by, at: dt.datetime, place: str, met: str, findings: str, satisfaction: int
) -> Visit:
    """回访: after the agreement (or the failure), ask the parties how it
    stands and how satisfied they are (1–5)."""
    dispute = lock(dispute)
    check_follow_up(dispute, by)
    required(place=place, met=met, findings=findings)
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": "满意度为1–5 / satisfaction is 1–5"})
    past(at, dispute, "回访")
    if dispute.concluded_at and at < dispute.concluded_at:
        raise ValidationError({"at": "回访时间早于调解结束 / a follow-up comes after the mediation ended"})
    visit = Visit.objects.create(
        dispute=dispute,
        purpose=Visit.Purpose.FOLLOW_UP,
        by=by,
        at=at,
        place=place.strip()[:200],
        met=met.strip()[:200],
        findings=findings.strip(),
        satisfaction=satisfaction,
    )
    mark_done(dispute, Appointment.Kind.FOLLOW_UP, at)
    cases.log_event(
        case=dispute.case,
        action="mediation_follow_up",
        by=by,
        note=findings.strip()[:500],
        data={"visit": visit.pk, "satisfaction": satisfaction},
    )
    return visit


# ------------------------------------------------------- 司法确认 confirmation


def _apply(dispute: Dispute, by, agreement: Agreement, applied_on: dt.date | None, court: str) -> None:
    """The parties applied to a court, within the 30-day window."""
    required(court=court)
    if applied_on is None or applied_on > clock.today():
        raise ValidationError(
            {"applied_on": "须填写申请日期（不晚于今天） / the date applied, not in the future"}
        )
    if applied_on > agreement.confirmation_due:
        raise ValidationError(
            {"applied_on": f"已超过申请期限 {agreement.confirmation_due} / past the 30-day window"}
        )
    agreement.confirmation_applied_on, agreement.confirmation_court = applied_on, court.strip()[:100]
    agreement.save()
    cases.log_event(
        case=dispute.case,
        action="confirmation_apply",
        by=by,
        data={"court": agreement.confirmation_court, "applied_on": applied_on.isoformat()},
    )


def _decide(dispute: Dispute, by, agreement: Agreement, decided_on: dt.date, result: str) -> None:
    """The court decided, after the application and not in the future."""
    if result not in ("confirmed", "rejected"):
        raise ValidationError({"result": "须选择裁定结果 / choose the court's decision"})
    if not agreement.confirmation_applied_on <= decided_on <= clock.today():
        raise ValidationError(
            {"decided_on": "裁定日期须在申请之后、不晚于今天 / after the application, not in the future"}
        )
    agreement.confirmation_decided_on, agreement.confirmation_result = decided_on, result
    agreement.save()
    cases.log_event(case=dispute.case, action="confirmation_decide", by=by, data={"result": result})


def check_confirmation(dispute: Dispute, by) -> None:
    """An agreement in effect whose confirmation is not yet decided or waived."""
    check_mediator(dispute, by)
    agreement = Agreement.objects.filter(dispute=dispute, signed_at__isnull=False).first()
    if agreement is None:
        refuse("没有已生效的调解协议 / there is no agreement in effect")
    if agreement.confirmation_result or agreement.confirmation_waived:
        refuse("司法确认已有结果 / the judicial confirmation is already decided or waived")


@transaction.atomic
def record_confirmation(
    *,
    dispute: Dispute,
    by,
    applied_on: dt.date | None = None,
    court: str = "",
    decided_on: dt.date | None = None,
    result: str = "",
    waived: bool = False,
) -> Agreement:
    """司法确认: the parties applied to a court (within the window), the court
    decided, or the parties declined to apply (recorded, so no warning).
    The application may come with the decision, or the decision later."""
    dispute = lock(dispute)
    check_confirmation(dispute, by)  # (the dispute's lock holds its agreement too)
    agreement = Agreement.objects.select_for_update().get(dispute=dispute)
    if waived:
        if agreement.confirmation_applied_on:
            refuse("已申请司法确认，请记录法院裁定 / already applied: record the court's decision")
        agreement.confirmation_waived = True
        agreement.save()
        cases.log_event(case=dispute.case, action="confirmation_waive", by=by)
        return agreement
    if not agreement.confirmation_applied_on:
        _apply(dispute, by, agreement, applied_on, court)
    elif not decided_on:
        refuse("已记录申请，请记录法院裁定 / the application is recorded: record the court's decision")
    if decided_on:
        _decide(dispute, by, agreement, decided_on, result)
    return agreement


# ------------------------------------------------------------------- clear


def check_hand_over(dispute: Dispute, by) -> None:
    """After the mediation, once, and only while something is left undone."""
    check_mediator(dispute, by)
    at_least(dispute, Step.CLEAR, "调解结束后才能移交 / only after mediation")
    if dispute.handed_over_at:
        refuse(f"已移交{dispute.handed_over_to} / already handed over")
    if (
        dispute.outcome == Outcome.AGREEMENT
        and not dispute.agreement.obligations.filter(performed_on__isnull=True).exists()
    ):
        refuse("协议已全部履行，无需移交 / every obligation is performed")


@transaction.atomic
def hand_over(*, dispute: Dispute, by, to: str, note: str = "") -> Dispute:
    """Hand the dispute to a court (or the arbitration/administrative body
    offered) after a failure or a party's non-performance."""
    dispute = lock(dispute)
    check_hand_over(dispute, by)
    required(to=to)
    dispute.handed_over_at, dispute.handed_over_to = clock.now(), to.strip()[:100]
    dispute.save()
    cases.log_event(
        case=dispute.case, action="dispute_hand_over", by=by, note=note, data={"to": to.strip()[:100]}
    )
    return dispute


def clear_blockers(dispute: Dispute) -> list[str]:
    """What still stands between the dispute and 案结事了 (empty: it may close).
    A dispute cleared before whose case came back (verification failed, or
    the reporter reopened it) is cleared again the same way."""
    if not (dispute.step == Step.CLEAR or _reworked(dispute)):
        return [f"当前步骤为「{Step(dispute.step).label}」 / not at the clearing step"]
    missing = []
    if not dispute.visits.filter(purpose=Visit.Purpose.FOLLOW_UP).exists():
        missing.append("须至少回访一次 / at least one follow-up visit")
    if dispute.handed_over_at:
        return missing
    agreement = Agreement.objects.filter(dispute=dispute).first()
    if agreement is None or not agreement.signed_at:
        missing.append("调解不成：须移交法院或其他途径后结案 / after a failure, hand over before closing")
        return missing
    open_items = agreement.obligations.filter(performed_on__isnull=True).count()
    if open_items:
        missing.append(f"尚有{open_items}项协议未履行 / {open_items} obligation(s) not yet performed")
    if not (
        agreement.confirmation_applied_on
        or agreement.confirmation_waived
        or clock.today() > agreement.confirmation_due
    ):
        missing.append("司法确认：须记录申请或当事人放弃 / record the judicial confirmation or its waiver")
    return missing


def _reworked(dispute: Dispute) -> bool:
    return dispute.step == Step.DONE and dispute.case.status == Status.HANDLING


def check_clear(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    if missing := clear_blockers(dispute):
        refuse("不能结案：" + "；".join(missing))


@transaction.atomic
def clear(*, dispute: Dispute, by, summary: str) -> Dispute:
    """清: 案结事了 — the obligations are met (or the dispute is with a court)
    and the parties were followed up; the case goes to the dispatcher to
    verify and close (archive)."""
    dispute = lock(dispute)
    check_clear(dispute, by)
    required(summary=summary)
    dispute.cleared_at, dispute.step, dispute.step_due_at = clock.now(), Step.DONE, None
    dispute.risk_check_due_at = None
    dispute.save()
    cases.log_event(
        case=dispute.case,
        action="dispute_clear",
        by=by,
        note=summary.strip()[:500],
        data={
            "outcome": dispute.outcome,
            "level": dispute.level,
            "handed_over": bool(dispute.handed_over_at),
        },
    )
    cases.reply(case=dispute.case, by=by, result=summary.strip())
    return dispute
