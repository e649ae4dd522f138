"""The demo city: real Hebi codes and county polygons, generated township,
village and grid polygons, org units at every level, and demo staff.

Every step is an upsert, so loading twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Role, RoleCode, User
from cases.models import Case
from changan import clock
from demo.disputes import build_mediators, simulate_disputes
from demo.names import mobile_numbers, person_names
from demo.staff import DEMO_PASSWORD, SEED, create_staff
from demo.warning import judge_demo_days
from demo.year import simulate_year
from orgs.models import OrgUnit, OrgUnitKind, Sector
from orgs.services import ensure_unit
from regions import codes
from regions.models import Area, AreaLevel, Grid
from regions.services import Progress, generate_grids, import_areas, import_boundaries, no_progress
from triage.models import RouteTarget, RoutingRule

CITY = "410600000000"
DEV_ZONE, DEV_ZONE_HOST = "410671000000", "410611000000"  # 开发区 is carved from 淇滨区

DEPARTMENTS = {  # sector → name of the bureau (city prefix added)
    Sector.HOUSING: "住房和城乡建设局",
    Sector.URBAN_MANAGEMENT: "城市管理局",
    Sector.ECOLOGY: "生态环境局",
    Sector.TRANSPORT: "交通运输局",
    Sector.EDUCATION: "教育局",
    Sector.HUMAN_RESOURCES: "人力资源和社会保障局",
    Sector.HEALTH: "卫生健康委员会",
    Sector.MARKET_REGULATION: "市场监督管理局",
    Sector.EMERGENCY: "应急管理局",
    Sector.PUBLIC_SECURITY: "公安局",
    Sector.JUSTICE: "司法局",
    Sector.PETITIONS: "信访局",
    Sector.WATER: "水利局",
    Sector.NATURAL_RESOURCES: "自然资源和规划局",
    Sector.CIVIL_AFFAIRS: "民政局",
    Sector.AGRICULTURE: "农业农村局",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


@dataclass
class DemoReport:
    steps: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


def load_demo_city(*, progress: Progress = no_progress, cases_per_year: int = 0) -> DemoReport:
    report = DemoReport()
    data = settings.DEMO_DATA_DIR
    s = import_areas(data / "hebi_admin_divisions.csv", progress=progress)
    report.steps.append(f"区划 areas: +{sum(s.created.values())}, ~{sum(s.updated.values())}")
    for name in ("410600_full.json", "410600_city_outline.json"):
        import_boundaries(data / name, progress=progress)
    report.steps.append("县区与市界边界 county and city polygons: real (DataV)")
    g = generate_grids(seed=SEED, hosts={DEV_ZONE: DEV_ZONE_HOST}, progress=progress)
    report.steps.append(f"合成边界与网格 synthetic polygons and grids: +{g.grids_created} grids")
    units = build_org_units()
    report.steps.append(f"组织单位 org units: {units}")
    report.logins = build_demo_staff()
    staffed = staff_grids(progress=progress)
    report.steps.append(f"网格长/网格员 grid chiefs and workers: +{staffed}")
    report.steps.append(f"各级受理员、承办人员、领导 dispatchers, handlers, leaders: +{staff_units()}")
    report.steps.append(f"派单规则 routing rules: {ensure_routing_rules()}")
    report.steps.append(f"调解员库 mediators: {build_mediators()}")
    if cases_per_year and not Case.objects.exists():
        today = clock.today()  # the year simulated ends today; its warnings are judged up to it

        stats = simulate_year(cases_per_year=cases_per_year, seed=SEED, progress=progress)
        report.steps.append(f"一年的案件 a year of cases: {stats['cases']} cases, {stats['actions']} actions")
        stats = simulate_disputes(count=max(12, min(60, cases_per_year // 40)), progress=progress)
        report.steps.append(f"矛盾纠纷 disputes: {stats['disputes']} ({stats['steps']} steps taken)")
        signals, planted = judge_demo_days(end=today)
        report.steps.append(f"风险预警 early warning: {signals} signals; planted events found on their day:")
        report.steps += [f"  {line}" for line in planted]
    else:
        report.steps.append(f"案件 cases: {Case.objects.count()} (已有，未重新生成 / kept)")
    return report


# A city's own routing practice on top of "each category to its line's county
# branch": editable in the admin (派单规则).
ROUTING_RULES = [
    ("010202", RouteTarget.SECTOR, Sector.URBAN_MANAGEMENT, "城管执法由城市管理局办理"),
    ("010214", RouteTarget.SECTOR, Sector.URBAN_MANAGEMENT, "环境卫生由城市管理局办理"),
    ("011003", RouteTarget.TOWNSHIP, "", "物业服务纠纷由属地乡镇(街道)协调"),
    ("9004", RouteTarget.TOWNSHIP, "", "矛盾纠纷属地化解：小事不出村、大事不出镇"),
]


def ensure_routing_rules() -> int:
    for code, target, sector, note in ROUTING_RULES:
        RoutingRule.objects.get_or_create(
            category_id=code,
            area=None,
            is_active=True,
            defaults={"target": target, "sector": sector, "note": note},
        )
    return RoutingRule.objects.count()


@transaction.atomic
def build_org_units() -> int:
    areas = {a.code: a for a in Area.objects.filter(level__gte=AreaLevel.CITY).order_by("code")}
    city = areas[CITY]
    center, _ = ensure_unit(
        name=f"{city.name}社会治理综合服务中心", kind=OrgUnitKind.GOVERNANCE_CENTER, area_code=CITY
    )
    city_depts = {
        sector: ensure_unit(
            name=f"{city.name}{name}", kind=OrgUnitKind.CITY_DEPARTMENT, area_code=CITY, sector=sector
        )[0]
        for sector, name in DEPARTMENTS.items()
    }
    county_centers = {}
    for county in (a for a in areas.values() if a.level == AreaLevel.COUNTY):
        county_centers[county.code], _ = ensure_unit(
            name=f"{county.name}社会治理综合服务中心", kind=OrgUnitKind.GOVERNANCE_CENTER,
            area_code=county.code, parent=center,
        )  # fmt: skip
        for sector, name in DEPARTMENTS.items():
            # A county bureau belongs to the city department's line (条线).
            ensure_unit(
                name=f"{county.name}{name}", kind=OrgUnitKind.COUNTY_DEPARTMENT, area_code=county.code,
                parent=city_depts[sector], sector=sector,
            )  # fmt: skip
    township_offices = {}
    for town in (a for a in areas.values() if a.level == AreaLevel.TOWNSHIP):
        suffix = (
            "办事处" if codes.township_kind(town.code) in ("subdistrict", "township_like") else "人民政府"
        )
        office, _ = ensure_unit(
            name=f"{town.name}{suffix}", kind=OrgUnitKind.TOWNSHIP_OFFICE, area_code=town.code
        )
        township_offices[town.code] = office
        ensure_unit(
            name=f"{town.name}综治中心", kind=OrgUnitKind.GOVERNANCE_CENTER, area_code=town.code,
            parent=county_centers[town.parent_id],
        )  # fmt: skip
        ensure_unit(
            name=f"{town.name}人民调解委员会", kind=OrgUnitKind.MEDIATION_COMMITTEE, area_code=town.code,
            parent=office, sector=Sector.JUSTICE,
        )  # fmt: skip
    _bulk_village_units(areas, township_offices)
    return OrgUnit.objects.count()


def _bulk_village_units(areas: dict[str, Area], township_offices: dict[str, OrgUnit]) -> None:
    """One committee and one mediation committee per village (2,000+ rows,
    so created in bulk rather than one by one)."""
    existing = set(OrgUnit.objects.filter(area__level=AreaLevel.VILLAGE).values_list("area_id", "name"))
    villages = [a for a in areas.values() if a.level == AreaLevel.VILLAGE]
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                name=v.name, kind=OrgUnitKind.VILLAGE_COMMITTEE, area=v, parent=township_offices[v.parent_id]
            )
            for v in villages
            if (v.code, v.name) not in existing
        ],
        batch_size=1000,
    )
    committees = dict(OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_COMMITTEE).values_list("area_id", "pk"))
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                name=f"{codes.short_village_name(v.name)}人民调解委员会",
                kind=OrgUnitKind.MEDIATION_COMMITTEE,
                area=v,
                parent_id=committees[v.code],
                sector=Sector.JUSTICE,
            )
            for v in villages
            if (v.code, f"{codes.short_village_name(v.name)}人民调解委员会") not in existing
        ],
        batch_size=1000,
    )


# username, full name, unit name, area code, roles, staff (admin access), superuser
DEMO_STAFF = (
    ("admin", "系统管理员", "鹤壁市社会治理综合服务中心", CITY, [RoleCode.ADMINISTRATOR], True, True),
    ("city_dispatcher", "王受理", "鹤壁市社会治理综合服务中心", CITY, [RoleCode.DISPATCHER], True, False),
    (
        "qixian_dispatcher",
        "李调度",
        "淇县社会治理综合服务中心",
        "410622000000",
        [RoleCode.DISPATCHER],
        True,
        False,
    ),
    (
        "xunxian_dispatcher",
        "张调度",
        "浚县社会治理综合服务中心",
        "410621000000",
        [RoleCode.DISPATCHER],
        True,
        False,
    ),
    (
        "qixian_admin",
        "赵管理",
        "淇县社会治理综合服务中心",
        "410622000000",
        [RoleCode.ADMINISTRATOR],
        True,
        False,
    ),
    ("handler", "刘承办", "淇县住房和城乡建设局", "410622000000", [RoleCode.HANDLER], False, False),
    ("mediator", "陈调解", "钜桥镇人民调解委员会", "410611101000", [RoleCode.MEDIATOR], False, False),
    ("inspector", "杨安检", "淇滨区应急管理局", "410611000000", [RoleCode.INSPECTOR], False, False),
    ("analyst", "周分析", "鹤壁市社会治理综合服务中心", CITY, [RoleCode.ANALYST], False, False),
    ("leader", "吴领导", "鹤壁市社会治理综合服务中心", CITY, [RoleCode.LEADER], False, False),
)


@transaction.atomic
def build_demo_staff() -> list[DemoLogin]:
    password = make_password(DEMO_PASSWORD)
    logins = []
    roles = {r.code: r for r in Role.objects.all()}
    for username, full_name, unit_name, area_code, role_codes, staff, superuser in DEMO_STAFF:
        unit = OrgUnit.objects.get(area_id=area_code, name=unit_name)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name, "org_unit": unit, "password": password,
                "is_staff": staff, "is_superuser": superuser,
            },
        )  # fmt: skip
        user.roles.add(*(roles[c] for c in role_codes))
        logins.append(DemoLogin(username, ", ".join(str(RoleCode(c).label) for c in role_codes), unit.name))
    # A grid worker login: the worker of the first grid of 钜桥镇's first village.
    logins.append(DemoLogin("gw410611101001001", str(RoleCode.GRID_WORKER.label), "钜桥镇 · 网格员"))
    return logins


@transaction.atomic
def staff_grids(*, progress: Progress = no_progress) -> int:
    """A chief (网格长) per village and a worker (网格员) per grid, with work
    phones, and a party-branch secretary per grid. Only grids without a chief
    are touched, so a second run adds nothing."""
    grids = list(Grid.objects.filter(chief__isnull=True).order_by("code"))
    if not grids:
        return 0
    rng = np.random.default_rng(SEED)
    committees = dict(OrgUnit.objects.filter(kind=OrgUnitKind.VILLAGE_COMMITTEE).values_list("area_id", "pk"))
    village_codes = sorted({g.village_id for g in grids})
    wanted = [f"gc{v}" for v in village_codes] + [f"gw{g.code}" for g in grids]
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    names = person_names(rng, len(wanted) + len(grids))
    phones = mobile_numbers(rng, len(wanted))
    created = create_staff(
        [
            (username, names[i], phones[i], committees.get(username[2:14]), RoleCode.GRID_WORKER)
            for i, username in enumerate(wanted)
            if username not in existing
        ]
    )
    users = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    worker_link = Grid.workers.through
    worker_link.objects.bulk_create(
        [worker_link(grid_id=g.code, user_id=users[f"gw{g.code}"]) for g in grids],
        batch_size=2000,
        ignore_conflicts=True,
    )
    for i, grid in enumerate(progress(grids, desc="staff")):
        grid.chief_id = users[f"gc{grid.village_id}"]
        grid.party_branch_secretary = names[len(wanted) + i]
    Grid.objects.bulk_update(grids, ["chief", "party_branch_secretary"], batch_size=2000)
    return created


@transaction.atomic
def staff_units() -> int:
    """A dispatcher and a leader for every county-level 综治中心, and a handler
    for every county bureau and township office, so every unit a case can be
    sent to has someone to sign for it. Usernames follow the unit:
    ``dispatcher_410622``, ``leader_410622``, ``handler_410622_housing``,
    ``handler_410622101``."""
    wanted: dict[str, tuple[int, str]] = {}
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.GOVERNANCE_CENTER, area__level=AreaLevel.COUNTY):
        code = unit.area_id[:6]
        wanted[f"dispatcher_{code}"] = (unit.pk, RoleCode.DISPATCHER)
        wanted[f"leader_{code}"] = (unit.pk, RoleCode.LEADER)
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY_DEPARTMENT):
        wanted[f"handler_{unit.area_id[:6]}_{unit.sector}"] = (unit.pk, RoleCode.HANDLER)
    for unit in OrgUnit.objects.filter(kind=OrgUnitKind.TOWNSHIP_OFFICE):
        wanted[f"handler_{unit.area_id[:9]}"] = (unit.pk, RoleCode.HANDLER)
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    missing = [name for name in wanted if name not in existing]
    if not missing:
        return 0
    rng = np.random.default_rng(SEED + 7)
    names, phones = person_names(rng, len(missing)), mobile_numbers(rng, len(missing))
    return create_staff([(n, names[i], phones[i], wanted[n][0], wanted[n][1]) for i, n in enumerate(missing)])
