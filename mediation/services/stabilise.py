"""稳: after a visit the mediator assesses the risk. A high risk alerts the
township 综治中心 and the police liaison at once and is followed daily
(the worker's sweep reminds the mediator) until an assessment lowers it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import RoleCode, User
from cases import services as cases
from cases.models import Case
from changan import clock
from mediation.models import Dispute, Risk, RiskAssessment, Step
from mediation.services.base import at_least, check_mediator, lock, move_to, required
from notify.services import notify
from orgs.models import OrgUnitKind, Sector


def minimum_level(*, violence: bool, escalation: bool, group_size: int, vulnerable: bool) -> str:
    """The lowest level the signs allow: violence, escalation or a group
    (5 or more people, 群体性) make a dispute high-risk; a vulnerable party
    or 3–4 people at least medium."""
    if violence or escalation or group_size >= 5:
        return Risk.HIGH
    if vulnerable or group_size >= 3:
        return Risk.MEDIUM
    return Risk.LOW


RISK_RANK = {Risk.LOW: 0, Risk.MEDIUM: 1, Risk.HIGH: 2}


def check_assess(dispute: Dispute, by) -> None:
    check_mediator(dispute, by)
    at_least(dispute, Step.STABILISE, "评估风险前须至少入户走访一次 / visit the parties at least once first")


@transaction.atomic
def assess_risk(
    *,
    dispute: Dispute,
    by,
    level: str,
    reasons: str,
    measures: str,
    violence: bool = False,
    escalation: bool = False,
    group_size: int = 0,
    vulnerable: bool = False,
) -> RiskAssessment:
    """稳: assess the risk after at least one visit; it completes the step."""
    dispute = lock(dispute)
    check_assess(dispute, by)
    required(reasons=reasons, measures=measures)
    if level not in Risk.values:
        raise ValidationError({"level": f"未知风险等级 / unknown level {level!r}"})
    floor = minimum_level(
        violence=violence, escalation=escalation, group_size=group_size, vulnerable=vulnerable
    )
    if RISK_RANK[Risk(level)] < RISK_RANK[Risk(floor)]:
        raise ValidationError(
            {"level": f"所列风险迹象至少为「{Risk(floor).label}」风险 / the signs make this at least {floor}"}
        )
    now = clock.now()
    assessment = RiskAssessment.objects.create(
        dispute=dispute,
        by=by,
        at=now,
        violence=violence,
        escalation=escalation,
        group_size=group_size,
        vulnerable=vulnerable,
        level=level,
        reasons=reasons.strip(),
        measures=measures.strip(),
    )
    was = dispute.risk
    dispute.risk, dispute.risk_reasons = level, reasons.strip()
    dispute.risk_check_due_at = now + dt.timedelta(days=1) if level == Risk.HIGH else None
    move_to(dispute, Step.MEDIATE, now)
    dispute.save()
    cases.log_event(
        case=dispute.case,
        action="risk_assess",
        by=by,
        note=reasons.strip()[:500],
        data={"level": level, "was": was, "measures": measures.strip()[:300], "group_size": group_size},
    )
    if level == Risk.HIGH and was != Risk.HIGH:
        alert_high_risk(dispute, by, reasons)
    return assessment


def police_liaison(case: Case) -> list[User]:
    """The county public-security bureau's handlers (公安联络)."""
    return list(
        User.objects.filter(
            is_active=True,
            org_unit__sector=Sector.PUBLIC_SECURITY,
            org_unit__kind=OrgUnitKind.COUNTY_DEPARTMENT,
            org_unit__area_id=case.area_id[:6] + "000000",
        )
    )


def alert_high_risk(dispute: Dispute, by, reasons: str) -> None:
    """A dispute found high-risk (at registration or on assessment): the
    township's and county's 综治中心, the police liaison and the mediator."""
    case = dispute.case
    center = list(
        User.objects.filter(
            is_active=True,
            roles=RoleCode.DISPATCHER,
            org_unit__kind=OrgUnitKind.GOVERNANCE_CENTER,
            org_unit__area_id__in=[case.area_id[:9] + "000", case.area_id[:6] + "000000"],
        )
    )
    notify(
        recipients=[*center, *police_liaison(case), *([dispute.mediator.user] if dispute.mediator else [])],
        case=case,
        kind="dispute_high_risk",
        title=f"高风险矛盾纠纷：{case.number}",
        body=f"{dispute.dispute_type}，{case.address or case.area_id}：{reasons[:120]}",
    )
