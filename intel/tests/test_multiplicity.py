"""Turning thousands of daily p-values into alarms a district can read: the
per-district budget holds on simulated null days, Benjamini–Hochberg
matches a hand-worked example, an untestable series never alarms, and the
ranking shows a village before the township alarm it explains."""

import numpy as np

from intel.multiplicity import alarm_budget, benjamini_hochberg, rank

SIZES = [1, 3, 10, 30, 100, 300]  # series per district


def test_null_days_give_at_most_the_budget_of_false_alarms_per_district():
    rng = np.random.default_rng(8)
    n = np.array([SIZES[g % len(SIZES)] for g in range(50)])
    groups = np.repeat(np.arange(50), n)
    false_alarms = np.zeros((400, 50))
    for day in range(400):
        p = rng.uniform(size=len(groups))  # every series null: every alarm is false
        false_alarms[day] = np.bincount(groups[alarm_budget(p, groups=groups, budget=0.1)], minlength=50)
    assert false_alarms.mean() <= 0.115
    assert false_alarms.mean() >= 0.08  # the budget is spent, not wasted on a stricter level
    for size in SIZES:  # however many series a district has
        assert false_alarms[:, n == size].mean() <= 0.13


def test_the_budget_is_shared_by_the_tested_series_of_a_district_only():
    p = np.array([0.08, np.nan, 0.04, 0.06, 0.0, np.nan])
    groups = np.array(["淇滨", "淇滨", "山城", "山城", "鹤山", "鹤山"])
    # 淇滨: one tested series, alpha 0.1; 山城: two, alpha 0.05 each; NaN never alarms
    assert alarm_budget(p, groups=groups, budget=0.1).tolist() == [True, False, True, False, True, False]
    assert not alarm_budget(np.array([np.nan]), groups=np.array([1]), budget=1000).any()


def test_benjamini_hochberg_on_a_hand_worked_example():
    # Sorted: 0.001 ≤ 1·0.05/8 ✓, 0.013 > 2·0.00625 ✗, 0.015 ≤ 3·0.00625 = 0.01875 ✓, then all above their
    # thresholds: the largest k passing is 3, so the three smallest alarm (step-up: 0.013 too).
    p = np.array([0.015, 0.3, 0.001, 0.9, 0.013, 0.04, 0.6, 0.045])
    assert np.flatnonzero(benjamini_hochberg(p, q=0.05)).tolist() == [0, 2, 4]
    # Benjamini–Yekutieli: q / (1 + 1/2 + … + 1/8) = 0.0184; only 0.001 ≤ 1·0.0184/8 = 0.0023.
    assert np.flatnonzero(benjamini_hochberg(p, q=0.05, dependent=True)).tolist() == [2]


def test_nan_p_values_never_alarm_nor_count():
    p = np.array([0.015, 0.3, 0.001, 0.9, 0.013, 0.04, 0.6, 0.045, np.nan, np.nan])
    alarm = benjamini_hochberg(p, q=0.05)
    assert np.flatnonzero(alarm).tolist() == [0, 2, 4]  # as with the 8 tested values alone
    assert not benjamini_hochberg(np.full(4, np.nan), q=0.5).any()


# Area nodes: 0 district; 1 township A with villages 3, 4; 2 township B with villages 5, 6.
PARENT = np.array([-1, 0, 0, 1, 1, 2, 2])
DEPTH = np.array([0, 1, 1, 2, 2, 2, 2])
ALARMS = {  # node, p, observed, expected
    "township A": (1, 1e-6, 40, 20),  # excess 20
    "village A1": (3, 1e-4, 25, 8),  # excess 17: 85 % of township A's, it explains it
    "township B": (2, 1e-5, 50, 30),  # excess 20
    "village B1": (5, 1e-3, 12, 4),  # excess 8: 40 % of township B's, B is spread out
    "village B2": (6, 1e-2, 9, 3),
}


def _rank(parent_of):
    node, p, observed, expected = (np.array(v) for v in zip(*ALARMS.values(), strict=True))
    return rank(
        pvalue=p, observed=observed, expected=expected, node=node, parent_of=parent_of, depth=DEPTH[node]
    )


def test_a_township_explained_by_one_village_comes_after_it():
    order, explained_by = _rank(PARENT)
    names = list(ALARMS)
    shown = [names[i] for i in order]
    assert shown.index("village A1") < shown.index("township A")
    assert names[explained_by[names.index("township A")]] == "village A1"


def test_an_unexplained_township_keeps_its_place_by_p_value():
    order, explained_by = _rank(PARENT)
    names = list(ALARMS)
    assert [names[i] for i in order] == ["township B", "village A1", "township A", "village B1", "village B2"]
    assert explained_by[names.index("township B")] == -1
    assert (explained_by[[1, 2, 3, 4]] == -1).all()


def test_parent_of_may_be_a_function():
    by_array = _rank(PARENT)
    by_function = _rank(lambda x: int(PARENT[x]))
    assert by_function.order.tolist() == by_array.order.tolist()
    assert by_function.explained_by.tolist() == by_array.explained_by.tolist()


def test_the_most_specific_explaining_alarm_is_named():
    # A grid (7, under village 3) holds most of both its village's and its township's excess.
    parent = np.append(PARENT, 3)
    node = np.array([1, 3, 7])
    order, explained_by = rank(
        pvalue=[1e-6, 1e-5, 1e-3], observed=[40, 25, 22], expected=[20, 8, 6], node=node,
        parent_of=parent, depth=[1, 2, 3],
    )  # fmt: skip
    assert explained_by.tolist() == [2, 2, -1]
    assert order.tolist() == [2, 0, 1]
