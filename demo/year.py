"""A year of cases for the demo city, generated through the case services.

A small discrete-event simulation: cases arrive day by day (volumes by
district and category), each with a planned course of handling (accept,
dispatch, sign, reply, verify, rate — and the side paths: rejection, direct
answers, returns, extensions, suspensions, whistles, supervision, merges,
reopening). Every step is a real service call made at its simulated time
(``changan.clock.frozen_at``), and the worker's timer sweep runs at the end
of each simulated day, so event logs, deadlines, warnings and overdue marks
are exactly what the platform would have recorded. Cases near the end of the
year are still open, in every state.

The texts are written for the demo (templates per category family); no real
citizen message is used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import RoleCode, User
from cases import services
from cases.models import OPEN_STATUSES, AppealType, Case, Category, Channel, Urgency
from changan import clock
from demo import outbox
from orgs.models import OrgUnit, OrgUnitKind
from regions.models import Grid
from regions.services import locate_grid
from triage.routing import Router

# Level-1 shares follow the 2020 泰迪杯 message counts (城乡建设 2,009 … 交通运输
# 613), plus grid events reported by grid workers and a tail of other classes.
FAMILY_WEIGHTS = {
    "01": 2009,  # 城乡建设
    "15": 1969,  # 劳动和社会保障
    "14": 1589,  # 教育文体
    "11": 1215,  # 商贸旅游
    "04": 938,  # 环境保护
    "12": 877,  # 卫生计生
    "06": 613,  # 交通运输
    "90": 1800,  # 网格事件 (grid workers)
    "09": 300,  # 民政
    "13": 250,  # 政法
    "10": 200,  # 农村农业
    "03": 150,  # 国土资源
    "07": 120,  # 经济管理
    "02": 100,  # 党务政务
    "08": 80,  # 科技与信息产业
    "05": 60,  # 纪检监察
}

TEXTS = {
    "01": [("小区楼道灯长期不亮", "单元楼道灯坏了两个月，老人晚上上下楼很危险，物业一直不修。", "011003"),
           ("道路施工围挡占道", "施工围挡占了半幅道路，早晚高峰拥堵严重，希望规范施工。", "010204"),
           ("老旧小区雨天积水", "小区内道路低洼，下雨积水没过脚踝，请求改造排水。", "010204"),
           ("违章搭建影响通行", "有住户在公共通道搭建棚子，消防车无法通行。", "010302")],
    "15": [("工地拖欠农民工工资", "在某工地干活三个月，包工头拖欠工资至今未付，请求帮助讨薪。", "150604"),
           ("社保转移接续办不了", "外地社保转入本地多次办理未果，请求协调。", "150801"),
           ("公司不签劳动合同", "入职半年公司一直不签劳动合同，也不缴纳社保。", "150601")],
    "14": [("学校周边交通拥堵", "放学时段学校门口车辆乱停，孩子过马路很危险。", "130504"),
           ("幼儿园收费不透明", "幼儿园另收各种名目费用，请求核查。", "140303"),
           ("小区附近广场舞噪音", "晚上十点后广场舞音响仍然很大，影响学生休息。", "040203")],
    "11": [("超市销售过期食品", "在某超市购买的牛奶已过期，商家拒绝退换。", "120401"),
           ("预付卡商家跑路", "健身房办卡后突然关门，预付款无法退回。", "110403"),
           ("农贸市场缺斤少两", "市场个别摊位秤有问题，多次缺斤少两。", "110403")],
    "04": [("企业夜间排放异味", "工业园附近晚上有刺鼻气味，居民无法开窗。", "040206"),
           ("河道有生活垃圾", "村边河道漂浮大量生活垃圾，已经发臭。", "040210"),
           ("餐馆油烟扰民", "楼下餐馆油烟直排，家里窗户都是油。", "040206")],
    "12": [("医院挂号难", "县医院专家号总是挂不上，请求增加号源。", "120501"),
           ("诊所无证行医", "村里有人无证开诊所打针输液，存在安全隐患。", "120603")],
    "06": [("公交车班次太少", "郊区公交线路班次少，等车要一个小时。"),
           ("路口红绿灯故障", "路口信号灯坏了，车辆通行混乱。", "130504")],
    "90": [("消防通道被占用", "网格巡查发现小区消防通道停放多辆私家车。", "900301"),
           ("邻里因漏水发生纠纷", "楼上漏水导致楼下墙面受损，双方协商未果，情绪激动。", "900401"),
           ("电动车楼道充电", "网格巡查发现居民在楼道内给电动车充电。", "900304"),
           ("井盖缺失", "巡查发现路边雨水井盖缺失，已设置临时警示。", "900201"),
           ("独居老人需要帮扶", "走访发现独居老人行动不便，生活困难。", "900702")],
}  # fmt: skip
GENERIC_TEXT = [("反映问题请求处理", "群众来电反映问题，请相关部门尽快核实处理。")]

DAYS = 365


@dataclass(frozen=True)
class Burst:
    """A planted hot issue (热点问题): many residents, one matter, one place,
    a few days. The hot-issue page must put these at the top."""

    days_before_end: int  # the first report
    span_days: int
    reports: int
    grid_prefix: str  # the first grid under this code is the place
    category: str
    titles: tuple[str, ...]
    details: tuple[str, ...]
    # Planted early-warning events (探照灯) say how many reports come on each
    # day instead of spreading ``reports`` at random, over how many of the
    # place's nearest grids of its township, and by whom.
    daily: tuple[int, ...] = ()
    grids: int = 1
    grid_event: bool = False  # reported by the grid worker, not by residents
    found_on: int | None = None  # the day (0 = the first report's) the engine must signal it

    def first_day(self, end: dt.date) -> dt.date:
        return end - dt.timedelta(days=self.days_before_end)


BURSTS = (
    Burst(40, 12, 14, "410611", "011006",
          ("幸福苑小区车位只售不租", "幸福苑开发商捆绑销售车位", "幸福苑车位不卖就不让停车"),
          ("幸福苑小区地下车位只卖不租，开发商要求业主必须买车位才能办停车卡，要求有关部门查处捆绑销售。",
           "开发商强制业主购买车位，价格高达十几万，不买车位不让进地库，请求调查处理。",
           "小区车位只售不租，业主只能把车停在路边，开发商还锁了地库入口，希望政府管管。")),
    Burst(18, 8, 10, "410602", "040203",
          ("搅拌站夜间施工噪音扰民", "搅拌站半夜噪音太大", "混凝土搅拌站夜里不停工"),
          ("小区旁边的混凝土搅拌站每天夜里十二点以后还在作业，噪音和粉尘很大，居民无法入睡。",
           "搅拌站夜间运料车进出频繁，噪音扰民，老人孩子都睡不好，请环保部门查处。",
           "附近搅拌站通宵生产，轰鸣声不断，多次反映没有改善，请求尽快处理。")),
)  # fmt: skip

# Planted early-warning events (探照灯). The engine must signal each on its
# ``found_on`` day (0 = the day of the first report) and not the day before,
# in the event's township and class (or, for the wage arrears, by the
# company's name); earlywarning/tests/test_planted_events.py checks it.
# - wage arrears against one construction company in 淇县灵山街道: 1, 3, 4
#   reports on three days; the fourth report (day 1) makes it significant;
# - odour complaints over 5 neighbouring grids of 浚县黎阳街道 (工业路):
#   2, 3, 5 reports; two in one day where there are none all year (day 0);
# - neighbour disputes reported by one village's grid worker in 山城区: a
#   run of 1, 0, 1, 1, 2, 2, 3; the second report two days after the first.
WAGE_ARREARS = Burst(9, 3, 8, "410622004", "150604",
    ("恒泰建筑工地拖欠农民工工资", "恒泰建筑工程公司欠薪", "灵山街道工地讨薪"),
    ("我们在鹤壁市恒泰建筑工程有限公司承建的工地干了半年，工资一直拖欠，二十多名工人讨薪无果。",
     "鹤壁市恒泰建筑工程有限公司拖欠我们农民工工资四个月，包工头联系不上，请求劳动监察介入。",
     "鹤壁市恒泰建筑工程有限公司欠薪不给，再不解决我们就集体去市政府聚集讨说法。"),
    daily=(1, 3, 4), found_on=1)  # fmt: skip
ODOUR_CLUSTER = Burst(6, 3, 10, "410621003010", "040206",
    ("工业路附近刺鼻气味", "晚上化工异味很重", "工业路社区空气有臭味"),
    ("工业路一带晚上有很重的刺鼻气味，像烧塑料，开窗就头疼，请环保部门查一查。",
     "最近几天夜里化工厂方向飘来异味，孩子咳嗽，希望尽快查明来源。",
     "社区周边空气有臭味，持续好几天了，怀疑有企业偷排废气。"),
    daily=(2, 3, 5), grids=5, found_on=0)  # fmt: skip
VILLAGE_DISPUTES = Burst(14, 7, 10, "410603", "900401",
    ("邻里因噪音发生争吵", "邻居占用公共过道引发纠纷", "宅基地边界争执"),
    ("网格巡查发现楼上楼下因噪音问题多次争吵，双方情绪激动，需要调解。",
     "两户邻居因占用公共过道堆放杂物发生纠纷，互不相让。",
     "两户村民因宅基地边界问题发生争执，险些动手，已初步劝开。"),
    daily=(1, 0, 1, 1, 2, 2, 3), grid_event=True, found_on=2)  # fmt: skip
PLANTED_EVENTS = (WAGE_ARREARS, ODOUR_CLUSTER, VILLAGE_DISPUTES)
# Residents' own reports (QR, web, apps) in the classifier's seven classes
# (the 泰迪杯 data) arrive without a category: the model classifies them, and
# the dispatcher chooses where it is unsure or (sometimes) notices it is wrong.
# 解决率 and 满意率 answer two questions: most solved cases are rated well,
# but some are solved late or curtly (solved, yet 不满意) and some get an
# honest "this cannot be done" that people accept (基本满意, not solved).
# P(solved | satisfaction), after 12345 callback surveys' usual shape.
SOLVED_GIVEN_SATISFACTION = {5: 0.97, 4: 0.9, 3: 0.6, 2: 0.3, 1: 0.1}


def solved_when_rated(case: Case, satisfaction: int) -> bool:
    """Drawn from the case number, not the year's random stream, so every
    other draw of the simulation (and its planted events) stays as it was."""
    draw = np.random.default_rng(int(case.number)).random()
    return bool(draw < SOLVED_GIVEN_SATISFACTION[satisfaction])


CLASSIFIED_FAMILIES = frozenset({"01", "15", "14", "11", "04", "12", "06"})
CITIZEN_CHANNELS = frozenset({Channel.QR, Channel.WEB, Channel.API})
NOTICE_WRONG = 0.6  # share of wrongly pre-filled categories the dispatcher corrects at acceptance
CATEGORY_BY_CODE: dict[str, Category] = {}
REPORTERS = ["王先生", "李女士", "张先生", "刘女士", "陈先生", "赵女士", "杨先生"]


@dataclass(order=True)
class Step:
    at: dt.datetime
    seq: int
    case_id: int = field(compare=False)
    action: str = field(compare=False)


@dataclass
class Cast:
    """Who acts in the simulation."""

    dispatchers: dict[str, User]  # county code → its 综治中心 dispatcher
    handlers: dict[int, User]  # unit id → a handler in it
    grid_workers: dict[str, User]  # grid code → its worker
    leaders: dict[str, User]  # county code → a leader
    router: Router  # 派单规则: what the dispatchers are offered
    # What each case is really about (the dispatcher finds out, the model guesses).
    truth: dict[int, Category] = field(default_factory=dict)
    correct_at_accept: set[int] = field(default_factory=set)  # wrong guesses the dispatcher notices
    returned: set[int] = field(default_factory=set)


def load_cast() -> Cast:
    dispatchers, leaders = {}, {}
    for user in User.objects.filter(
        roles=RoleCode.DISPATCHER, org_unit__kind=OrgUnitKind.GOVERNANCE_CENTER
    ).select_related("org_unit"):
        dispatchers.setdefault(user.org_unit.area_id, user)
    for user in User.objects.filter(roles=RoleCode.LEADER).select_related("org_unit"):
        leaders.setdefault(user.org_unit.area_id, user)
    handlers = {}
    for user in User.objects.filter(roles=RoleCode.HANDLER).exclude(org_unit=None).order_by("pk"):
        handlers.setdefault(user.org_unit_id, user)
    grid_workers = {g: u for g, u in Grid.workers.through.objects.values_list("grid_id", "user_id")}
    users = User.objects.in_bulk(list(grid_workers.values()))
    return Cast(
        dispatchers=dispatchers,
        handlers=handlers,
        grid_workers={g: users[u] for g, u in grid_workers.items()},
        leaders=leaders,
        router=Router(),
    )


def simulate_year(*, cases_per_year: int, seed: int = 2026, end: dt.date | None = None,
                  progress: Callable = lambda items, **_: items) -> dict[str, int]:  # fmt: skip
    """Generate ``cases_per_year`` cases over the year before ``end``."""
    rng = np.random.default_rng(seed)
    cast = load_cast()
    # The simulation stops at this moment: cases received in the last hours
    # are still waiting to be accepted, as in a real city today.
    stop = clock.now() if end is None else _local(end, 24.0)
    end = end or clock.today()
    start = end - dt.timedelta(days=DAYS)
    grids = list(Grid.objects.order_by("code").values_list("code", "centroid_lon", "centroid_lat"))
    grid_weights = _grid_weights(grids)
    families = list(FAMILY_WEIGHTS)
    family_p = np.array([FAMILY_WEIGHTS[f] for f in families], dtype=float)
    family_p /= family_p.sum()
    leaves: dict[str, list[Category]] = {}
    for cat in Category.objects.filter(level=3):
        leaves.setdefault(cat.code[:2], []).append(cat)
        CATEGORY_BY_CODE[cat.code] = cat

    queue: list[Step] = []
    counter = itertools.count()
    daily = rng.poisson(cases_per_year / DAYS, size=DAYS)
    planted = _planted(rng, start, grids)
    stats = {"cases": 0, "actions": 0, "refused": 0}
    first_delivery = outbox.last_delivery_id()
    for day_index in progress(range(DAYS), desc="year"):
        day = start + dt.timedelta(days=day_index + 1)
        for _ in range(daily[day_index]):
            at = _local(day, rng.uniform(7.5, 21.5))
            if at > stop:
                continue
            code, lon, lat = grids[rng.choice(len(grids), p=grid_weights)]
            family = rng.choice(families, p=family_p)
            case = _receive(rng, cast, at, code, lon, lat, family, leaves)
            if case is None:
                continue
            stats["cases"] += 1
            for when, action in _plan(rng, cast, case, at, stop):
                heapq.heappush(queue, Step(when, next(counter), case.pk, action))
        for at, grid, burst, reporter in planted.get(day, []):
            case = _receive_burst(rng, cast, at, grid, burst, reporter)
            if case is not None:
                stats["cases"] += 1
                for when, action in _plan(rng, cast, case, at, stop):
                    heapq.heappush(queue, Step(when, next(counter), case.pk, action))
        day_end = min(_local(day, 23.99), stop)
        while queue and queue[0].at <= day_end:
            step = heapq.heappop(queue)
            ok = _act(rng, cast, step)
            stats["actions" if ok else "refused"] += 1
        with clock.frozen_at(day_end):
            services.sweep_timers(now=day_end)
    stats["messages"] = outbox.mark_sent_since(first_delivery)  # sent in their time, not by the worker
    return stats


def _grid_weights(grids) -> np.ndarray:
    # Urban districts (区) report more per grid than rural counties (县).
    urban = ("410602", "410603", "410611", "410671")
    w = np.array([1.6 if code.startswith(urban) else 1.0 for code, *_ in grids])
    return w / w.sum()


def _local(day: dt.date, hour: float) -> dt.datetime:
    base = dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())
    return base + dt.timedelta(hours=hour)


def _receive(rng, cast, at, grid_code, lon, lat, family, leaves) -> Case | None:
    # A text names its own class where it has one; otherwise any class of the family.
    title, text, *code = TEXTS.get(family, GENERIC_TEXT)[rng.integers(len(TEXTS.get(family, GENERIC_TEXT)))]
    category = CATEGORY_BY_CODE.get(code[0]) if code else None
    category = category or leaves[family][rng.integers(len(leaves[family]))]
    grid_event = family == "90"
    channel = (
        Channel.GRID_WORKER
        if grid_event
        else rng.choice(
            [Channel.HOTLINE, Channel.QR, Channel.WEB, Channel.API, Channel.TRANSFER_110],
            p=[0.55, 0.25, 0.1, 0.05, 0.05],
        )
    )
    appeal = rng.choice(list(AppealType.values), p=[0.12, 0.25, 0.4, 0.13, 0.1])
    urgency = rng.choice(list(Urgency.values), p=[0.04, 0.16, 0.7, 0.1])
    by = cast.grid_workers.get(grid_code) if grid_event else cast.dispatchers.get(grid_code[:6] + "000000")
    if channel in (Channel.QR, Channel.API):
        by = None  # the resident's own report (or an Open311 client): no staff member registers it
    point_lon, point_lat = lon + rng.normal(0, 0.0005), lat + rng.normal(0, 0.0005)
    if grid_event:
        by = _worker_at(cast, grid_code, point_lon, point_lat)
        if urgency == Urgency.COMPLEX:
            urgency = Urgency.ORDINARY  # 复杂 is the dispatcher's call at acceptance (cases.registration)
    truth = category
    if channel in CITIZEN_CHANNELS and family in CLASSIFIED_FAMILIES:
        category = None  # the resident does not choose: the classifier does
    with clock.frozen_at(at):
        try:
            case = services.receive_case(
                by=by,
                title=title,
                description=text,
                channel=str(channel),
                kind="grid_event" if grid_event else "appeal",
                appeal_type=str(appeal),
                category=category,
                urgency=str(urgency),
                lon=point_lon,
                lat=point_lat,
                reporter_name="" if grid_event else REPORTERS[rng.integers(len(REPORTERS))],
                reporter_phone="" if grid_event else f"13{rng.integers(10**9):09d}",
                received_at=at,
            )
        except (ValidationError, PermissionDenied):
            return None  # the jitter put the point outside the city: the caller hangs up
    cast.truth[case.pk] = truth
    return case


def _planted(rng, start: dt.date, grids) -> dict[dt.date, list]:
    """The bursts' and planted events' reports by day: (time, grid, burst,
    reporter number)."""
    out: dict[dt.date, list] = {}
    for burst in BURSTS + PLANTED_EVENTS:
        places = _nearest_grids(grids, burst.grid_prefix, burst.grids)
        if not places:
            continue  # a city without the burst's place (the tests' small city)
        first = start + dt.timedelta(days=DAYS - burst.days_before_end)
        offsets = (
            [d for d, n in enumerate(burst.daily) for _ in range(n)]
            if burst.daily
            else [int(rng.integers(burst.span_days)) for _ in range(burst.reports)]
        )
        for n, offset in enumerate(offsets):
            day = first + dt.timedelta(days=offset)
            grid = places[n % len(places)]
            out.setdefault(day, []).append((_local(day, rng.uniform(7.5, 22)), grid, burst, n))
    for reports in out.values():
        reports.sort(key=lambda r: r[0])
    return out


def _nearest_grids(grids, prefix: str, k: int) -> list:
    """The first grid under ``prefix`` and its k − 1 nearest grids of the same township
    (none if no grid is under ``prefix``)."""
    centre = next((g for g in grids if g[0].startswith(prefix)), None)
    if centre is None:
        return []
    township = [g for g in grids if g[0][:9] == centre[0][:9] and g[1] is not None]
    township.sort(key=lambda g: ((g[1] - centre[1]) ** 2 + (g[2] - centre[2]) ** 2, g[0]))
    return township[:k] if k > 1 else [centre]


def _receive_burst(rng, cast, at, grid, burst: Burst, n: int) -> Case | None:
    code, lon, lat = grid
    truth = CATEGORY_BY_CODE[burst.category]
    point_lon, point_lat = lon + rng.normal(0, 0.0003), lat + rng.normal(0, 0.0003)
    if burst.grid_event:
        by, channel, kind, known = (
            _worker_at(cast, code, point_lon, point_lat),
            Channel.GRID_WORKER,
            "grid_event",
            True,
        )
    else:
        by = cast.dispatchers.get(code[:6] + "000000") if n % 2 else None
        channel, kind, known = (Channel.HOTLINE if n % 2 else Channel.QR), "appeal", bool(n % 2)
    with clock.frozen_at(at), contextlib.suppress(ValidationError, PermissionDenied):
        case = services.receive_case(
            by=by,
            title=burst.titles[n % len(burst.titles)],
            description=burst.details[n % len(burst.details)],
            channel=channel,
            kind=kind,
            appeal_type="complaint",
            category=truth if known else None,
            lon=point_lon,
            lat=point_lat,
            reporter_name="" if burst.grid_event else REPORTERS[n % len(REPORTERS)],
            reporter_phone="" if burst.grid_event else f"139{rng.integers(10**8):08d}",
            received_at=at,
        )
        cast.truth[case.pk] = truth
        return case
    return None  # the jitter put the point outside the city


def _worker_at(cast: Cast, grid_code: str, lon: float, lat: float) -> User | None:
    """Who reports a grid event seen at the point: the worker of the grid it
    lies in (a worker reports only in their own grids), when that grid is in
    the same village; else the grid's own worker, and the jitter that took
    the point out of the village has it refused, as before."""
    found = locate_grid(lon, lat)
    if found and found != grid_code and found[:12] == grid_code[:12]:
        return cast.grid_workers.get(found)
    return cast.grid_workers.get(grid_code)


def _route(cast: Cast, case: Case, category: Category | None = None) -> OrgUnit:
    return cast.router.route(category=category or case.category, area_code=case.area_id).unit


def _misrouted(rng, cast: Cast, case: Case) -> bool:
    """A pre-filled category that leads to another unit than the real one:
    the dispatcher corrects some at acceptance; the rest go out and come back."""
    truth = cast.truth[case.pk]
    if case.category_id is None or _route(cast, case) == _route(cast, case, truth):
        return False
    if rng.random() < NOTICE_WRONG:
        cast.correct_at_accept.add(case.pk)
        return False
    return True


def _plan(rng, cast: Cast, case: Case, at: dt.datetime, stop: dt.datetime) -> list[tuple[dt.datetime, str]]:
    """The course a case will take, as (time, action) steps."""
    hours = lambda lo, hi: dt.timedelta(hours=float(rng.uniform(lo, hi)))  # noqa: E731
    t = at + hours(0.1, 3)
    # The last day's cases wait in the dispatchers' queues: some not yet
    # accepted, some accepted and waiting to be dispatched.
    if stop - at < dt.timedelta(hours=24):
        return []
    if stop - at < dt.timedelta(hours=36):
        return [(t, "accept")]
    r = rng.random()
    if r < 0.04:
        return [(t, "reject")]
    if case.appeal_type == AppealType.CONSULT and r < 0.5:
        return [(t, "answer")]
    if r < 0.07:
        return [(t, "merge")]
    steps = [(t, "accept"), (t + hours(0.1, 1), "dispatch")]
    t += hours(0.5, 2)
    # Returned: sent to the wrong unit by a wrong guess, or for reasons of its own.
    if _misrouted(rng, cast, case) or rng.random() < 0.03:
        back = hours(3, 96)  # a returned case waits for the dispatcher to re-send it
        steps += [(t + hours(0.2, 3), "return"), (t + back, "dispatch")]
        t += back + hours(0.2, 1)
    if case.kind == "grid_event" and rng.random() < 0.15:
        steps.insert(0, (at + hours(0.05, 0.2), "whistle"))
        steps += [(t + hours(0.1, 0.8), "acknowledge")]
    steps.append((t + hours(0.1, 1.5), "sign"))
    steps.append((t + hours(2, 30), "contact"))
    if rng.random() < 0.05:
        steps.append((t + hours(24, 72), "request_extension"))
        steps.append((t + hours(80, 100), "grant_extension"))
    if rng.random() < 0.04:
        steps.append((t + hours(30, 50), "suspend"))
        steps.append((t + hours(100, 700), "resume"))
    if rng.random() < 0.05:
        steps.append((t + hours(20, 60), "supervise"))
    # Most units reply well within their limit (which depends on urgency);
    # a few run late.
    on_time = {"urgent": (0.3, 1.5), "fast": (2, 18), "ordinary": (4, 110), "complex": (24, 250)}[
        case.urgency
    ]
    late = {"urgent": (3, 8), "fast": (30, 60), "ordinary": (200, 400), "complex": (500, 700)}[case.urgency]
    reply_at = t + (hours(*on_time) if rng.random() < 0.94 else hours(*late))
    steps.append((reply_at, "reply"))
    verify_at = reply_at + hours(2, 48)
    steps.append((verify_at, "verify_fail" if rng.random() < 0.05 else "verify"))
    if steps[-1][1] == "verify_fail":
        steps += [(verify_at + hours(24, 72), "reply"), (verify_at + hours(80, 120), "verify")]
        verify_at += hours(80, 120)
    steps.append((verify_at + hours(24, 96), "rate"))
    if rng.random() < 0.04:
        steps.append((verify_at + hours(100, 150), "reopen"))
    return sorted(steps)


@dataclass
class _Turn:
    """One planned step on one case, with the people who take it."""

    rng: np.random.Generator
    cast: Cast
    case: Case
    step: Step
    dispatcher: User | None
    handler: User | None


def _merge(t: _Turn) -> None:
    # The duplicate finder's likeliest candidate, else the village's latest open case.
    case = t.case
    candidates = [d["case"] for d in getattr(getattr(case, "triage", None), "duplicates", [])]
    into = Case.objects.filter(pk__in=candidates[:1], status__in=OPEN_STATUSES).first() or (
        Case.objects.filter(area_id=case.area_id, status__in=OPEN_STATUSES, pk__lt=case.pk)
        .order_by("-pk")
        .first()
    )
    if into is None:  # the original is already closed: say so and close this one
        services.reject(case=case, by=t.dispatcher, reason="重复反映，原件已办结，已向群众说明")
    else:
        services.merge(case=case, into=into, by=t.dispatcher, note="同一事项重复反映")


def _accept(t: _Turn) -> None:
    # Unsure (人工研判) or noticed wrong: the dispatcher sets the real category.
    fix = t.case.category_id is None or t.case.pk in t.cast.correct_at_accept
    services.accept(case=t.case, by=t.dispatcher, category=t.cast.truth[t.case.pk] if fix else None)


def _dispatch(t: _Turn) -> None:
    # After a return the dispatcher knows where it really belongs.
    truth = t.cast.truth[t.case.pk] if t.case.pk in t.cast.returned else None
    services.dispatch(case=t.case, by=t.dispatcher, unit=_route(t.cast, t.case, truth))


def _return(t: _Turn) -> None:
    services.return_case(case=t.case, by=t.handler, reason="非本单位职责，请重新派遣")
    t.cast.returned.add(t.case.pk)


def _whistle(t: _Turn) -> None:
    units = [_route(t.cast, t.case, t.cast.truth[t.case.pk])]
    worker = t.cast.grid_workers.get(t.case.grid_id)
    services.blow_whistle(case=t.case, by=worker, units=units, note="需部门到场联合处置")


def _request_extension(t: _Turn) -> None:
    until = (t.case.resolve_due_at or t.step.at) + dt.timedelta(days=7)
    services.request_extension(case=t.case, by=t.handler, until=until, reason="涉及多方协调，需延期")


def _rate(t: _Turn) -> None:
    sat = int(t.rng.choice([5, 4, 3, 2, 1], p=[0.55, 0.25, 0.1, 0.06, 0.04]))
    services.rate(case=t.case, by=t.dispatcher, satisfaction=sat, solved=solved_when_rated(t.case, sat))


_ACTS: dict[str, Callable[[_Turn], object]] = {
    "reject": lambda t: services.reject(
        case=t.case, by=t.dispatcher, reason="诉求不属于受理范围，已告知群众"
    ),
    "answer": lambda t: services.answer(case=t.case, by=t.dispatcher, reply="已按政策口径当场答复群众"),
    "merge": _merge,
    "accept": _accept,
    "dispatch": _dispatch,
    "return": _return,
    "whistle": _whistle,
    "acknowledge": lambda t: services.acknowledge(case=t.case, by=t.handler, note="已到场报到"),
    "sign": lambda t: services.sign(case=t.case, by=t.handler),
    "contact": lambda t: services.contact_reporter(
        case=t.case, by=t.handler, note="已电话联系反映人，约定现场查看"
    ),
    "request_extension": _request_extension,
    "grant_extension": lambda t: services.grant_extension(case=t.case, by=t.dispatcher, note="同意延期"),
    "suspend": lambda t: services.suspend(case=t.case, by=t.handler, reason="等待第三方鉴定结果"),
    "resume": lambda t: services.resume(case=t.case, by=t.handler, note="鉴定结果已出"),
    "supervise": lambda t: services.supervise(case=t.case, by=t.dispatcher, note="群众反映强烈，请加快办理"),
    "reply": lambda t: services.reply(
        case=t.case, by=t.handler, result="已现场核实并处理完毕，已向反映人反馈", evidence=["现场照片.jpg"]
    ),
    "verify": lambda t: services.verify(case=t.case, by=t.dispatcher, passed=True, note="电话回访核实已办结"),
    "verify_fail": lambda t: services.verify(
        case=t.case, by=t.dispatcher, passed=False, note="回访反映问题仍存在"
    ),
    "rate": _rate,
    "reopen": lambda t: services.reopen(case=t.case, by=t.dispatcher, reason="群众反映问题未解决，要求重办"),
}


def _act(rng, cast: Cast, step: Step) -> bool:
    case = Case.objects.select_related("lead_unit").get(pk=step.case_id)
    county = case.area_id[:6] + "000000"
    dispatcher = cast.dispatchers.get(county) or cast.dispatchers.get("410600000000")
    turn = _Turn(rng, cast, case, step, dispatcher, cast.handlers.get(case.lead_unit_id))
    try:
        with clock.frozen_at(step.at), transaction.atomic():
            _ACTS[step.action](turn)
    except (PermissionDenied, ValidationError, AttributeError):
        return False  # the plan did not fit the case's course (e.g. rated satisfied: no reopen)
    return True
