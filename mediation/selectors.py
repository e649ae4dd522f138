"""Reads for mediation, always scoped to the user: the disputes they may
see, mediator suggestions with conflicts of interest, the mediator's day,
and the dispute figures computed from the case event log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from accounts.models import RoleCode, User
from cases import contact
from cases.models import Case, CaseEvent, CaseKind
from cases.selectors import cases_for
from changan import clock
from mediation import agreement_pdf as pdf
from mediation.models import (
    Agreement,
    Appointment,
    Dispute,
    Level,
    Mediator,
    MediatorKind,
    Obligation,
    PartyKind,
    Step,
)
from regions.codes import prefix_of
from regions.selectors import staff_covering


def disputes_for(user) -> QuerySet[Dispute]:
    """The disputes whose cases the user may see (the case core's rule)."""
    return Dispute.objects.filter(case__in=cases_for(user).values("pk")).select_related(
        "case", "dispute_type", "mediator__user"
    )


def dispute_for(user, pk: int) -> Dispute:
    dispute = disputes_for(user).filter(pk=pk).select_related("mediator__committee").first()
    if dispute is None:
        raise Http404("没有这个纠纷，或不在您的数据范围内 / no such dispute in your scope")
    return dispute


def leaders_for(case: Case) -> QuerySet[User]:
    """The leaders who may take a dispute on (包案): those whose data scope
    covers the case's place — its county's, or the city's. The registration
    page offers these, and a posted choice is checked against them."""
    return staff_covering(case.area_id, RoleCode.LEADER).order_by("username")


# ------------------------------------------------------------ 选: suggestions


def conflicts_of(mediator: Mediator, dispute: Dispute) -> list[str]:
    """Why ``mediator`` must stand aside (回避) for ``dispute``: a party is
    the mediator, a declared relation, or lives in the mediator's grid
    (a neighbour). Empty when there is no conflict."""
    reasons = []
    own_phone = _phone_digest(mediator.user.phone) if mediator.user.phone else ""
    ties = list(mediator.ties.all())
    for party in dispute.parties.all():
        if own_phone and party.phone_digest == own_phone:
            reasons.append(f"调解员本人是当事人（{party.name}） / the mediator is a party")
            continue
        for tie in ties:
            same_id = tie.id_digest and tie.id_digest == party.id_digest
            if same_id or tie.person_name == party.name:
                reasons.append(f"与当事人{party.name}系{tie.relation}（回避申报） / declared relation")
                break
        else:
            if mediator.home_grid_id and party.grid_id == mediator.home_grid_id:
                reasons.append(
                    f"与当事人{party.name}同住{mediator.home_grid.name}，系邻里 / lives next to a party"
                )
    return reasons


def _phone_digest(phone: str) -> str:
    try:
        return contact.phone_digest(contact.normalise_phone(phone))
    except ValueError:
        return ""


@dataclass
class Candidate:
    mediator: Mediator
    score: float
    reasons: list[str]
    load: int
    excluded: list[str] = field(default_factory=list)


KIND_WEIGHT = {
    MediatorKind.PROFESSIONAL: 30,
    MediatorKind.INDUSTRY: 25,
    MediatorKind.TOWNSHIP: 15,
    MediatorKind.VILLAGE: 10,
}


def suggest_mediators(dispute: Dispute) -> list[Candidate]:
    """The pool that may take the dispute, best first, and the excluded
    ones with why: professional and industry mediators of the county (and
    the city) first where they know the dispute type, the township's and
    the village's committees behind them — the village's first for a
    simple village matter (小事不出村) — less for each open dispute."""
    case = dispute.case
    township, county = case.area_id[:9] + "000", case.area_id[:6] + "000000"
    # The village of the case and those the parties live in (by their grid).
    # The parties are read once here for every mediator's conflict check.
    prefetch_related_objects([dispute], "parties")
    villages = {case.area_id, *(p.grid_id[:12] for p in dispute.parties.all() if p.grid_id)}
    city = case.area_id[:4] + "00000000"
    pool = (
        Mediator.objects.filter(is_active=True)
        .filter(
            Q(
                kind__in=(MediatorKind.PROFESSIONAL, MediatorKind.INDUSTRY),
                committee__area_id__in=(county, city, township),
            )
            | Q(kind=MediatorKind.TOWNSHIP, committee__area_id=township)
            | Q(kind=MediatorKind.VILLAGE, committee__area_id__in=villages)
        )
        .select_related("user", "committee", "home_grid")
        .prefetch_related("expertise", "ties")
    )
    mediators = list(pool)
    load = dict(
        Dispute.objects.filter(mediator__in=mediators, cleared_at=None)
        .values("mediator")
        .annotate(n=Count("pk"))
        .values_list("mediator", "n")
    )
    found = []
    for m in mediators:
        reasons, score = [str(m.get_kind_display())], KIND_WEIGHT[MediatorKind(m.kind)]
        if any(t.pk == dispute.dispute_type_id for t in m.expertise.all()):
            score += 40 if m.kind in (MediatorKind.PROFESSIONAL, MediatorKind.INDUSTRY) else 20
            reasons.append(f"擅长{dispute.dispute_type}")
        elif m.kind in (MediatorKind.PROFESSIONAL, MediatorKind.INDUSTRY):
            score -= 30  # a specialist outside their field is not the first choice
        if m.kind == MediatorKind.VILLAGE and dispute.level == Level.VILLAGE:
            score += 25
            reasons.append("本村调解，小事不出村")
        if m.kind == MediatorKind.TOWNSHIP and dispute.level == Level.TOWNSHIP:
            score += 15
            reasons.append("乡镇调委会，大事不出镇")
        n = load.get(m.pk, 0)
        score -= 5 * n
        reasons.append(f"在办{n}件")
        excluded = conflicts_of(m, dispute)
        if n >= m.max_load:
            excluded.append(f"已满负荷（{n}/{m.max_load}） / at full load")
        found.append(Candidate(m, score, reasons, n, excluded))
    found.sort(key=lambda c: (bool(c.excluded), -c.score, c.mediator.pk))
    return found


# ---------------------------------------------------------------- workspace


@dataclass
class Workspace:
    by_step: dict[str, list[Dispute]]
    appointments: list[Appointment]
    due_obligations: list[Obligation]
    confirmations: list[Agreement]


def workspace(user, *, today: dt.date | None = None) -> Workspace:
    """A mediator's desk: their open disputes by step; today's planned
    visits and sessions; obligations and confirmation windows due within a
    week. A coordinator sees the disputes of their scope instead."""
    today = today or clock.today()
    week = today + dt.timedelta(days=7)
    mine = disputes_for(user).exclude(step=Step.DONE)
    if hasattr(user, "mediator"):
        mine = mine.filter(mediator__user=user)
    by_step: dict[str, list[Dispute]] = {s: [] for s in Step.values if s != Step.DONE}
    for d in mine.order_by("due_at", "pk")[:500]:
        by_step[d.step].append(d)
    ids = [d.pk for items in by_step.values() for d in items]
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return Workspace(
        by_step=by_step,
        appointments=list(
            Appointment.objects.filter(dispute__in=ids, at__gte=start, at__lt=start + dt.timedelta(days=1))
            .select_related("dispute__case")
            .order_by("at")
        ),
        due_obligations=list(
            Obligation.objects.filter(agreement__dispute__in=ids, performed_on=None, due_on__lte=week)
            .select_related("agreement__dispute__case", "party")
            .order_by("due_on")
        ),
        confirmations=list(
            Agreement.objects.filter(
                dispute__in=ids,
                confirmation_due__gte=today,
                confirmation_due__lte=week + dt.timedelta(days=7),
                confirmation_applied_on=None,
                confirmation_waived=False,
            ).select_related("dispute__case")
        ),
    )


# ------------------------------------------------------------------ figures

FIGURE_ACTIONS = (
    "dispute_register",
    "mediator_choose",
    "dispute_conclude",
    "agreement_sign",
    "confirmation_apply",
    "confirmation_decide",
    "mediation_follow_up",
    "dispute_clear",
)


@dataclass
class DisputeFigures:
    """One row of the dispute figures (an area, or the total)."""

    code: str
    name: str
    found: int = 0  # 排查发现 (registered)
    accepted: int = 0  # 受理调解 (a mediator chosen)
    agreements: int = 0  # 达成协议 (signed, full or partial)
    resolved: int = 0  # 化解 (a full agreement in effect)
    failed: int = 0  # 调解不成
    cleared: int = 0  # 案结事了
    days: list[float] = field(default_factory=list)  # receipt → resolution, per resolved dispute
    levels: Counter = field(default_factory=Counter)  # where resolved: village/township/county
    confirmations_applied: int = 0
    confirmations: int = 0  # 司法确认 (confirmed by a court)
    obligations_due: int = 0
    obligations_performed: int = 0
    follow_ups: int = 0  # 回访 with a satisfaction rating
    satisfied: int = 0  # … rated 3 (基本满意) or better

    @property
    def resolution_rate(self) -> float | None:  # 化解率 = 化解 ÷ 排查发现
        return _pct(self.resolved, self.found)

    @property
    def success_rate(self) -> float | None:  # 调解成功率 = 化解 ÷ (达成协议 + 调解不成)
        return _pct(self.resolved, self.agreements + self.failed)

    @property
    def average_days(self) -> float | None:
        return round(sum(self.days) / len(self.days), 1) if self.days else None

    def level_share(self, level: str) -> float | None:
        return _pct(self.levels[level], self.resolved)

    @property
    def village_share(self) -> float | None:
        return self.level_share(Level.VILLAGE)

    @property
    def township_share(self) -> float | None:
        return self.level_share(Level.TOWNSHIP)

    @property
    def county_share(self) -> float | None:
        return self.level_share(Level.COUNTY)

    @property
    def performance_rate(self) -> float | None:  # 履行率
        return _pct(self.obligations_performed, self.obligations_due)

    @property
    def satisfaction_rate(self) -> float | None:  # 回访满意率
        return _pct(self.satisfied, self.follow_ups)


def _pct(num: int, den: int) -> float | None:
    return round(100 * num / den, 1) if den else None


def dispute_figures(
    *, area_code: str, start: dt.date, end: dt.date, children: dict[str, str], today: dt.date | None = None
) -> tuple[DisputeFigures, list[DisputeFigures]]:
    """The dispute figures of an area for the days ``start``…``end``
    (inclusive), in total and per child area (``children``: code → name),
    read from the case event log: each count is the events of that kind in
    the period. Obligations count by their due date (those due in the
    period and by ``today``), performed whenever they were. The caller has
    checked that the area is in the user's scope."""
    today = today or clock.today()
    prefix = prefix_of(area_code)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    events = CaseEvent.objects.filter(
        case__kind=CaseKind.DISPUTE,
        case__area__code__startswith=prefix,
        action__in=FIGURE_ACTIONS,
        at__gte=since,
        at__lt=until,
    ).values_list("case_id", "case__area_id", "case__received_at", "action", "data", "at")
    child_len = len(prefix_of(next(iter(children)))) if children else len(prefix)
    rows = {code: DisputeFigures(code, name) for code, name in children.items()}
    by_prefix = {prefix_of(code): row for code, row in rows.items()}
    total = DisputeFigures(area_code, "合计")

    def rows_of(area_id: str) -> list[DisputeFigures]:
        row = by_prefix.get(area_id[:child_len])
        return [total, row] if row else [total]

    for _case, area_id, received_at, action, data, at in events.iterator():
        for row in rows_of(area_id):
            _count(row, action, data or {}, at, received_at)
    # Obligations: from the agreements' events (whenever signed), performed
    # per the perform events (whenever recorded).
    signed = CaseEvent.objects.filter(
        case__kind=CaseKind.DISPUTE, case__area__code__startswith=prefix, action="agreement_sign"
    ).values_list("case__area_id", "data")
    performed = set(
        CaseEvent.objects.filter(
            case__kind=CaseKind.DISPUTE, case__area__code__startswith=prefix, action="obligation_perform"
        ).values_list("data__obligation", flat=True)
    )
    last = min(end, today)
    for area_id, data in signed.iterator():
        for item in (data or {}).get("obligations", []):
            due = dt.date.fromisoformat(item["due_on"])
            if start <= due <= last:
                for row in rows_of(area_id):
                    row.obligations_due += 1
                    row.obligations_performed += item["id"] in performed
    return total, list(rows.values())


def _count(row: DisputeFigures, action: str, data: dict, at: dt.datetime, received_at: dt.datetime) -> None:
    if action == "dispute_register":
        row.found += 1
    elif action == "mediator_choose" and data.get("previous") is None:
        row.accepted += 1
    elif action == "dispute_conclude" and data.get("outcome") == "failed":
        row.failed += 1
    elif action == "agreement_sign":
        row.agreements += 1
        if data.get("outcome") == "agreement":
            row.resolved += 1
            row.days.append((at - received_at).total_seconds() / 86400)
            row.levels[data.get("level", "")] += 1
    elif action == "confirmation_apply":
        row.confirmations_applied += 1
    elif action == "confirmation_decide" and data.get("result") == "confirmed":
        row.confirmations += 1
    elif action == "mediation_follow_up":
        row.follow_ups += 1
        row.satisfied += int(data.get("satisfaction", 0) >= 3)
    elif action == "dispute_clear":
        row.cleared += 1


# ---------------------------------------------------------------- agreement


def agreement_document(agreement: Agreement):
    """The printable agreement (mediation.agreement_pdf) of ``agreement``."""
    dispute = agreement.dispute
    signed = timezone.localtime(agreement.signed_at) if agreement.signed_at else None
    year = (signed or clock.localtime()).year  # ages as on the day it is signed
    parties = []
    for p in dispute.parties.all():
        if p.kind == PartyKind.ORGANISATION:
            facts = [f"法定代表人/负责人：{p.occupation or '—'}", f"住所：{p.address or '—'}"]
            if p.id_masked:
                facts.append(f"统一社会信用代码：{p.id_masked}")
        else:
            facts = [
                p.gender or "性别—",
                f"{year - p.birth_year}岁" if p.birth_year else "年龄—",
                p.ethnicity or "民族—",
                p.occupation or "职业—",
                f"住{p.address or '—'}",
            ]
            if p.id_masked:
                facts.append(f"身份证号码：{p.id_masked}")
        parties.append(
            pdf.PartyLine(p.get_side_display(), p.name, "，".join(facts), p.kind == PartyKind.ORGANISATION)
        )
    obligations = [
        pdf.ObligationLine(o.party.name, o.what, f"{o.due_on:%Y年%m月%d日}")
        for o in agreement.obligations.select_related("party")
    ]
    return pdf.AgreementDocument(
        number=agreement.number,
        committee=(agreement.committee or dispute.mediator.committee).name,
        mediator=str(dispute.mediator),
        title=dispute.dispute_type.name,
        parties=parties,
        facts=agreement.facts,
        terms=agreement.terms,
        obligations=obligations,
        performance=agreement.performance,
        partial=agreement.partial,
        date=f"{signed:%Y年%m月%d日}" if signed else "",
    )
