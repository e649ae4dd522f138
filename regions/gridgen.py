"""Synthetic partition of a polygon into cells that tile it (for the demo city).

Pure Python + numpy + shapely, no Django import. Township, village and grid
boundaries are not public, so the demo generates them: seeded points inside the
parent, relaxed a few times (Lloyd) so cells look like plausible compact areas,
then Voronoi cells clipped to the parent. Cells of one parent share their edges
exactly (they come from one Voronoi diagram), so the children tile the parent
without gaps or overlaps up to floating-point rounding.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


def rng_for(seed: int, key: str) -> np.random.Generator:
    """A generator that depends only on the seed and the parent's code, so the
    result for one parent does not change when other parents are added."""
    return np.random.default_rng([seed, int(key) if key.isdigit() else zlib.crc32(key.encode())])


def random_points_in(polygon: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside ``polygon`` (rejection sampling)."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        batch = max(64, 4 * (n - have))
        xs = rng.uniform(minx, maxx, batch)
        ys = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(polygon, xs, ys)
        pts = np.column_stack([xs[inside], ys[inside]])
        found.append(pts)
        have += len(pts)
    return np.vstack(found)[:n]


def _clipped_cells(polygon: BaseGeometry, seeds: np.ndarray) -> list[BaseGeometry]:
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=polygon.envelope.buffer(1.0), ordered=True
    )
    cells = shapely.get_parts(diagram)
    return list(shapely.intersection(cells, polygon))


def split(polygon: BaseGeometry, n: int, rng: np.random.Generator, relax: int = 2) -> list[BaseGeometry]:
    """Split ``polygon`` into ``n`` cells that tile it, in seed order."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if n == 1:
        return [polygon]
    seeds = random_points_in(polygon, n, rng)
    for _ in range(relax):
        cells = _clipped_cells(polygon, seeds)
        # Lloyd step: move each seed to its cell's centre (kept inside the parent).
        seeds = np.array(
            [
                shapely.get_coordinates(shapely.point_on_surface(c))[0]
                if not polygon.contains(c.centroid)
                else (c.centroid.x, c.centroid.y)
                for c in cells
            ]
        )
    return [polygonal(c) for c in _clipped_cells(polygon, seeds)]


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygon parts of ``geom``: clipping a cell to a concave parent can
    leave stray lines or points where the two only touch, and a grid must be a
    Polygon or MultiPolygon."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def tile_tree(
    roots: Mapping[str, BaseGeometry],
    children: Mapping[str, Sequence[str]],
    seed: int,
    relax: int = 2,
) -> dict[str, BaseGeometry]:
    """Give every descendant of ``roots`` a cell of its parent's geometry.

    ``children`` maps a code to its child codes (in a stable order). Returns the
    geometry of every descendant (roots excluded).
    """
    out: dict[str, BaseGeometry] = {}
    stack = list(roots.items())
    while stack:
        code, geom = stack.pop()
        kids = list(children.get(code, ()))
        if not kids:
            continue
        cells = split(geom, len(kids), rng_for(seed, code), relax=relax)
        for kid, cell in zip(kids, cells, strict=True):
            out[kid] = cell
            stack.append((kid, cell))
    return out


def plan_city(
    parent_of: Mapping[str, str],
    roots: Mapping[str, BaseGeometry],
    *,
    seed: int,
    grids_per_village: tuple[int, int] = (7, 13),
    hosts: Mapping[str, str] | None = None,
) -> tuple[dict[str, BaseGeometry], dict[str, list[str]]]:
    """Cells for every township, village and grid below the ``roots``
    (counties with a real boundary).

    ``parent_of`` maps each area code to its parent code. ``hosts`` maps a
    county-level unit without a boundary (a development zone) to the county
    it is carved from: its townships share the host's polygon. Each village
    gets ``grids_per_village`` grids (inclusive range), coded
    ``<village code><001…>``. Returns the cells and the children map used.
    """
    children: dict[str, list[str]] = {}
    for code in sorted(parent_of):
        children.setdefault(parent_of[code], []).append(code)
    for guest, host in (hosts or {}).items():
        if host in roots:
            children[host] = children.get(host, []) + children.get(guest, [])
    low, high = grids_per_village
    for root in roots:
        for township in children.get(root, ()):
            for village in children.get(township, ()):
                n = int(rng_for(seed, village).integers(low, high + 1))
                children[village] = [f"{village}{i:03d}" for i in range(1, n + 1)]
    cells: dict[str, BaseGeometry] = {}
    for root, geom in roots.items():
        cells.update(tile_tree({root: geom}, children, seed=seed))
    return cells, children
