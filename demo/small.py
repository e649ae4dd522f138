"""A small city for the tests: a few dozen rows instead of the demo's 10,000 grids.

The demo's real codes and names for three counties — 淇滨区 (where the demo's
``mediator``, ``inspector``, ``dispatcher_410611`` and ``gw410611101001001``
logins work), 淇县 (the ``qixian_*`` logins) and 浚县 (another county, for
scope tests) — with four townships, five villages and six grids, every
polygon a square of about 500 m. The org units, staff, mediators and routing
rules are made by the demo's own builders, so usernames, roles, units and
the password are the demo's. Building takes under a second (the suite's
``small_city`` fixture builds it once, then writes the same rows for each
test in about 10 ms).
"""

from __future__ import annotations

from functools import cached_property

import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from accounts.models import User
from demo.disputes import build_mediators
from demo.services import build_demo_staff, build_org_units, ensure_routing_rules, staff_grids, staff_units
from orgs.models import OrgUnit
from regions import codes
from regions.models import Area, Grid, GridKind
from regions.services import grids_changed

CITY = "410600000000"
ABOVE_VILLAGES = {  # code → name; the level and the parent follow from the code
    "410000000000": "河南省",
    CITY: "鹤壁市",
    "410611000000": "淇滨区",
    "410611101000": "钜桥镇",
    "410621000000": "浚县",
    "410621001000": "卫溪街道",
    "410622000000": "淇县",
    "410622001000": "朝歌街道",
    "410622004000": "灵山街道",
}
# code, name, south-west corner (lon, lat) of the village's square, grids
# (a village with two grids is split into a west and an east half).
VILLAGES = (
    ("410611101001", "刘寨社区居民委员会", (114.280, 35.73), 2),
    ("410611101002", "王寨社区居民委员会", (114.285, 35.73), 1),
    ("410621001001", "东街社区居民委员会", (114.540, 35.66), 1),
    ("410622001001", "上关居民委员会", (114.190, 35.60), 1),
    ("410622004200", "赵庄村民委员会", (114.195, 35.60), 1),
)
SIDE = 0.005  # degrees: about 450 m east-west, 550 m north-south


class SmallCity:
    """The small city in the database; each part is read when first asked for."""

    @cached_property
    def areas(self) -> dict[str, Area]:  # code → area, province to villages
        return {a.code: a for a in Area.objects.filter(code__in=[*ABOVE_VILLAGES, *(v[0] for v in VILLAGES)])}

    @property
    def city(self) -> Area:
        return self.areas[CITY]

    @property
    def villages(self) -> list[Area]:
        return [a for a in self.areas.values() if codes.level_of(a.code) == codes.Level.VILLAGE]

    @cached_property
    def grids(self) -> dict[str, Grid]:  # code → grid, with its village and chief
        return {g.code: g for g in Grid.objects.select_related("village", "chief")}

    @cached_property
    def units(self) -> dict[str, OrgUnit]:  # name → unit
        return {u.name: u for u in OrgUnit.objects.all()}

    @cached_property
    def users(self) -> dict[str, User]:  # username → user, with their unit
        return {u.username: u for u in User.objects.select_related("org_unit")}


def build_small_city() -> SmallCity:
    """Build the small city with the normal models and the demo's builders."""
    areas = _build_areas()
    _build_grids(areas)
    build_org_units()
    build_demo_staff()
    staff_grids()
    staff_units()
    build_mediators()
    ensure_routing_rules()
    return SmallCity()


def _build_areas() -> dict[str, Area]:
    squares = {code: box(x, y, x + SIDE, y + SIDE) for code, _, (x, y), _ in VILLAGES}
    names = ABOVE_VILLAGES | {code: name for code, name, *_ in VILLAGES}
    areas: dict[str, Area] = {}
    for code in sorted(names):  # a parent's code sorts before its children's
        parent = codes.parent_code_of(code)
        area = Area(code=code, name=names[code], level=codes.level_of(code), parent=areas.get(parent))
        inside = [square for village, square in squares.items() if codes.is_within(village, code)]
        if code != "410000000000":  # the province has no polygon, as in the demo
            _place(area, shapely.union_all(inside))
        area.full_clean(validate_unique=False)  # the parent must exist: saved one by one
        area.save(force_insert=True)
        areas[code] = area
    return areas


def _build_grids(areas: dict[str, Area]) -> None:
    grids = []
    for code, name, (x, y), count in VILLAGES:
        short, width = codes.short_village_name(name), SIDE / count
        for i in range(1, count + 1):
            grid = Grid(
                code=f"{code}{i:03d}", name=f"{short}第{i}网格", kind=GridKind.BASIC, village=areas[code],
                households=300, party_branch_name=f"{short}第{i}网格党支部",
            )  # fmt: skip
            _place(grid, box(x + (i - 1) * width, y, x + i * width, y + SIDE))
            grid.full_clean(validate_unique=False)
            grids.append(grid)
    Grid.objects.bulk_create(grids)
    grids_changed()


def _place(obj: Area | Grid, geom: BaseGeometry) -> None:
    obj.boundary = geom
    obj.centroid_lon, obj.centroid_lat = round(geom.centroid.x, 6), round(geom.centroid.y, 6)
    obj.boundary_synthetic = True  # squares, not surveyed boundaries
