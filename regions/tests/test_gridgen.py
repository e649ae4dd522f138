"""The demo's synthetic partition tiles its parent: no gaps, no overlaps."""

import json

import numpy as np
import pytest
import shapely
from django.conf import settings
from shapely.geometry import shape

from regions.gridgen import split, tile_tree


@pytest.fixture(scope="module")
def qixian():
    data = json.loads((settings.DEMO_DATA_DIR / "410600_full.json").read_text())
    (feature,) = [f for f in data["features"] if f["properties"]["adcode"] == 410622]
    return shape(feature["geometry"])


def test_cells_tile_the_parent_without_gaps_or_overlaps(qixian):
    cells = split(qixian, 9, np.random.default_rng(1))
    assert len(cells) == 9
    total = sum(c.area for c in cells)
    union = shapely.union_all(cells)
    assert total == pytest.approx(qixian.area, rel=1e-9)  # no overlaps
    assert union.symmetric_difference(qixian).area < qixian.area * 1e-9  # no gaps
    assert all(c.is_valid and not c.is_empty for c in cells)


def test_a_tree_of_cells_nests_inside_each_level(qixian):
    children = {"T": ["A", "B", "C"], "A": ["A1", "A2"], "B": ["B1"], "C": ["C1", "C2", "C3"]}
    cells = tile_tree({"T": qixian}, children, seed=7)
    for parent, kids in children.items():
        parent_geom = qixian if parent == "T" else cells[parent]
        assert sum(cells[k].area for k in kids) == pytest.approx(parent_geom.area, rel=1e-9)
        for k in kids:
            assert parent_geom.buffer(1e-9).contains(cells[k])


def test_the_same_seed_gives_the_same_cells(qixian):
    a = tile_tree({"410622000000": qixian}, {"410622000000": ["1", "2", "3", "4"]}, seed=5)
    b = tile_tree({"410622000000": qixian}, {"410622000000": ["1", "2", "3", "4"]}, seed=5)
    c = tile_tree({"410622000000": qixian}, {"410622000000": ["1", "2", "3", "4"]}, seed=6)
    assert all(a[k].equals_exact(b[k], 0) for k in a)
    assert not all(a[k].equals_exact(c[k], 1e-6) for k in a)
