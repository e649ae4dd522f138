"""The five-step mediation 选·进·稳·调·清, one service per step, each with
the record the step requires. A dispute rides the case core: registering
it makes the case kind ``dispute``; choosing the mediator dispatches the
case to their committee; the mediator signs for it like any handler; the
steps write their events into the case's one event log (the figures read
them from there); clearing the dispute replies on the case, and the
dispatcher's verification closes (archives) it.

Steps move forward by themselves when their record is complete (a visit
completes 进, an assessment 稳, a signed agreement or a failure 调); a step
whose record is missing refuses the next one and says what is missing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleCode, User
from accounts.scope import scope_of
from cases import contact
from cases import services as cases
from cases.models import Case, CaseKind, Status, Tier
from changan import clock, crypto
from mediation import deadlines
from mediation.models import (
    STEP_ORDER,
    Agreement,
    Appointment,
    Dispute,
    DisputeType,
    Level,
    Mediator,
    Obligation,
    Outcome,
    Party,
    PartyKind,
    Risk,
    RiskAssessment,
    Route,
    Session,
    Side,
    Source,
    Step,
    Visit,
)
from mediation.selectors import conflicts_of, leaders_for, suggest_mediators
from notify.services import notify
from orgs.models import OrgUnit, OrgUnitKind, Sector
from regions.models import Grid
from worktime.selectors import work_calendar


class StepRefused(PermissionDenied):
    """The step cannot be taken now: by this user, or before the record the
    previous step needs."""


def _refuse(message: str) -> None:
    raise StepRefused(message)


def _is_coordinator(user, case: Case) -> bool:
    """The dispatchers (综治中心) covering the case coordinate its mediation."""
    return (
        bool(user)
        and (user.is_superuser or user.has_role(RoleCode.DISPATCHER))
        and (scope_of(user).covers_area(case.area_id))
    )


def _check_mediator(dispute: Dispute, user) -> None:
    if dispute.mediator_id is None:
        _refuse("尚未选定调解员 / no mediator has been chosen yet")
    if not (user.is_superuser or dispute.mediator.user_id == user.pk):
        _refuse("只有主持调解员可以记录 / only the dispute's mediator may record this")
    if not dispute.mediator.is_active:
        _refuse("调解员已不在岗，请综治中心更换调解员 / the mediator is inactive: ask for another")
    if dispute.case.status == Status.DISPATCHED:
        _refuse("请先签收本案 / sign for the case first (签收)")
    if dispute.case.status != Status.HANDLING:
        _refuse(
            f"案件状态为「{Status(dispute.case.status).label}」，不能记录 / the case is not being handled"
        )


def _at_least(dispute: Dispute, step: Step, missing: str) -> None:
    if STEP_ORDER.index(dispute.step) < STEP_ORDER.index(step):
        _refuse(missing)


def _not_after(dispute: Dispute, step: Step, message: str) -> None:
    if STEP_ORDER.index(dispute.step) > STEP_ORDER.index(step):
        _refuse(message)


def _today() -> dt.date:
    return clock.today()


def _lock(dispute: Dispute) -> Dispute:
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("mediator__user", "mediator__committee", "dispute_type")
        .get(pk=dispute.pk)
    )
    dispute.case = cases.lock_case(dispute.case)
    return dispute


def _past(at: dt.datetime, dispute: Dispute, what: str) -> dt.datetime:
    """A record says what happened: not in the future, not before the dispute."""
    if at > clock.now() + dt.timedelta(minutes=5):
        raise ValidationError(
            {"at": f"{what}时间不能晚于现在 / the time of the {what} cannot be in the future"}
        )
    if at < dispute.case.received_at - dt.timedelta(days=1):
        raise ValidationError({"at": f"{what}时间早于纠纷登记 / the {what} is dated before the dispute"})
    return at


def _required(**values: str) -> None:
    missing = {k: "必填 / required" for k, v in values.items() if not (v or "").strip()}
    if missing:
        raise ValidationError(missing)


def _move_to(dispute: Dispute, step: Step, now: dt.datetime) -> None:
    """Advance (never go back) and start the new step's clock."""
    if STEP_ORDER.index(step) <= STEP_ORDER.index(dispute.step):
        return
    dispute.step = step
    _start_step_clock(dispute, now)


def _start_step_clock(dispute: Dispute, now: dt.datetime) -> None:
    """The current step's time limit (MEDIATION_STEP_WORKDAYS), from ``now``."""
    days = settings.MEDIATION_STEP_WORKDAYS.get(dispute.step)
    dispute.step_due_at = work_calendar().add_working_days(now, days) if days else None
    dispute.step_overdue = False


def _done(dispute: Dispute, kind: str, at: dt.datetime) -> None:
    """Recording a visit or session completes the one planned for that day."""
    day = at.astimezone(work_calendar().tz).date()
    planned = (
        Appointment.objects.filter(dispute=dispute, kind=kind, done=False, at__date=day)
        .order_by("at")
        .first()
    )
    if planned:
        planned.done = True
        planned.save(update_fields=["done"])


@transaction.atomic
def plan(*, dispute: Dispute, by, kind: str, at: dt.datetime, place: str, note: str = "") -> Appointment:
    """约定: put a visit, session or follow-up in the mediator's diary."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    if dispute.step == Step.DONE:
        _refuse("纠纷已结案 / the dispute is closed")
    if kind not in Appointment.Kind.values:
        raise ValidationError({"kind": f"未知类型 / unknown kind {kind!r}"})
    _required(place=place)
    if at < clock.now() - dt.timedelta(hours=1):
        raise ValidationError({"at": "安排的时间已过 / the time has passed"})
    return Appointment.objects.create(
        dispute=dispute, kind=kind, at=at, place=place.strip()[:200], note=note.strip()[:200]
    )


# ------------------------------------------------------------ registration


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


SOURCE_OF_CHANNEL = {
    "qr": Source.QR,
    "hotline": Source.HOTLINE,
    "grid_worker": Source.GRID_WORKER,
    "transfer_110": Source.POLICE_110,
}


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
    judgement. A received case is accepted on the way."""
    case = cases.lock_case(case)
    if not _is_coordinator(by, case):
        _refuse("只有综治中心受理员可以登记纠纷 / only a dispatcher covering the case may register a dispute")
    if Dispute.objects.filter(case=case).exists():
        _refuse("该案件已登记为纠纷 / the case is already a registered dispute")
    if case.status not in (Status.RECEIVED, Status.ACCEPTED):
        _refuse(
            f"案件状态为「{Status(case.status).label}」，只有待受理或待派遣的案件可登记为纠纷 / "
            "only a received or accepted case can be registered"
        )
    source = source or SOURCE_OF_CHANNEL.get(case.channel, Source.WALK_IN)
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
    sides = {p.side for p in parties if p.name.strip()}
    if not {Side.APPLICANT, Side.RESPONDENT} <= sides:
        errors["parties"] = "须至少有一名申请人和一名被申请人 / at least one party on each side is required"
    if leader is not None and not leaders_for(case).filter(pk=leader.pk).exists():
        errors["leader"] = _("所选领导的数据范围不包含本案，不能包案")
    elif level == Level.COUNTY and leader is None:
        errors["leader"] = (
            "复杂纠纷须由有权限的领导包案 / a complex dispute needs a leader whose scope covers it"
        )
    if errors:
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
    _start_step_clock(dispute, now)
    dispute.save()
    Party.objects.bulk_create([_party(dispute, p) for p in parties if p.name.strip()])
    case.kind = CaseKind.DISPUTE
    if level == Level.COUNTY:
        case.tier, case.leader = Tier.LEADER, leader
    case.save(update_fields=["kind", "tier", "leader"])
    cases.log_event(
        case=case,
        action="dispute_register",
        by=by,
        note=summary.strip()[:500],
        data={
            "type": dispute_type.code,
            "source": source,
            "level": level,
            "risk": risk,
            "parties": sum(1 for p in parties if p.name.strip()),
        },
    )
    if risk == Risk.HIGH:
        _alert_high_risk(dispute, by, risk_reasons)
    return dispute


# --------------------------------------------------------------- 1. 选 choose


@transaction.atomic
def choose_mediator(*, dispute: Dispute, by, mediator: Mediator, note: str = "") -> Dispute:
    """选: the coordinator confirms the mediator (from the suggestions, or
    another without a conflict of interest); the case goes to the
    mediator's committee and the 30-day clock starts."""
    dispute = _lock(dispute)
    case = dispute.case
    if not _is_coordinator(by, case):
        _refuse(
            "只有综治中心受理员可以选定调解员 / only a dispatcher covering the case may choose the mediator"
        )
    _not_after(
        dispute, Step.ENTER, "调解已进入稳控或调解阶段，不能更换调解员 / too late to change the mediator"
    )
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
    _move_to(dispute, Step.ENTER, now)
    if previous is not None and previous != mediator.pk:  # a new mediator starts the step afresh
        _start_step_clock(dispute, now)
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


# ---------------------------------------------------------------- 2. 进 visit


@transaction.atomic
def record_visit(
    *,
    dispute: Dispute,
    by,
    at: dt.datetime,
    place: str,
    met: str,
    findings: str,
    companions: str = "",
    photos: Sequence = (),
) -> Visit:
    """进: a visit to the parties or the place before mediation (走访)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _not_after(
        dispute, Step.MEDIATE, "调解已结束，请记录回访 / mediation is over: record a follow-up instead"
    )
    _required(place=place, met=met, findings=findings)
    _past(at, dispute, "走访")
    visit = Visit.objects.create(
        dispute=dispute,
        purpose=Visit.Purpose.INVESTIGATE,
        by=by,
        companions=companions.strip()[:200],
        at=at,
        place=place.strip()[:200],
        met=met.strip()[:200],
        findings=findings.strip(),
    )
    _done(dispute, Appointment.Kind.VISIT, at)
    if photos:
        visit.photos.set(cases.add_photos(case=dispute.case, photos=photos, source="mediation_visit"))
    _move_to(dispute, Step.STABILISE, clock.now())
    dispute.save()
    cases.log_event(
        case=dispute.case,
        action="mediation_visit",
        by=by,
        note=findings.strip()[:500],
        data={"visit": visit.pk, "at": at.isoformat(), "met": met.strip()[:200], "photos": len(photos)},
    )
    return visit


# ------------------------------------------------------------ 3. 稳 stabilise


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
    """稳: assess the risk after at least one visit. A high risk alerts the
    township 综治中心 and the police liaison at once and is followed daily
    (the worker reminds the mediator) until an assessment lowers it."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.STABILISE, "评估风险前须至少入户走访一次 / visit the parties at least once first")
    _required(reasons=reasons, measures=measures)
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
    _move_to(dispute, Step.MEDIATE, now)
    dispute.save()
    cases.log_event(
        case=dispute.case,
        action="risk_assess",
        by=by,
        note=reasons.strip()[:500],
        data={"level": level, "was": was, "measures": measures.strip()[:300], "group_size": group_size},
    )
    if level == Risk.HIGH and was != Risk.HIGH:
        _alert_high_risk(dispute, by, reasons)
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


def _alert_high_risk(dispute: Dispute, by, reasons: str) -> None:
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


# -------------------------------------------------------------- 4. 调 mediate


@transaction.atomic
def record_session(
    *, dispute: Dispute, by, at: dt.datetime, place: str, attendees: str, minutes: str
) -> Session:
    """调: a mediation session with its minutes (调解笔录)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.MEDIATE, "调解前须完成风险评估 / assess the risk before mediating")
    _not_after(dispute, Step.MEDIATE, "调解已结束 / mediation is over")
    _required(place=place, attendees=attendees, minutes=minutes)
    _past(at, dispute, "调解")
    session = Session.objects.create(
        dispute=dispute,
        by=by,
        at=at,
        place=place.strip()[:200],
        attendees=attendees.strip()[:300],
        minutes=minutes.strip(),
    )
    _done(dispute, Appointment.Kind.SESSION, at)
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


@transaction.atomic
def conclude(*, dispute: Dispute, by, conclusion: Conclusion) -> Dispute:
    """调: the outcome of mediation. An agreement (or a partial one) needs
    the facts, what each party will do by when, and how it is performed;
    it takes effect when signed (``sign_agreement``). A failure needs the
    route offered (litigation, arbitration, an administrative channel) and
    keeps the case open for follow-up."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.MEDIATE, "调解前须完成风险评估 / assess the risk before mediating")
    _not_after(dispute, Step.MEDIATE, "调解结果已记录 / the outcome is already recorded")
    if not dispute.sessions.exists():
        _refuse("须先记录至少一次调解笔录 / record at least one session's minutes first")
    c = conclusion
    draft = Agreement.objects.filter(dispute=dispute, signed_at=None).first()
    if dispute.outcome and not (draft and c.outcome == Outcome.FAILED):
        # (the parties refusing to sign the draft is a failure: it replaces the draft)
        _refuse("调解结果已记录，待签署协议 / the outcome is recorded; the agreement awaits signing")
    if c.outcome not in Outcome.values:
        raise ValidationError({"outcome": f"未知结果 / unknown outcome {c.outcome!r}"})
    errors = {}
    if c.outcome in (Outcome.FAILED, Outcome.PARTIAL) and c.route not in Route.values:
        errors["route"] = "须告知当事人其他解决途径 / say which route the parties were offered"
    if c.outcome in (Outcome.AGREEMENT, Outcome.PARTIAL):
        for name in ("facts", "terms", "performance"):
            if not getattr(c, name).strip():
                errors[name] = "协议书必填 / required in an agreement"
        if not c.obligations:
            errors["obligations"] = "须列明至少一项履行事项 / list at least one obligation"
        parties = set(dispute.parties.values_list("pk", flat=True))
        for item in c.obligations:
            if item.party.pk not in parties:
                errors["obligations"] = (
                    "履行方须为本案当事人 / an obligation must name a party of this dispute"
                )
            elif not item.what.strip():
                errors["obligations"] = "履行事项不能为空 / describe each obligation"
            elif item.due_on < _today():
                errors["obligations"] = "履行期限不能早于今天 / an obligation cannot be due in the past"
    if c.outcome == Outcome.FAILED and not c.note.strip():
        errors["note"] = "须写明调解不成的原因 / say why mediation failed"
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    dispute.outcome, dispute.route = c.outcome, c.route if c.outcome != Outcome.AGREEMENT else ""
    data = {"outcome": c.outcome, "route": dispute.route, "level": dispute.level}
    if c.outcome == Outcome.FAILED:
        if draft:
            data["withdrawn"] = draft.number
            draft.delete()
        dispute.concluded_at = now
        _move_to(dispute, Step.CLEAR, now)
    else:
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
        data["agreement"] = agreement.number
    dispute.save()
    cases.log_event(case=dispute.case, action="dispute_conclude", by=by, note=c.note.strip()[:500], data=data)
    return dispute


@transaction.atomic
def sign_agreement(*, dispute: Dispute, by, signed_at: dt.datetime) -> Agreement:
    """The parties and the mediator signed the printed agreement and the
    committee sealed it: it takes effect, the obligations' clocks run and
    the 30-day window for judicial confirmation opens."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    agreement = Agreement.objects.select_for_update().filter(dispute=dispute).first()
    if agreement is None:
        _refuse("尚未拟定调解协议书 / there is no agreement to sign")
    if agreement.signed_at:
        _refuse("协议书已签署生效 / the agreement is already in effect")
    _past(signed_at, dispute, "签署")
    if signed_at < agreement.drafted_at - dt.timedelta(days=1):
        raise ValidationError({"signed_at": "签署时间早于协议拟定 / signed before it was drafted"})
    calendar = work_calendar()
    effective = signed_at.astimezone(calendar.tz).date()
    agreement.signed_at = signed_at
    agreement.confirmation_due, agreement.confirmation_warn_on = deadlines.confirmation_window(
        effective, calendar, warn_workdays=settings.MEDIATION_CONFIRMATION_WARN_WORKDAYS
    )
    agreement.save()
    now = clock.now()
    dispute.concluded_at = signed_at
    _move_to(dispute, Step.CLEAR, now)
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


@transaction.atomic
def extend(
    *, dispute: Dispute, by, until: dt.datetime, consenting: Sequence[Party], note: str = ""
) -> Dispute:
    """Extend the mediation beyond its time limit — only with the consent
    of every party (recorded by name)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _not_after(dispute, Step.MEDIATE, "调解已结束，无需延期 / mediation is over")
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


# ---------------------------------------------------------------- 5. 清 clear


@transaction.atomic
def record_performance(*, obligation: Obligation, by, performed_on: dt.date, note: str = "") -> Obligation:
    """A party did what it agreed to (履行)."""
    dispute = _lock(obligation.agreement.dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.CLEAR, "协议书生效后才能记录履行 / the agreement is not in effect yet")
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.performed_on:
        _refuse("该事项已记录履行 / already recorded as performed")
    if performed_on > _today():
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


@transaction.atomic
def record_follow_up(
    *, dispute: Dispute, by, at: dt.datetime, place: str, met: str, findings: str, satisfaction: int
) -> Visit:
    """回访: after the agreement (or the failure), ask the parties how it
    stands and how satisfied they are (1–5)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.CLEAR, "调解结束后才能回访 / follow-ups come after the mediation")
    _required(place=place, met=met, findings=findings)
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": "满意度为1–5 / satisfaction is 1–5"})
    _past(at, dispute, "回访")
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
    _done(dispute, Appointment.Kind.FOLLOW_UP, at)
    cases.log_event(
        case=dispute.case,
        action="mediation_follow_up",
        by=by,
        note=findings.strip()[:500],
        data={"visit": visit.pk, "satisfaction": satisfaction},
    )
    return visit


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
    decided, or the parties declined to apply (recorded, so no warning)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    agreement = Agreement.objects.select_for_update().filter(dispute=dispute, signed_at__isnull=False).first()
    if agreement is None:
        _refuse("没有已生效的调解协议 / there is no agreement in effect")
    if agreement.confirmation_result or agreement.confirmation_waived:
        _refuse("司法确认已有结果 / the judicial confirmation is already decided or waived")
    today = _today()
    if waived:
        if agreement.confirmation_applied_on:
            _refuse("已申请司法确认，请记录法院裁定 / already applied: record the court's decision")
        agreement.confirmation_waived = True
        agreement.save()
        cases.log_event(case=dispute.case, action="confirmation_waive", by=by)
        return agreement
    if not agreement.confirmation_applied_on:  # the application, on its own or with the decision
        _required(court=court)
        if applied_on is None or applied_on > today:
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
    elif not decided_on:
        _refuse("已记录申请，请记录法院裁定 / the application is recorded: record the court's decision")
    if not decided_on:
        return agreement
    if result not in ("confirmed", "rejected"):
        raise ValidationError({"result": "须选择裁定结果 / choose the court's decision"})
    if not agreement.confirmation_applied_on <= decided_on <= today:
        raise ValidationError(
            {"decided_on": "裁定日期须在申请之后、不晚于今天 / after the application, not in the future"}
        )
    agreement.confirmation_decided_on, agreement.confirmation_result = decided_on, result
    action, data = "confirmation_decide", {"result": result}
    agreement.save()
    cases.log_event(case=dispute.case, action=action, by=by, data=data)
    return agreement


@transaction.atomic
def hand_over(*, dispute: Dispute, by, to: str, note: str = "") -> Dispute:
    """Hand the dispute to a court (or the arbitration/administrative body
    offered) after a failure or a party's non-performance."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _at_least(dispute, Step.CLEAR, "调解结束后才能移交 / only after mediation")
    _required(to=to)
    if dispute.handed_over_at:
        _refuse(f"已移交{dispute.handed_over_to} / already handed over")
    if (
        dispute.outcome == Outcome.AGREEMENT
        and not dispute.agreement.obligations.filter(performed_on__isnull=True).exists()
    ):
        _refuse("协议已全部履行，无需移交 / every obligation is performed")
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
    else:
        open_items = agreement.obligations.filter(performed_on__isnull=True).count()
        if open_items:
            missing.append(f"尚有{open_items}项协议未履行 / {open_items} obligation(s) not yet performed")
        if not (
            agreement.confirmation_applied_on
            or agreement.confirmation_waived
            or _today() > agreement.confirmation_due
        ):
            missing.append(
                "司法确认：须记录申请或当事人放弃 / record the judicial confirmation or its waiver"
            )
    return missing


def _reworked(dispute: Dispute) -> bool:
    return dispute.step == Step.DONE and dispute.case.status == Status.HANDLING


@transaction.atomic
def clear(*, dispute: Dispute, by, summary: str) -> Dispute:
    """清: 案结事了 — the obligations are met (or the dispute is with a court)
    and the parties were followed up; the case goes to the dispatcher to
    verify and close (archive)."""
    dispute = _lock(dispute)
    _check_mediator(dispute, by)
    _required(summary=summary)
    if missing := clear_blockers(dispute):
        _refuse("不能结案：" + "；".join(missing))
    now = clock.now()
    dispute.cleared_at, dispute.step, dispute.step_due_at = now, Step.DONE, None
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


# ----------------------------------------------------------------- worker


@dataclass
class SweepReport:
    risk_checks: int = 0
    confirmation_warnings: int = 0
    overdue_obligations: int = 0
    overdue_steps: int = 0

    def total(self) -> int:
        return self.risk_checks + self.confirmation_warnings + self.overdue_obligations + self.overdue_steps


def sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """The worker's mediation pass: the daily check of high-risk disputes,
    the judicial-confirmation warning before its window lapses, overdue
    obligations, and steps past their time (the mediator is told, the
    dispatchers too when a step is overdue). The 30-day limit itself is
    the case's deadline, swept by the case core."""
    now = now or clock.now()
    today = now.astimezone(work_calendar().tz).date()
    report = SweepReport()
    for dispute in Dispute.objects.filter(risk=Risk.HIGH, risk_check_due_at__lte=now).select_related("case"):
        with transaction.atomic():
            dispute = _lock(dispute)
            if dispute.risk != Risk.HIGH or not dispute.risk_check_due_at or dispute.risk_check_due_at > now:
                continue
            dispute.risk_check_due_at = now + dt.timedelta(days=1)
            dispute.save(update_fields=["risk_check_due_at"])
            cases.log_event(
                case=dispute.case, action="risk_check_due", by=None, note="高风险每日跟踪 / daily check"
            )
            _tell(
                dispute,
                "dispute_risk_check",
                f"高风险纠纷今日跟踪：{dispute.case.number}",
                "请走访并重新评估风险等级",
                dispatchers=False,
            )
            report.risk_checks += 1
    agreements = Agreement.objects.filter(
        confirmation_warned=False,
        confirmation_warn_on__lte=today,
        confirmation_applied_on=None,
        confirmation_waived=False,
        confirmation_due__gte=today,
        dispute__cleared_at=None,
    ).select_related("dispute__case")
    for agreement in agreements:
        with transaction.atomic():
            dispute = _lock(agreement.dispute)
            if Agreement.objects.filter(pk=agreement.pk, confirmation_warned=False).update(
                confirmation_warned=True
            ):
                cases.log_event(
                    case=dispute.case,
                    action="confirmation_warn",
                    by=None,
                    data={"due": agreement.confirmation_due.isoformat()},
                )
                _tell(
                    dispute,
                    "confirmation_window",
                    f"司法确认申请期限将至：{dispute.case.number}",
                    f"协议书 {agreement.number} 须于 {agreement.confirmation_due} 前申请司法确认",
                    dispatchers=False,
                )
                report.confirmation_warnings += 1
    overdue = Obligation.objects.filter(
        performed_on=None,
        due_on__lt=today,
        overdue_noted=False,
        agreement__signed_at__isnull=False,
        agreement__dispute__cleared_at=None,
    ).select_related("agreement__dispute__case", "party")
    for obligation in overdue:
        with transaction.atomic():
            dispute = _lock(obligation.agreement.dispute)
            if Obligation.objects.filter(pk=obligation.pk, overdue_noted=False).update(overdue_noted=True):
                cases.log_event(
                    case=dispute.case,
                    action="obligation_overdue",
                    by=None,
                    note=f"{obligation.party}：{obligation.what}",
                    data={"obligation": obligation.pk},
                )
                _tell(
                    dispute,
                    "obligation_overdue",
                    f"协议未按期履行：{dispute.case.number}",
                    f"{obligation.party}：{obligation.what}（期限 {obligation.due_on}）",
                    dispatchers=True,
                )
                report.overdue_obligations += 1
    for dispute in Dispute.objects.filter(step_overdue=False, step_due_at__lte=now).select_related("case"):
        with transaction.atomic():
            dispute = _lock(dispute)
            if dispute.step_overdue or not dispute.step_due_at or dispute.step_due_at > now:
                continue
            dispute.step_overdue = True
            dispute.save(update_fields=["step_overdue"])
            label = str(Step(dispute.step).label)
            cases.log_event(
                case=dispute.case,
                action="step_overdue",
                by=None,
                note=label,
                data={"step": dispute.step, "due": dispute.step_due_at.isoformat()},
            )
            _tell(
                dispute,
                "dispute_step_overdue",
                f"调解步骤超时：{dispute.case.number}",
                label,
                dispatchers=True,
            )
            report.overdue_steps += 1
    return report


def _tell(dispute: Dispute, kind: str, title: str, body: str, *, dispatchers: bool) -> None:
    people = [dispute.mediator.user] if dispute.mediator_id else []
    if dispatchers or not people:
        people += cases.dispatchers_for(dispute.case)
    notify(recipients=people, case=dispute.case, kind=kind, title=title, body=body)
