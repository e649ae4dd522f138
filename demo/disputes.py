"""The demo city's mediators and disputes.

Mediators: every township's and village's people's mediation committee
gets mediators (two and one), and every county a medical, a traffic, a
wages and a property committee (行业性、专业性调解) with one mediator each;
the demo login ``mediator`` (陈调解, 钜桥镇) is one of 钜桥镇's. Homes are
grids of their own village or township (for conflicts of interest), and a
few declare a relative (回避申报).

Disputes: started at spread-out moments over the last four months and
played forward through the five steps with the real services, each step
at its own time, until today — so the newest wait for a mediator and the
oldest are archived, and every step has disputes in it. A share of them
are in 钜桥镇 and go to 陈调解."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from accounts.models import RoleCode, User
from cases import services as case_services
from cases.models import Channel
from changan import clock
from demo import outbox
from demo.names import person_names
from demo.staff import SEED as CITY_SEED
from demo.staff import create_staff
from mediation import selectors, services
from mediation.models import (
    DisputeType,
    Level,
    Mediator,
    MediatorKind,
    MediatorTie,
    Outcome,
    Risk,
    Route,
    Side,
)
from orgs.models import OrgUnit, OrgUnitKind, Sector
from orgs.services import ensure_unit
from regions.models import Area, AreaLevel, Grid

SEED = 2031
HOME_TOWNSHIP = "410611101000"  # 钜桥镇, 淇滨区: where the five-step method comes from
COUNTY_COMMITTEES = (
    # name suffix, kind, dispute types
    ("医疗纠纷人民调解委员会", MediatorKind.INDUSTRY, ("medical",)),
    ("道路交通事故纠纷人民调解委员会", MediatorKind.INDUSTRY, ("traffic",)),
    ("劳资纠纷人民调解委员会", MediatorKind.INDUSTRY, ("wages", "construction")),
    ("物业纠纷人民调解委员会", MediatorKind.PROFESSIONAL, ("property", "consumer")),
)
GENERAL_TYPES = ("neighbour", "family", "land_housing", "requisition", "other")

# What each type of dispute says (title, description, the obligation agreed).
STORIES = {
    "neighbour": (
        "邻里因漏水发生纠纷",
        "楼上卫生间漏水致楼下墙面发霉，多次协商未果，双方争吵。",
        "修复卫生间防水并赔偿楼下墙面修复费用",
    ),
    "family": (
        "赡养老人问题家庭矛盾",
        "兄弟二人因父母赡养费分摊发生争执，老人生活无着。",
        "每月按时支付父母赡养费",
    ),
    "land_housing": ("宅基地边界纠纷", "两户因宅基地界墙位置发生争执，一方拆除界墙。", "按原界址恢复界墙"),
    "requisition": (
        "征地补偿分配纠纷",
        "村民小组征地补偿款分配方案有争议，部分村民不满。",
        "按调解方案发放补偿款",
    ),
    "wages": (
        "工地拖欠农民工工资",
        "某工地拖欠十余名工人三个月工资，工人多次讨要未果。",
        "分两期支付拖欠工资",
    ),
    "property": (
        "物业费与停车收费纠纷",
        "业主认为物业服务不到位拒交物业费，物业公司停止门禁卡。",
        "恢复门禁服务并按约缴纳物业费",
    ),
    "consumer": ("预付卡退费纠纷", "健身房关门后会员要求退还预付卡余额。", "退还预付卡余额"),
    "traffic": (
        "交通事故赔偿纠纷",
        "电动车与小轿车相撞致一人受伤，双方对赔偿金额有争议。",
        "一次性支付医疗费、误工费等赔偿",
    ),
    "medical": ("医疗费用争议", "患者家属认为诊疗存在过错，要求医院赔偿。", "医院给予一次性补偿"),
    "construction": ("建房工程款纠纷", "村民自建房完工后与施工队就尾款结算发生争执。", "结清工程尾款"),
    "other": ("相邻通行纠纷", "一户在共用通道堆放杂物，影响邻居通行。", "清理通道杂物并保持畅通"),
}
TYPE_WEIGHTS = {
    "neighbour": 6,
    "family": 3,
    "land_housing": 4,
    "requisition": 1,
    "wages": 3,
    "property": 3,
    "consumer": 1,
    "traffic": 2,
    "medical": 1,
    "construction": 1,
    "other": 2,
}


def build_mediators() -> int:
    """Mediator profiles for the pool (safe to run again: existing ones stay)."""
    if Mediator.objects.exists():
        return Mediator.objects.count()
    rng = np.random.default_rng(CITY_SEED + 31)
    wanted: list[
        tuple[str, OrgUnit, str, tuple[str, ...], str]
    ] = []  # username, committee, kind, types, home
    for county in Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"):
        justice = OrgUnit.objects.filter(
            area=county, sector=Sector.JUSTICE, kind=OrgUnitKind.COUNTY_DEPARTMENT
        ).first()
        for suffix, kind, types in COUNTY_COMMITTEES:
            committee, _ = ensure_unit(
                name=f"{county.name}{suffix}",
                kind=OrgUnitKind.MEDIATION_COMMITTEE,
                area_code=county.code,
                parent=justice,
                sector=Sector.JUSTICE,
            )
            wanted.append((f"mediator_{county.code[:6]}_{types[0]}", committee, kind, types, county.code[:6]))
    committees = OrgUnit.objects.filter(kind=OrgUnitKind.MEDIATION_COMMITTEE).select_related("area")
    for committee in committees.filter(area__level=AreaLevel.TOWNSHIP).order_by("area_id"):
        for n in (1, 2):
            types = tuple(rng.choice(GENERAL_TYPES, size=3, replace=False))
            wanted.append(
                (
                    f"mediator_{committee.area_id[:9]}_{n}",
                    committee,
                    MediatorKind.TOWNSHIP,
                    types,
                    committee.area_id[:9],
                )
            )
    for committee in committees.filter(area__level=AreaLevel.VILLAGE).order_by("area_id"):
        wanted.append(
            (
                f"mediator_{committee.area_id}",
                committee,
                MediatorKind.VILLAGE,
                ("neighbour", "family", "land_housing"),
                committee.area_id,
            )
        )
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    names = person_names(rng, len(wanted))
    create_staff(
        [
            (w[0], names[i], "", w[1].pk, RoleCode.MEDIATOR)
            for i, w in enumerate(wanted)
            if w[0] not in existing
        ]
    )
    users = dict(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", "pk"))
    # Homes: a grid of the mediator's own village (township: of its township).
    grids: dict[str, list[str]] = {}
    for code in Grid.objects.order_by("code").values_list("code", flat=True):
        grids.setdefault(code[:12], []).append(code)
        grids.setdefault(code[:9], []).append(code)
    profiles = []
    for username, committee, kind, _types, home in wanted:
        choices = grids.get(home[:12] if len(home) == 12 else home[:9]) if len(home) >= 9 else None
        grid = choices[int(rng.integers(len(choices)))] if choices else None
        profiles.append(
            Mediator(
                user_id=users[username],
                committee=committee,
                kind=kind,
                home_grid_id=grid,
                home_area_id=grid[:12] if grid else None,
            )
        )
    demo_user = User.objects.filter(username="mediator").first()
    if demo_user:
        home = OrgUnit.objects.get(pk=demo_user.org_unit_id)
        grid = Grid.objects.filter(code__startswith=home.area_id[:9]).order_by("code").first()
        profiles.append(
            Mediator(
                user=demo_user,
                committee=home,
                kind=MediatorKind.TOWNSHIP,
                home_grid=grid,
                home_area_id=grid.code[:12] if grid else None,
            )
        )
    Mediator.objects.bulk_create(profiles, batch_size=1000)
    link = Mediator.expertise.through
    by_user = dict(Mediator.objects.values_list("user_id", "pk"))
    rows = [
        link(mediator_id=by_user[users[u]], disputetype_id=t)
        for u, _c, _k, types, _h in wanted
        for t in types
    ]
    if demo_user:
        rows += [
            link(mediator_id=by_user[demo_user.pk], disputetype_id=t)
            for t in ("neighbour", "family", "land_housing", "property")
        ]
    link.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if demo_user:  # 陈调解 declared a cousin: a dispute with her must go to someone else
        MediatorTie.objects.create(mediator_id=by_user[demo_user.pk], person_name="陈桂芳", relation="表姐")
    return Mediator.objects.count()


def simulate_disputes(
    *, count: int = 60, seed: int = SEED, progress: Callable = lambda items, **_: items
) -> dict:
    """Start ``count`` disputes over the last 120 days and play each forward
    through the steps with the services, each action at its own moment."""
    rng = np.random.default_rng(seed)
    now = clock.now()
    types = list(TYPE_WEIGHTS)
    weights = np.array([TYPE_WEIGHTS[t] for t in types], float)
    weights /= weights.sum()
    townships = list(Area.objects.filter(level=AreaLevel.TOWNSHIP).values_list("code", flat=True))
    # Ages in days: one dispute just past each step's moment (so every step
    # holds some today), the rest spread over four months.
    recent = [0.1, 0.9, 1.2, 2.0, 3.2, 5.5, 6.05, 7.5, 12.0, 20.0]
    ages = np.concatenate([recent, rng.uniform(8, 120, max(0, count - len(recent)))])[:count]
    stats = {"disputes": 0, "steps": 0}
    first_delivery = outbox.last_delivery_id()
    for i in progress(range(count), desc="disputes"):
        township = HOME_TOWNSHIP if i % 4 == 0 else townships[int(rng.integers(len(townships)))]
        grid = Grid.objects.filter(code__startswith=township[:9]).order_by("?").first()
        if grid is None:
            continue
        start = now - dt.timedelta(days=float(ages[i]))
        stats["steps"] += _play(
            rng, rng.choice(types, p=weights), grid, start, now, home=township == HOME_TOWNSHIP
        )
        stats["disputes"] += 1
    with clock.frozen_at(now):
        services.sweep(now=now)
    stats["messages"] = outbox.mark_sent_since(first_delivery)  # sent in their time, not by the worker
    return stats


def _play(rng, type_code: str, grid: Grid, start: dt.datetime, now: dt.datetime, *, home: bool) -> int:
    """One dispute from its report to wherever it has got by ``now``;
    returns the steps taken."""
    title, story, duty = STORIES[type_code]
    county = grid.code[:6]
    dispatcher = User.objects.get(username=f"dispatcher_{county}")
    names = person_names(rng, 2)
    done = 0

    def at(days: float) -> dt.datetime | None:
        moment = start + dt.timedelta(days=days)
        return moment if moment <= now else None

    with clock.frozen_at(start):
        case = case_services.receive_case(
            title=title,
            description=story,
            channel=str(rng.choice([Channel.QR, Channel.GRID_WORKER, Channel.HOTLINE])),
            lon=grid.centroid_lon,
            lat=grid.centroid_lat,
            address=grid.name,
            reporter_name=names[0],
            reporter_phone=f"139{int(rng.integers(10**7, 10**8))}",
        )
    if (t := at(0.05)) is None:
        return done
    level = Level.TOWNSHIP if home else str(rng.choice(Level.values, p=[0.55, 0.35, 0.10]))
    leader = User.objects.get(username=f"leader_{county}") if level == Level.COUNTY else None
    parties = [
        services.PartyInput(
            side=Side.APPLICANT,
            name=names[0],
            gender=str(rng.choice(["男", "女"])),
            birth_year=int(rng.integers(1950, 2000)),
            occupation="农民",
            address=grid.name,
            ethnicity="汉族",
            grid_code=grid.code,
            phone=f"138{int(rng.integers(10**7, 10**8))}",
        ),
        services.PartyInput(
            side=Side.RESPONDENT,
            name=names[1],
            gender=str(rng.choice(["男", "女"])),
            birth_year=int(rng.integers(1950, 2000)),
            occupation="个体",
            address=grid.name,
            ethnicity="汉族",
            phone=f"137{int(rng.integers(10**7, 10**8))}",
        ),
    ]
    with clock.frozen_at(t):
        dispute = services.register(
            case=case,
            by=dispatcher,
            dispute_type=DisputeType.objects.get(pk=type_code),
            parties=parties,
            summary=story,
            level=level,
            leader=leader,
            amount=None if type_code in GENERAL_TYPES[:2] else int(rng.integers(2, 200)) * 500,
        )
    done += 1
    if (t := at(0.6)) is None:
        return done
    with clock.frozen_at(t):
        candidates = [c for c in selectors.suggest_mediators(dispute) if not c.excluded]
        chosen = next(
            (c.mediator for c in candidates if home and c.mediator.user.username == "mediator"), None
        )
        if chosen is None and candidates:
            chosen = candidates[0].mediator
        if chosen is None:
            return done
        dispute = services.choose_mediator(dispute=dispute, by=dispatcher, mediator=chosen)
    mediator = chosen.user
    steps: list[tuple[float, Callable]] = [
        (0.8, lambda t: case_services.sign(case=dispute.case, by=mediator)),
        (
            1.5,
            lambda t: services.record_visit(
                dispute=dispute,
                by=mediator,
                at=t,
                place=grid.name,
                met=f"{names[0]}、{names[1]}",
                findings="分别听取双方陈述，查看现场，双方情绪基本平稳。",
            ),
        ),
    ]
    high = rng.random() < 0.12
    steps.append(
        (
            2.5,
            lambda t: services.assess_risk(
                dispute=dispute,
                by=mediator,
                level=Risk.HIGH if high else Risk.LOW,
                escalation=high,
                reasons="一方扬言上访并有过激言行" if high else "双方愿意协商，无激化迹象",
                measures="网格员每日走访，派出所民警参与稳控" if high else "网格员日常关注",
            ),
        )
    )
    if high:
        steps.append(
            (
                4.5,
                lambda t: services.assess_risk(
                    dispute=dispute,
                    by=mediator,
                    level=Risk.LOW,
                    reasons="经疏导情绪平稳，已无过激言行",
                    measures="网格员日常关注",
                ),
            )
        )
    steps.append(
        (
            5.0,
            lambda t: services.record_session(
                dispute=dispute,
                by=mediator,
                at=t,
                place=f"{grid.name[:6]}调解室",
                attendees=f"{names[0]}、{names[1]}、调解员",
                minutes="调解员释法明理，双方各自陈述诉求，经反复协商……",
            ),
        )
    )
    outcome = str(rng.choice(Outcome.values, p=[0.75, 0.1, 0.15]))
    if outcome == Outcome.FAILED:
        steps += [
            (
                6.0,
                lambda t: services.conclude(
                    dispute=dispute,
                    by=mediator,
                    conclusion=services.Conclusion(
                        outcome=Outcome.FAILED,
                        route=Route.LITIGATION,
                        note="双方分歧较大，告知可向人民法院起诉",
                    ),
                ),
            ),
            (
                9.0,
                lambda t: services.hand_over(
                    dispute=dispute, by=mediator, to=f"{grid.code[:6]}人民法院诉讼服务中心"
                ),
            ),
            (
                12.0,
                lambda t: services.record_follow_up(
                    dispute=dispute,
                    by=mediator,
                    at=t,
                    place=grid.name,
                    met=names[0],
                    findings="已向法院立案，情绪稳定",
                    satisfaction=3,
                ),
            ),
        ]
    else:

        def conclude(t):
            party = dispute.parties.get(side=Side.RESPONDENT)
            return services.conclude(
                dispute=dispute,
                by=mediator,
                conclusion=services.Conclusion(
                    outcome=outcome,
                    facts=story,
                    terms=f"被申请人{duty}；申请人不再就此事主张其他权利。",
                    performance="当面交付，调解员见证",
                    route=Route.LITIGATION if outcome == Outcome.PARTIAL else "",
                    obligations=[services.ObligationInput(party, duty, (t + dt.timedelta(days=14)).date())],
                ),
            )

        confirmation = rng.choice(["apply", "waive", "none"], p=[0.3, 0.45, 0.25])
        steps += [
            (6.0, conclude),
            (6.1, lambda t: services.sign_agreement(dispute=dispute, by=mediator, signed_at=t)),
        ]
        if confirmation == "apply":
            steps += [
                (
                    10.0,
                    lambda t: services.record_confirmation(
                        dispute=dispute, by=mediator, applied_on=t.date(), court=f"{grid.code[:6]}人民法院"
                    ),
                ),
                (
                    24.0,
                    lambda t: services.record_confirmation(
                        dispute=dispute, by=mediator, decided_on=t.date(), result="confirmed"
                    ),
                ),
            ]
        elif confirmation == "waive":
            steps.append(
                (8.0, lambda t: services.record_confirmation(dispute=dispute, by=mediator, waived=True))
            )
        if rng.random() < 0.9:
            steps.append(
                (
                    18.0,
                    lambda t: [
                        services.record_performance(
                            obligation=o, by=mediator, performed_on=t.date(), note="已履行"
                        )
                        for o in dispute.agreement.obligations.all()
                    ],
                )
            )
        steps.append(
            (
                22.0,
                lambda t: services.record_follow_up(
                    dispute=dispute,
                    by=mediator,
                    at=t,
                    place=grid.name,
                    met=f"{names[0]}、{names[1]}",
                    findings="协议已履行，双方关系缓和",
                    satisfaction=int(rng.choice([5, 4, 4, 3, 2])),
                ),
            )
        )
    steps += [
        (
            40.0,
            lambda t: services.clear(
                dispute=dispute, by=mediator, summary="协议履行完毕，回访满意，案结事了"
            ),
        ),
        (
            41.0,
            lambda t: case_services.verify(case=dispute.case, by=dispatcher, passed=True, note="核查归档"),
        ),
    ]
    for days, step in steps:
        if (t := at(days)) is None:
            break
        with clock.frozen_at(t):
            dispute.refresh_from_db()
            if step is steps[-2][1] and services.clear_blockers(dispute):
                break  # not yet clear (an obligation unperformed): stays in 清
            step(t)
        done += 1
    return done
