"""Statistical division codes (统计用区划代码): parsing and classification.

Pure Python, no Django import. A code has 12 digits:
``PP CC DD TTT VVV`` — province, city, county (GB/T 2260), township (GB/T 10114)
and village/community. A grid code appends a 3-digit sequence to its
village code (``<12 digits><3 digits>``).

Because the code is hierarchical, the subtree of any unit is exactly the set of
codes that start with the unit's *prefix*; data scopes and rollups rely on that.
"""

from __future__ import annotations

import itertools
import re
from enum import IntEnum

AREA_CODE_RE = re.compile(r"^\d{12}$")
GRID_CODE_RE = re.compile(r"^\d{15}$")


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5


# Number of leading digits that identify a unit of each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


class CodeError(ValueError):
    """A code that is not a valid 12-digit division code (or 15-digit grid code)."""


_SEGMENTS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))


def validate_area_code(code: str) -> str:
    if not isinstance(code, str) or not AREA_CODE_RE.match(code):
        raise CodeError(f"区划代码必须是12位数字 / area code must be 12 digits: {code!r}")
    zero = [int(code[a:b]) == 0 for a, b in _SEGMENTS]
    # A unit's own segment is non-zero and everything after it is zero, so
    # 410622000001 (a village directly under a county) is not a code. The one
    # exception: cities without counties (东莞 441900, 中山 442000, 嘉峪关 620200,
    # 儋州 460400) number their townships directly, with county segment 00.
    gaps = [i for i, (z, later) in enumerate(itertools.pairwise(zero)) if z and not later]
    if zero[0] or any(i != 2 for i in gaps):
        raise CodeError(f"区划代码的层级段不连续 / code has a zero segment above a non-zero one: {code}")
    return code


def validate_grid_code(code: str) -> str:
    if not isinstance(code, str) or not GRID_CODE_RE.match(code):
        raise CodeError(f"网格编码必须是15位数字 / grid code must be 15 digits: {code!r}")
    if code[12:] == "000":
        raise CodeError(f"网格序号不能为000 / grid sequence cannot be 000: {code!r}")
    return code


def level_of(code: str) -> Level:
    """The level implied by the code's trailing zeros."""
    validate_area_code(code)
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWNSHIP
    return Level.VILLAGE


def prefix_of(code: str, level: Level | int | None = None) -> str:
    """The leading digits shared by every unit (and grid) inside ``code``."""
    lvl = Level(level) if level is not None else level_of(code)
    return code[: PREFIX_LENGTH[lvl]]


def parent_code_of(code: str) -> str | None:
    """The code of the enclosing unit, or None for a province."""
    lvl = level_of(code)
    if lvl == Level.PROVINCE:
        return None
    keep = PREFIX_LENGTH[Level(lvl - 1)]
    return code[:keep].ljust(12, "0")


def is_within(code: str, ancestor_code: str) -> bool:
    """True if ``code`` (area or grid) lies in the subtree of ``ancestor_code``."""
    return code.startswith(prefix_of(ancestor_code))


# 乡级单位 type from the township segment (GB/T 10114): 001–099 街道, 100–199 镇,
# 200–399 乡 (incl. 民族乡/苏木), 400–599 类似乡级单位 (development zones, farms…).
TOWNSHIP_KINDS = (
    (1, 99, "subdistrict"),  # 街道
    (100, 199, "town"),  # 镇
    (200, 399, "township"),  # 乡
    (400, 599, "township_like"),  # 类似乡级单位
)

# 村级单位 type from the village segment: 001–199 居民委员会 (community),
# 200–399 村民委员会 (village), 400+ 类似村级单位 (farm living quarters…).
VILLAGE_KINDS = (
    (1, 199, "community"),  # 社区居民委员会
    (200, 399, "village"),  # 村民委员会
    (400, 999, "village_like"),  # 类似村级单位
)


def _kind_from(segment: int, table: tuple[tuple[int, int, str], ...]) -> str:
    for low, high, kind in table:
        if low <= segment <= high:
            return kind
    return "other"


def township_kind(code: str) -> str:
    if level_of(code) != Level.TOWNSHIP:
        raise CodeError(f"不是乡级代码 / not a township-level code: {code}")
    return _kind_from(int(code[6:9]), TOWNSHIP_KINDS)


def village_kind(code: str) -> str:
    if level_of(code) != Level.VILLAGE:
        raise CodeError(f"不是村级代码 / not a village-level code: {code}")
    return _kind_from(int(code[9:12]), VILLAGE_KINDS)


# Province-level units (GB/T 2260), so that importing a city's file can create
# its province when the file itself starts at city level.
PROVINCES = {
    "110000000000": "北京市", "120000000000": "天津市", "130000000000": "河北省",
    "140000000000": "山西省", "150000000000": "内蒙古自治区", "210000000000": "辽宁省",
    "220000000000": "吉林省", "230000000000": "黑龙江省", "310000000000": "上海市",
    "320000000000": "江苏省", "330000000000": "浙江省", "340000000000": "安徽省",
    "350000000000": "福建省", "360000000000": "江西省", "370000000000": "山东省",
    "410000000000": "河南省", "420000000000": "湖北省", "430000000000": "湖南省",
    "440000000000": "广东省", "450000000000": "广西壮族自治区", "460000000000": "海南省",
    "500000000000": "重庆市", "510000000000": "四川省", "520000000000": "贵州省",
    "530000000000": "云南省", "540000000000": "西藏自治区", "610000000000": "陕西省",
    "620000000000": "甘肃省", "630000000000": "青海省", "640000000000": "宁夏回族自治区",
    "650000000000": "新疆维吾尔自治区", "710000000000": "台湾省",
    "810000000000": "香港特别行政区", "820000000000": "澳门特别行政区",
}  # fmt: skip


def short_village_name(name: str) -> str:
    """西一巷社区居民委员会 → 西一巷社区, 大河涧村民委员会 → 大河涧村."""
    for suffix, short in (
        ("社区居民委员会", "社区"),
        ("居民委员会", "社区"),
        ("村民委员会", "村"),
        ("村委会", "村"),
    ):
        if name.endswith(suffix):
            return name[: -len(suffix)] + short
    return name
