"""GridLocator answers: one grid per point, deterministic on borders."""

import numpy as np
import pytest
from shapely.geometry import box

from regions.locator import OUTSIDE, GridLocator

# Four unit squares in a 2×2 block; codes deliberately not in spatial order.
SQUARES = {
    "410000000001004": box(0, 0, 1, 1),
    "410000000001002": box(1, 0, 2, 1),
    "410000000001003": box(0, 1, 1, 2),
    "410000000001001": box(1, 1, 2, 2),
}


@pytest.fixture(params=[8_000_000, 0], ids=["raster", "tree-only"])
def locator(request):
    return GridLocator(list(SQUARES), list(SQUARES.values()), max_cells=request.param)


def test_interior_points_get_their_grid(locator):
    assert locator.locate(0.5, 0.5) == "410000000001004"
    assert locator.locate(1.5, 1.5) == "410000000001001"
    assert list(locator.locate_many([0.2, 1.7, 0.3], [1.2, 0.4, 0.3])) == [
        "410000000001003",
        "410000000001002",
        "410000000001004",
    ]


def test_points_on_a_shared_border_get_exactly_one_grid_the_smallest_code(locator):
    # (1, 0.5) is on the border of ...004 and ...002; (1, 1) touches all four.
    assert locator.locate(1.0, 0.5) == "410000000001002"
    assert locator.locate(1.0, 1.0) == "410000000001001"
    assert locator.locate(0.5, 1.0) == "410000000001003"
    batch = locator.locate_many([1.0, 1.0, 0.5], [0.5, 1.0, 1.0])
    assert list(batch) == ["410000000001002", "410000000001001", "410000000001003"]


def test_points_outside_every_grid_are_outside_jurisdiction(locator):
    assert locator.locate(5.0, 5.0) == OUTSIDE
    assert locator.locate(-0.001, 0.5) == OUTSIDE
    assert list(locator.locate_many([5.0, np.nan, 0.5], [5.0, 0.5, 0.5])) == [
        OUTSIDE,
        OUTSIDE,
        "410000000001004",
    ]


def test_batch_single_and_exact_paths_agree_on_many_points(demo_grids):
    codes, geoms = demo_grids
    fast = GridLocator(codes, geoms)
    exact = GridLocator(codes, geoms, max_cells=0)
    rng = np.random.default_rng(3)
    minx, miny, maxx, maxy = 114.0, 35.5, 114.7, 36.1
    lon = rng.uniform(minx, maxx, 50_000)
    lat = rng.uniform(miny, maxy, 50_000)
    # Add points exactly on grid vertices (shared borders) to the random ones.
    vertices = np.array([g.exterior.coords[0] for g in geoms[:2000] if g.geom_type == "Polygon"])
    lon = np.concatenate([lon, vertices[:, 0]])
    lat = np.concatenate([lat, vertices[:, 1]])
    batch = fast.locate_many(lon, lat)
    assert (batch == exact.locate_many(lon, lat)).all()
    assert [fast.locate(x, y) for x, y in zip(lon[:3000], lat[:3000], strict=True)] == list(batch[:3000])
    assert (batch[-len(vertices) :] != OUTSIDE).all()


@pytest.fixture(scope="module")
def demo_grids():
    """The demo's generated grids for 淇县, without touching the database."""
    import csv
    import json

    from django.conf import settings
    from shapely.geometry import shape

    from regions.gridgen import tile_tree

    data = json.loads((settings.DEMO_DATA_DIR / "410600_full.json").read_text())
    (county,) = [f for f in data["features"] if f["properties"]["adcode"] == 410622]
    children: dict[str, list[str]] = {}
    with open(settings.DEMO_DATA_DIR / "hebi_admin_divisions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["code"].startswith("410622"):
                children.setdefault(row["parent_code"], []).append(row["code"])
                if row["level"] == "5":
                    children[row["code"]] = [f"{row['code']}{i:03d}" for i in range(1, 11)]
    cells = tile_tree({"410622000000": shape(county["geometry"])}, children, seed=1)
    grids = {k: v for k, v in cells.items() if len(k) == 15}
    return list(grids), list(grids.values())


def test_non_polygon_grids_are_refused():
    from shapely.geometry import GeometryCollection, LineString

    odd = GeometryCollection([box(0, 0, 1, 1), LineString([(1, 1), (2, 2)])])
    with pytest.raises(ValueError, match="410000000001009 is not a polygon"):
        GridLocator(["410000000001001", "410000000001009"], [box(1, 1, 2, 2), odd])
