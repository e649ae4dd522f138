"""The count cube behind the nightly run: a case counts at every level of
both trees, only pairs that occur get a row, the roots hold every case,
weeks end on the last day, and an alarm's row and window lead back to
exactly the cases behind it."""

import itertools

import numpy as np
import pytest

from intel.cubes import Tree, build_cube, weekly

# Area: 0 district; 1, 2 townships; 3, 4 villages of 1 and 5 of 2; grids 6, 7 of 3, 8 of 4, 9 of 5.
AREA = Tree([-1, 0, 0, 1, 1, 2, 3, 3, 4, 5])
# Category: 0 all; 1 环境, 2 劳资; 3 噪音 and 4 垃圾 under 环境; 5 欠薪 under 劳资.
CATEGORY = Tree([-1, 0, 0, 1, 1, 2])


def _random_cases(n: int, days: int, seed: int = 1) -> dict:
    rng = np.random.default_rng(seed)
    area = rng.choice([6, 7, 8, 9, 4], n)  # 4: filed at a village without a grid
    category = rng.choice([3, 4, 5, 2], n)
    category[area == 9] = 5  # township 2 has only wage complaints: its 环境 pairs never occur
    return {"day": rng.integers(-3, days + 3, n), "area": area, "category": category}  # some days outside


def _naive(cases: dict, days: int) -> dict:
    """(area, category) → daily counts, case by case through the ancestors."""
    out: dict = {}
    for d, a, c in zip(cases["day"], cases["area"], cases["category"], strict=True):
        if not 0 <= d < days:
            continue
        for pair in itertools.product(AREA.ancestors(a), CATEGORY.ancestors(c)):
            out.setdefault(pair, np.zeros(days, dtype=int))[d] += 1
    return out


def test_the_tree_knows_depth_and_ancestors():
    assert AREA.ancestors(6) == [6, 3, 1, 0]  # leaf to root
    assert AREA.depth.tolist() == [0, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    assert AREA.levels == 4
    assert AREA.is_under([6, 8, 9, 1], 1).tolist() == [True, True, False, True]
    with pytest.raises(ValueError, match="cycle"):
        Tree([1, 0])


def test_one_case_counts_at_every_level_of_both_trees():
    cube = build_cube(day=[2], area=[6], category=[3], area_tree=AREA, category_tree=CATEGORY, days=5)
    pairs = {
        (a, c) for a in (6, 3, 1, 0) for c in (3, 1, 0)
    }  # grid, village, township, district × 噪音, 环境, all
    assert set(zip(cube.area.tolist(), cube.category.tolist(), strict=True)) == pairs
    assert cube.counts.shape == (12, 5)
    assert cube.counts.dtype == np.int32
    assert (cube.counts[:, 2] == 1).all() and cube.counts.sum() == 12


def test_every_row_equals_a_case_by_case_count_and_only_occurring_pairs_have_rows():
    cases = _random_cases(3000, days=40)
    cube = build_cube(**cases, area_tree=AREA, category_tree=CATEGORY, days=40)
    naive = _naive(cases, 40)
    assert len(cube.counts) == len(naive)  # sparse: a row per pair with cases, no more
    assert (2, 1) not in naive and cube.row(2, 1) is None
    for (a, c), series in naive.items():
        assert cube.counts[cube.row(a, c)].tolist() == series.tolist()
    assert (cube.counts.sum(axis=1) > 0).all()
    assert [(a, c) for a, c in zip(cube.area, cube.category, strict=True)] == sorted(naive)


def test_the_roots_hold_every_case_of_each_day_and_days_out_of_range_are_ignored():
    cases = _random_cases(2000, days=30, seed=2)
    cube = build_cube(**cases, area_tree=AREA, category_tree=CATEGORY, days=30)
    inside = cases["day"][(cases["day"] >= 0) & (cases["day"] < 30)]
    assert len(inside) < 2000  # the generator did put cases outside
    assert cube.counts[cube.row(0, 0)].tolist() == np.bincount(inside, minlength=30).tolist()


def test_a_pair_without_cases_has_no_row():
    cube = build_cube(
        day=[0, 1], area=[6, 9], category=[3, 5], area_tree=AREA, category_tree=CATEGORY, days=3
    )
    assert cube.row(9, 3) is None  # grid 9 had no 噪音
    assert cube.row(2, 1) is None  # nor did its township any 环境
    assert cube.row(2, 2) is not None
    assert cube.row(99, 0) is None


def test_min_total_drops_thin_series():
    cases = {"day": [0, 1, 2, 3], "area": [6, 6, 6, 9], "category": [3, 3, 3, 5]}
    cube = build_cube(**cases, area_tree=AREA, category_tree=CATEGORY, days=5, min_total=3)
    assert cube.row(6, 3) is not None and cube.row(9, 5) is None
    assert cube.counts[cube.row(0, 0)].sum() == 4
    assert (cube.counts.sum(axis=1) >= 3).all()


def test_weekly_blocks_end_on_the_last_day():
    days = np.arange(17)  # day i holds i cases
    weeks = weekly(days)
    assert weeks.tolist() == [sum(range(3, 10)), sum(range(10, 17))]  # days 0–2 are dropped
    assert weekly(np.tile(days, (2, 1))).shape == (2, 2)
    assert weekly(np.ones(6)).shape == (0,)


def test_cases_gives_back_exactly_the_cases_behind_a_row_and_window():
    cases = _random_cases(1500, days=20, seed=3)
    cube = build_cube(**cases, area_tree=AREA, category_tree=CATEGORY, days=20)
    for (a, c), (first, last) in itertools.product(
        [(3, 1), (6, 3), (1, 0), (4, 2), (0, 0)], [(0, 19), (5, 9)]
    ):
        row = cube.row(a, c)
        found = cube.cases(row, first, last, **cases)
        expected = [
            i
            for i in range(1500)
            if first <= cases["day"][i] <= last
            and a in AREA.ancestors(cases["area"][i])
            and c in CATEGORY.ancestors(cases["category"][i])
        ]
        assert found.tolist() == expected
        assert len(found) == cube.counts[row, first : last + 1].sum()


def test_cases_all_outside_the_period_give_an_empty_cube():
    cases = {"day": [-1, 5, 7], "area": [6, 6, 9], "category": [3, 3, 5]}
    cube = build_cube(**cases, area_tree=AREA, category_tree=CATEGORY, days=5)
    assert cube.counts.shape == (0, 5)
    assert cube.row(0, 0) is None
