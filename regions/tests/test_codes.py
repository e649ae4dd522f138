import pytest

from regions import codes


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("410000000000", codes.Level.PROVINCE),
        ("410600000000", codes.Level.CITY),
        ("410622000000", codes.Level.COUNTY),
        ("410611101000", codes.Level.TOWNSHIP),
        ("410611101201", codes.Level.VILLAGE),
    ],
)
def test_level_comes_from_the_code(code, level):
    assert codes.level_of(code) == level


def test_parent_and_prefix_follow_the_hierarchy():
    assert codes.parent_code_of("410611101201") == "410611101000"
    assert codes.parent_code_of("410611101000") == "410611000000"
    assert codes.parent_code_of("410600000000") == "410000000000"
    assert codes.parent_code_of("410000000000") is None
    assert codes.prefix_of("410622000000") == "410622"
    assert codes.is_within("410622101001003", "410622000000")  # a grid in 淇县
    assert not codes.is_within("410621101001003", "410622000000")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("410602001000", "subdistrict"),  # 中山北路街道
        ("410602100000", "town"),  # 鹤壁集镇
        ("410602201000", "township"),  # 姬家山乡
        ("410671400000", "township_like"),  # 开发区 龙岗街道 (类似乡级单位)
    ],
)
def test_township_kind_from_code(code, kind):
    assert codes.township_kind(code) == kind


def test_village_kind_from_code():
    assert codes.village_kind("410602001001") == "community"
    assert codes.village_kind("410611101201") == "village"
    assert codes.village_kind("410621101500") == "village_like"  # 农场生活区


@pytest.mark.parametrize("bad", ["41062200000", "4106220000001", "41062200000a", "", None])
def test_malformed_codes_are_rejected(bad):
    with pytest.raises(codes.CodeError):
        codes.validate_area_code(bad)


def test_grid_codes_need_a_nonzero_sequence():
    assert codes.validate_grid_code("410611101201003")
    with pytest.raises(codes.CodeError):
        codes.validate_grid_code("410611101201000")


def test_short_village_names():
    assert codes.short_village_name("西一巷社区居民委员会") == "西一巷社区"
    assert codes.short_village_name("大河涧村民委员会") == "大河涧村"
    assert codes.short_village_name("农场六分场生活区") == "农场六分场生活区"
