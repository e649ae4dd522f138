"""The engine on a city of synthetic cases (the demo city's real trees and
10,000 grids, a Poisson background): a planted burst, cluster, company and
threat are each found, placed, explained and ranked as an analyst needs."""

import datetime as dt

import numpy as np
import pytest

from earlywarning import engine
from earlywarning.snapshot import Snapshot, area_tree, category_tree
from regions.models import Grid

pytestmark = pytest.mark.django_db

DAYS = 365
VILLAGE = "410622004200"  # 赵庄村, 灵山街道, 淇县
ODOUR_TOWNSHIP = "410621003"  # 黎阳街道, 浚县
PARAMS = engine.Parameters(scan_replicates=99)  # p ≥ 0.01: as small as a cluster must reach


@pytest.fixture(scope="module")
def city(demo_city, django_db_blocker):
    with django_db_blocker.unblock():
        areas, categories = area_tree(), category_tree()
        grids = list(Grid.objects.order_by("code").values_list("code", "centroid_lon", "centroid_lat"))
    return areas, categories, grids


def snapshot(city, planted: list[tuple[int, str, str, str]]) -> Snapshot:
    """A year of background cases plus ``planted`` (day, grid, category, text)."""
    (area_codes, area_levels, areas), (category_codes, categories), grids = city
    rng = np.random.default_rng(7)
    leaves = [i for i, c in enumerate(category_codes) if len(c) == 6]
    n = 4000
    day = np.sort(rng.integers(0, DAYS, n))
    grid = rng.integers(0, len(grids), n)
    category = rng.choice(leaves, n)
    texts = ["群众反映问题请求处理"] * n
    grid_index = {g[0]: i for i, g in enumerate(grids)}
    for d, g, c, text in planted:
        day, grid = np.append(day, d), np.append(grid, grid_index[g])
        category = np.append(category, category_codes.index(c))
        texts.append(text)
    area_index = {c: i for i, c in enumerate(area_codes)}
    return Snapshot(
        day=dt.date(2026, 11, 20), days=DAYS, case_id=np.arange(len(day)) + 1, day_index=day,
        area_node=np.array([area_index[grids[g][0][:12]] for g in grid]),
        category_node=category,
        grid_node=grid, reporter=[""] * len(day), reporter_label=[""] * len(day), text=texts,
        area_codes=area_codes, area_level=area_levels, area_tree=areas, category_codes=category_codes,
        category_tree=categories,
        grid_codes=[g[0] for g in grids], grid_lon=np.array([g[1] for g in grids], dtype=float),
        grid_lat=np.array([g[2] for g in grids], dtype=float),
    )  # fmt: skip


def first_grid(city, prefix: str) -> str:
    return next(g[0] for g in city[2] if g[0].startswith(prefix))


def test_a_burst_in_one_village_is_found_there_and_its_township_is_explained_by_it(city):
    grid = first_grid(city, VILLAGE)
    s = snapshot(city, [(DAYS - 1, grid, "150604", "工地拖欠工资")] * 6)
    findings, tested = engine.analyse(s, PARAMS)
    series = [f for f in findings if f.kind == "series"]
    assert tested > 100
    top = series[0]
    assert (top.area_code, top.category_code, top.window_days) == (VILLAGE, "150604", 1)
    assert top.observed >= 6 and top.p_value < 1e-6 and len(top.case_ids) >= 6
    township = next(f for f in series if f.area_code == VILLAGE[:9] + "000" and f.category_code == "150604")
    assert findings[township.explained_by] is top
    assert set(top.detail["chart"]) == {"dates", "observed", "expected", "bound"}


def test_a_cluster_over_neighbouring_grids_is_found_as_one(city):
    grids = [g for g in city[2] if g[0].startswith(ODOUR_TOWNSHIP)][:4]
    planted = [
        (DAYS - 1 - d, g[0], "040206", "工业园异味") for d in range(3) for g in grids for _ in range(2)
    ]
    findings, _ = engine.analyse(snapshot(city, planted), PARAMS)
    cluster = next(f for f in findings if f.kind == "cluster")
    assert {g[0] for g in grids} <= set(cluster.detail["grids"])
    assert cluster.area_code.startswith(ODOUR_TOWNSHIP) and cluster.p_value <= 0.01
    assert cluster.observed >= 24 and cluster.detail["recurrence_days"] >= 100


def test_the_same_company_in_several_places_is_one_entity_signal(city):
    text = "鹤壁市恒泰建筑工程有限公司拖欠我们农民工工资四个月"
    grids = [first_grid(city, p) for p in ("410622", "410621", "410602")]
    findings, _ = engine.analyse(snapshot(city, [(DAYS - 1, g, "150604", text) for g in grids]), PARAMS)
    entity = next(f for f in findings if f.kind == "entity")
    assert entity.entity == "鹤壁市恒泰建筑工程" and entity.observed == 3
    assert entity.area_code == "410600000000"  # three counties: the city's to act on


def test_a_threat_of_self_harm_comes_first_whatever_else_is_found(city):
    grid = first_grid(city, VILLAGE)
    planted = [(DAYS - 1, grid, "150604", "工地拖欠工资")] * 6 + [
        (DAYS - 1, grid, "011003", "再不解决我就跳楼")
    ]
    findings, _ = engine.analyse(snapshot(city, planted), PARAMS)
    assert (findings[0].kind, findings[0].entity, findings[0].detail["keywords"]) == (
        "keyword",
        "极端",
        ["跳楼"],
    )


def test_a_quiet_day_raises_few_alarms(city):
    findings, _ = engine.analyse(snapshot(city, []), PARAMS)
    series = [f for f in findings if f.kind == "series"]
    # The budget is 0.2 expected false alarms per county per day; Hebi has 7 county-level units.
    assert len(series) <= 5, [(f.area_code, f.category_code, f.p_value) for f in series]


def test_grids_without_centroids_leave_the_other_searches_working(city):
    grid = first_grid(city, VILLAGE)
    s = snapshot(city, [(DAYS - 1, grid, "150604", "再不发工资就跳楼")] * 6)
    s.grid_lon[:], s.grid_lat[:] = np.nan, np.nan  # a city whose grids have no place yet
    findings, _ = engine.analyse(s, PARAMS)
    kinds = {f.kind for f in findings}
    assert "cluster" not in kinds and {"keyword", "series"} <= kinds
