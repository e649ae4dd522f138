"""选: the coordinator registers a case as a dispute (its type, the parties
on both sides, where it is to be settled, a first risk judgement) and
chooses its mediator from the place's pool, without a conflict of interest."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import contact
from cases import services as cases
from cases.models import Case, Status
from changan import clock, crypto
from mediation import deadlines
from mediation.models import (
    Dispute,
    DisputeType,
    Level,
    Mediator,
    Party,
    PartyKind,
    Risk,
    Side,
    Source,
    Step,
)
from mediation.selectors import conflicts_of, leaders_for, suggest_mediators
from mediation.services.base import (
    is_coordinator,
    lock,
    move_to,
    not_after,
    refuse,
    start_step_clock,
)
from mediation.services.stabilise import alert_high_risk
from notify.services import notify
from regions.models import Grid
from worktime.selectors import work_calendar

# ------------------------------------------------------------------ parties


@dataclass
class PartyInput:
    side: str
    name: str
    kind: str = PartyKind.PERSON
    gender: str = ""
    birth_year: int | None = None
    ethnicity: str = ""
    occupation: str = ""
    address: str = ""
    grid_code: str = ""
    id_number: str = ""
    phone: str = ""
    vulnerable: bool = False


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def normalise_id(number: str, kind: str) -> str:
    """A resident ID (GB 11643, with its check digit) or an organisation's
    unified social credit code (GB 32100); '' stays ''."""
    number = number.strip().upper()
    if not number:
        return ""
    if kind == PartyKind.ORGANISATION:
        if not USCC_RE.match(number):
            raise ValueError("统一社会信用代码应为18位 / a credit code has 18 characters")
        return number
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValueError("身份证号码应为18位 / an ID number has 18 characters")
    check = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != check:
        raise ValueError("身份证号码校验位不对 / the ID number's check digit is wrong")
    return number


def mask_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}" if number else ""


def _party(dispute: Dispute, item: PartyInput) -> Party:
    errors = {}
    if item.side not in Side.values:
        errors["side"] = f"未知身份 / unknown side {item.side!r}"
    if item.kind not in PartyKind.values:
        errors["kind"] = f"未知类型 / unknown kind {item.kind!r}"
    if not item.name.strip():
        errors["name"] = "当事人姓名不能为空 / the party's name is required"
    try:
        id_number = normalise_id(item.id_number, item.kind)
    except ValueError as exc:
        errors["id_number"] = f"{item.name}：{exc}"
        id_number = ""
    try:
        phone = contact.normalise_phone(item.phone)
    except ValueError as exc:
        errors["phone"] = f"{item.name}：{exc}"
        phone = ""
    grid = None
    if item.grid_code:
        grid = Grid.objects.filter(code=item.grid_code).first()
        if grid is None:
            errors["grid"] = f"网格不存在 / unknown grid {item.grid_code}"
    if item.birth_year is not None and not 1900 <= item.birth_year <= clock.now().year:
        errors["birth_year"] = "出生年份不对 / implausible birth year"
    if errors:
        raise ValidationError(errors)
    return Party(
        dispute=dispute,
        side=item.side,
        kind=item.kind,
        name=item.name.strip()[:100],
        gender=item.gender,
        birth_year=item.birth_year,
        ethnicity=item.ethnicity.strip()[:10],
        occupation=item.occupation.strip()[:60],
        address=item.address.strip()[:200],
        grid=grid,
        id_encrypted=crypto.encrypt(id_number) if id_number else None,
        id_masked=mask_id(id_number),
        id_digest=crypto.digest("id", id_number) if id_number else "",
        phone_encrypted=crypto.encrypt(phone) if phone else None,
        phone_masked=contact.mask_phone(phone) if phone else "",
        phone_digest=contact.phone_digest(phone),
        vulnerable=item.vulnerable,
    )


# ------------------------------------------------------------- registration


SOURCE_OF_CHANNEL = {
    "qr": Source.QR,
    "hotline": Source.HOTLINE,
    "grid_worker": Source.GRID_WORKER,
    "transfer_110": Source.POLICE_110,
}


def _registration_errors(
    case: Case,
    *,
    source: str,
    level: str,
    amount: Decimal | None,
    risk: str,
    risk_reasons: str,
    summary: str,
    parties: Sequence[PartyInput],
    leader: User | None,
) -> dict[str, str]:
    """What is wrong with a registration, by field (empty: nothing)."""
    errors = {}
    if source not in Source.values:
        errors["source"] = f"未知来源 / unknown source {source!r}"
    if level not in Level.values:
        errors["level"] = f"未知层级 / unknown level {level!r}"
    if risk not in Risk.values:
        errors["risk"] = f"未知风险等级 / unknown risk level {risk!r}"
    if risk != Risk.LOW and not risk_reasons.strip():
        errors["risk_reasons"] = "中、高风险须写明理由 / a medium or high risk needs its reasons"
    if amount is not None and amount < 0:
        errors["amount"] = "争议金额不能为负 / the amount cannot be negative"
    if not summary.strip():
        errors["summary"] = "须写明纠纷简要情况 / describe the dispute"
    if not {Side.APPLICANT, Side.RESPONDENT} <= {p.side for p in parties}:
        errors["parties"] = "须至少有一名申请人和一名被申请人 / at least one party on each side is required"
    if leader is not None and not leaders_for(case).filter(pk=leader.pk).exists():
        errors["leader"] = _("所选领导的数据范围不包含本案，不能包案")
    elif level == Level.COUNTY and leader is None:
        errors["leader"] = (
            "复杂纠纷须由有权限的领导包案 / a complex dispute needs a leader whose scope covers it"
        )
    return errors


def check_register(case: Case, by) -> None:
    """A coordinator registers a received or accepted case, once."""
    if not is_coordinator(by, case):
        refuse("只有综治中心受理员可以登记纠纷 / only a dispatcher covering the case may register a dispute")
    if Dispute.objects.filter(case=case).exists():
        refuse("该案件已登记为纠纷 / the case is already a registered dispute")
    if case.status not in (Status.RECEIVED, Status.ACCEPTED):
        refuse(
            f"案件状态为「{Status(case.status).label}」，只有待受理或待派遣的案件可登记为纠纷 / "
            "only a received or accepted case can be registered"
        )


@transaction.atomic
def register(
    *,
    case: Case,
    by,
    dispute_type: DisputeType,
    parties: Sequence[PartyInput],
    summary: str,
    source: str = "",
    level: str = Level.VILLAGE,
    amount: Decimal | None = None,
    risk: str = Risk.LOW,
    risk_reasons: str = "",
    leader: User | None = None,
) -> Dispute:
    """登记: the coordinator records a case as a dispute — its type, the
    parties on both sides, where it is to be settled and a first risk
    judgement. A received case is accepted on the way; a complex (county)
    dispute is taken on by a leader (包案)."""
    case = cases.lock_case(case)
    check_register(case, by)
    source = source or SOURCE_OF_CHANNEL.get(case.channel, Source.WALK_IN)
    parties = [p for p in parties if p.name.strip()]  # (blank rows of a form)
    if errors := _registration_errors(
        case,
        source=source,
        level=level,
        amount=amount,
        risk=risk,
        risk_reasons=risk_reasons,
        summary=summary,
        parties=parties,
        leader=leader,
    ):
        raise ValidationError(errors)
    if case.status == Status.RECEIVED:
        case = cases.accept(case=case, by=by, category=dispute_type.category or case.category)
    now = clock.now()
    dispute = Dispute(
        case=case,
        dispute_type=dispute_type,
        source=source,
        level=level,
        amount=amount,
        summary=summary.strip(),
        risk=risk,
        risk_reasons=risk_reasons.strip(),
        registered_by=by,
        registered_at=now,
        # A dispute registered as high risk is checked daily from the start.
        risk_check_due_at=now + dt.timedelta(days=1) if risk == Risk.HIGH else None,
    )
    start_step_clock(dispute, now)
    dispute.save()
    Party.objects.bulk_create([_party(dispute, p) for p in parties])
    dispute.case = cases.register_dispute(  # the case's kind, and its leader: through the case core
        case=case,
        by=by,
        leader=leader if level == Level.COUNTY else None,
        note=summary.strip()[:500],
        data={
            "type": dispute_type.code,
            "source": source,
            "level": level,
            "risk": risk,
            "parties": len(parties),
        },
    )
    if risk == Risk.HIGH:
        alert_high_risk(dispute, by, risk_reasons)
    return dispute


# --------------------------------------------------------------- 1. 选 choose


def _check_choice(dispute: Dispute, mediator: Mediator) -> None:
    """The mediator is active, has no conflict of interest and is in the
    place's pool with room for one more."""
    if not mediator.is_active:
        raise ValidationError({"mediator": "该调解员不在岗 / the mediator is not active"})
    reasons = conflicts_of(mediator, dispute)
    if reasons:
        raise ValidationError({"mediator": f"{mediator}须回避：{'；'.join(reasons)} / conflict of interest"})
    offered = {c.mediator.pk: c for c in suggest_mediators(dispute)}
    if mediator.pk not in offered:
        raise ValidationError(
            {"mediator": f"{mediator}不在本纠纷可选的调解员中 / not in the pool for this dispute's place"}
        )
    if offered[mediator.pk].excluded:
        raise ValidationError({"mediator": f"{mediator}：{'；'.join(offered[mediator.pk].excluded)}"})


def check_choose(dispute: Dispute, by) -> None:
    if not is_coordinator(by, dispute.case):
        refuse(
            "只有综治中心受理员可以选定调解员 / only a dispatcher covering the case may choose the mediator"
        )
    not_after(
        dispute, Step.ENTER, "调解已进入稳控或调解阶段，不能更换调解员 / too late to change the mediator"
    )


@transaction.atomic
def choose_mediator(*, dispute: Dispute, by, mediator: Mediator, note: str = "") -> Dispute:
    """选: the coordinator confirms the mediator (from the suggestions, or
    another without a conflict of interest); the case goes to the
    mediator's committee and the 30-day clock starts."""
    dispute = lock(dispute)
    case = dispute.case
    check_choose(dispute, by)
    _check_choice(dispute, mediator)
    committee = mediator.committee
    previous = dispute.mediator_id
    if case.status == Status.ACCEPTED:
        case = cases.dispatch(case=case, by=by, unit=committee, note=note or f"调解员：{mediator}")
    elif case.lead_unit_id != committee.pk:
        case = cases.reassign(case=case, by=by, unit=committee, reason=note or f"更换调解员：{mediator}")
    now = clock.now()
    dispute.case = case
    dispute.mediator = mediator
    if dispute.started_at is None:
        dispute.started_at = now
        dispute.due_at = deadlines.mediation_due(now, work_calendar())
    move_to(dispute, Step.ENTER, now)
    if previous is not None and previous != mediator.pk:  # a new mediator starts the step afresh
        start_step_clock(dispute, now)
    dispute.save()
    cases.log_event(
        case=case,
        action="mediator_choose",
        by=by,
        note=note,
        data={
            "mediator": mediator.pk,
            "name": str(mediator),
            "kind": mediator.kind,
            "committee": committee.pk,
            "previous": previous,
        },
    )
    case.refresh_from_db(fields=["resolve_due_at"])
    if case.resolve_due_at != dispute.due_at:  # (a dispatch starts the ordinary limit: ours applies)
        cases.set_deadline(
            case=case,
            by=by,
            due=dispute.due_at,
            action="mediation_deadline",
            note="调解期限30日 / 30 days to mediate",
        )
    notify(
        recipients=[mediator.user],
        case=case,
        kind="dispute_assigned",
        title=f"新调解案件：{case.number}",
        body=f"{dispute.dispute_type}：{dispute.summary[:80]}（期限 {dispute.due_at:%Y-%m-%d}）",
    )
    return dispute
