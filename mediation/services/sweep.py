"""The worker's mediation pass (``mediation.jobs``): the daily check of
high-risk disputes, the judicial-confirmation warning before its window
lapses, overdue obligations, and steps past their time. The 30-day limit
itself is the case's deadline, swept by the case core.

Each item is re-read under its lock and marked in the same transaction as
its event, so two workers (or a rerun) never remind twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases import services as cases
from changan import clock
from mediation.models import Agreement, Dispute, Obligation, Risk, Step
from mediation.services.base import lock, tell
from worktime.selectors import work_calendar


@dataclass
class SweepReport:
    risk_checks: int = 0
    confirmation_warnings: int = 0
    overdue_obligations: int = 0
    overdue_steps: int = 0

    def total(self) -> int:
        return self.risk_checks + self.confirmation_warnings + self.overdue_obligations + self.overdue_steps


def sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """One pass; the mediator is told, the dispatchers too when an
    obligation or a step is overdue."""
    now = now or clock.now()
    today = now.astimezone(work_calendar().tz).date()
    return SweepReport(
        risk_checks=_risk_checks(now),
        confirmation_warnings=_confirmation_warnings(today),
        overdue_obligations=_overdue_obligations(today),
        overdue_steps=_overdue_steps(now),
    )


def _risk_checks(now: dt.datetime) -> int:
    def claim(dispute: Dispute) -> Dispute | None:
        dispute = lock(dispute)
        if dispute.risk != Risk.HIGH or not dispute.risk_check_due_at or dispute.risk_check_due_at > now:
            return None
        dispute.risk_check_due_at = now + dt.timedelta(days=1)
        dispute.save(update_fields=["risk_check_due_at"])
        return dispute

    def fire(dispute: Dispute) -> None:
        cases.log_event(case=dispute.case, action="risk_check_due", by=None, note="高风险每日跟踪")
        tell(
            dispute,
            "dispute_risk_check",
            f"高风险纠纷今日跟踪：{dispute.case.number}",
            "请走访并重新评估风险等级",
            dispatchers=False,
        )

    due = Dispute.objects.filter(risk=Risk.HIGH, risk_check_due_at__lte=now).select_related("case")
    return cases.sweep_each(due, claim=claim, fire=fire)


def _confirmation_warnings(today: dt.date) -> int:
    def claim(agreement: Agreement) -> tuple[Dispute, Agreement] | None:
        dispute = lock(agreement.dispute)
        unwarned = Agreement.objects.filter(pk=agreement.pk, confirmation_warned=False)
        return (dispute, agreement) if unwarned.update(confirmation_warned=True) else None

    def fire(claimed: tuple[Dispute, Agreement]) -> None:
        dispute, agreement = claimed
        data = {"due": agreement.confirmation_due.isoformat()}
        cases.log_event(case=dispute.case, action="confirmation_warn", by=None, data=data)
        tell(
            dispute,
            "confirmation_window",
            f"司法确认申请期限将至：{dispute.case.number}",
            f"协议书 {agreement.number} 须于 {agreement.confirmation_due} 前申请司法确认",
            dispatchers=False,
        )

    due = Agreement.objects.filter(
        confirmation_warned=False,
        confirmation_warn_on__lte=today,
        confirmation_applied_on=None,
        confirmation_waived=False,
        confirmation_due__gte=today,
        dispute__cleared_at=None,
    ).select_related("dispute__case")
    return cases.sweep_each(due, claim=claim, fire=fire)


def _overdue_obligations(today: dt.date) -> int:
    def claim(obligation: Obligation) -> tuple[Dispute, Obligation] | None:
        dispute = lock(obligation.agreement.dispute)
        unnoted = Obligation.objects.filter(pk=obligation.pk, overdue_noted=False)
        return (dispute, obligation) if unnoted.update(overdue_noted=True) else None

    def fire(claimed: tuple[Dispute, Obligation]) -> None:
        dispute, obligation = claimed
        cases.log_event(
            case=dispute.case,
            action="obligation_overdue",
            by=None,
            note=f"{obligation.party}：{obligation.what}",
            data={"obligation": obligation.pk},
        )
        tell(
            dispute,
            "obligation_overdue",
            f"协议未按期履行：{dispute.case.number}",
            f"{obligation.party}：{obligation.what}（期限 {obligation.due_on}）",
            dispatchers=True,
        )

    due = Obligation.objects.filter(
        performed_on=None,
        due_on__lt=today,
        overdue_noted=False,
        agreement__signed_at__isnull=False,
        agreement__dispute__cleared_at=None,
    ).select_related("agreement__dispute__case", "party")
    return cases.sweep_each(due, claim=claim, fire=fire)


def _overdue_steps(now: dt.datetime) -> int:
    def claim(dispute: Dispute) -> Dispute | None:
        dispute = lock(dispute)
        if dispute.step_overdue or not dispute.step_due_at or dispute.step_due_at > now:
            return None
        dispute.step_overdue = True
        dispute.save(update_fields=["step_overdue"])
        return dispute

    def fire(dispute: Dispute) -> None:
        label = str(Step(dispute.step).label)
        data = {"step": dispute.step, "due": dispute.step_due_at.isoformat()}
        cases.log_event(case=dispute.case, action="step_overdue", by=None, note=label, data=data)
        tell(dispute, "dispute_step_overdue", f"调解步骤超时：{dispute.case.number}", label, dispatchers=True)

    due = Dispute.objects.filter(step_overdue=False, step_due_at__lte=now).select_related("case")
    return cases.sweep_each(due, claim=claim, fire=fire)
