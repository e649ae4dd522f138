"""GridLocator: which grid is this point in? Pure Python + numpy + shapely 2.

No Django import; the Django side builds one from the Grid table and rebuilds it
when grids change (see ``regions.services.grid_locator``).

Answers are deterministic: a point inside exactly one grid gets that grid; a
point on the border shared by several grids (or, with bad data, inside an
overlap) gets the grid with the smallest code; a point outside every grid gets
``OUTSIDE`` ("outside jurisdiction").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import shapely
from scipy import ndimage
from shapely.geometry.base import BaseGeometry

OUTSIDE = ""  # the answer for a point outside every grid (不在辖区内)

_BORDER = -2  # raster cell crossed by (or next to) a grid boundary: ask the tree


class GridLocator:
    def __init__(
        self,
        codes: Sequence[str],
        geometries: Sequence[BaseGeometry],
        max_cells: int = 8_000_000,
    ):
        if len(codes) != len(geometries):
            raise ValueError("codes and geometries differ in length")
        kinds = shapely.get_type_id(np.asarray(geometries, dtype=object))
        bad = np.flatnonzero(~np.isin(kinds, (3, 6)))  # Polygon, MultiPolygon
        if len(bad):
            raise ValueError(f"grid {codes[bad[0]]} is not a polygon: every grid must be (Multi)Polygon")
        order = np.argsort(np.asarray(codes, dtype=object).astype(str), kind="stable")
        # Sorted by code, so "smallest index" is "smallest code" in tie-breaks.
        self.codes = np.asarray(codes, dtype=object)[order]
        self.geometries = np.asarray(geometries, dtype=object)[order]
        self.tree = shapely.STRtree(self.geometries)
        shapely.prepare(self.geometries)
        self._build_raster(max_cells)

    def __len__(self) -> int:
        return len(self.codes)

    def _build_raster(self, max_cells: int) -> None:
        """A regular raster over the grids' extent whose cells say either "this
        whole cell lies in grid i" (or outside every grid) or "a boundary runs
        through here". Most points fall in whole cells and are answered by one
        array lookup; only points near a boundary need the exact tree query.

        A cell is marked as border if it is within one cell of a sample taken
        along every grid boundary at most half a cell apart, so no boundary can
        cross an unmarked cell. Unmarked cells form connected regions that each
        lie inside one grid (or outside all), so one exact query per region
        labels the whole raster.
        """
        self._raster = None
        if len(self.geometries) == 0 or max_cells <= 0:
            return
        minx, miny, maxx, maxy = shapely.total_bounds(self.geometries)
        size = math.sqrt(max((maxx - minx) * (maxy - miny), 1e-12) / max_cells)
        nx = int((maxx - minx) / size) + 1
        ny = int((maxy - miny) / size) + 1
        border_lines = shapely.segmentize(shapely.boundary(self.geometries), size / 2)
        xy = shapely.get_coordinates(border_lines)
        ix = np.clip(((xy[:, 0] - minx) / size).astype(np.int64), 0, nx - 1)
        iy = np.clip(((xy[:, 1] - miny) / size).astype(np.int64), 0, ny - 1)
        border = np.zeros((ny, nx), dtype=bool)
        border[iy, ix] = True
        border = ndimage.binary_dilation(border, structure=np.ones((3, 3), dtype=bool))
        regions, n_regions = ndimage.label(~border)
        flat = regions.ravel()
        cells = np.flatnonzero(flat)
        any_cell = np.zeros(n_regions + 1, dtype=np.int64)
        any_cell[flat[cells]] = cells  # any cell of a region stands for all of it
        rep = any_cell[1:]
        rep_x = minx + (rep % nx + 0.5) * size
        rep_y = miny + (rep // nx + 0.5) * size
        # int16 halves the raster's memory for any city with < 32,767 grids.
        dtype = np.int16 if len(self.codes) < np.iinfo(np.int16).max else np.int32
        region_grid = np.empty(n_regions + 1, dtype=dtype)
        region_grid[0] = _BORDER
        region_grid[1:] = self._locate_exact(shapely.points(rep_x, rep_y))
        self._raster = region_grid[regions]
        self._origin = (minx, miny)
        self._cell = size
        self._shape = (ny, nx)

    def locate_indices(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index into ``self.codes`` for each point, or -1 when outside."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        if self._raster is None:
            return self._locate_exact(shapely.points(lon, lat))
        ny, nx = self._shape
        fx = (lon - self._origin[0]) / self._cell
        fy = (lat - self._origin[1]) / self._cell
        inside = (fx >= 0) & (fx < nx) & (fy >= 0) & (fy < ny)
        result = np.full(len(lon), -1, dtype=np.int64)
        ix = fx[inside].astype(np.int64)
        iy = fy[inside].astype(np.int64)
        result[inside] = self._raster[iy, ix]
        near_border = np.flatnonzero(result == _BORDER)
        if len(near_border):
            result[near_border] = self._locate_exact(shapely.points(lon[near_border], lat[near_border]))
        return result

    def _locate_exact(self, points: np.ndarray) -> np.ndarray:
        """Exact answer from the tree: index per point, or -1 when outside."""
        result = np.full(len(points), -1, dtype=np.int64)
        # Interior hits first: the common case, one grid per point.
        _assign_smallest(result, *self.tree.query(points, predicate="within"))
        missing = np.flatnonzero(result < 0)
        if len(missing):
            # Points on a border are not "within" any grid; "intersects" finds
            # every grid they touch, and the smallest code wins.
            sub = np.full(len(missing), -1, dtype=np.int64)
            _assign_smallest(sub, *self.tree.query(points[missing], predicate="intersects"))
            result[missing] = sub
        return result

    def locate_many(self, lon: Sequence[float], lat: Sequence[float]) -> np.ndarray:
        """Grid code for each point (``OUTSIDE`` when outside every grid)."""
        idx = self.locate_indices(np.asarray(lon), np.asarray(lat))
        codes = np.append(self.codes, OUTSIDE)
        return codes[idx]  # -1 picks the appended OUTSIDE

    def near(self, lon: float, lat: float, metres: float) -> list[str]:
        """Codes of the grids within about ``metres`` of the point (a little
        more, never less: the degree box is sized for the point's latitude)."""
        degrees = metres / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        found = self.tree.query(shapely.Point(lon, lat), predicate="dwithin", distance=degrees)
        return sorted(str(c) for c in self.codes[found])

    def locate(self, lon: float, lat: float) -> str:
        """Grid code for one point, or ``OUTSIDE``."""
        if self._raster is not None:
            ny, nx = self._shape
            fx = (lon - self._origin[0]) / self._cell
            fy = (lat - self._origin[1]) / self._cell
            if not (0 <= fx < nx and 0 <= fy < ny):
                return OUTSIDE
            idx = int(self._raster[int(fy), int(fx)])
            if idx != _BORDER:
                return self.codes[idx] if idx >= 0 else OUTSIDE
        idx = int(self._locate_exact(np.array([shapely.Point(lon, lat)]))[0])
        return self.codes[idx] if idx >= 0 else OUTSIDE


def _assign_smallest(result: np.ndarray, point_idx: np.ndarray, grid_idx: np.ndarray) -> None:
    """For each point with hits, store its smallest grid index (= smallest code)."""
    if not len(point_idx):
        return
    order = np.lexsort((grid_idx, point_idx))
    point_sorted, grid_sorted = point_idx[order], grid_idx[order]
    first = np.ones(len(point_sorted), dtype=bool)
    first[1:] = point_sorted[1:] != point_sorted[:-1]
    result[point_sorted[first]] = grid_sorted[first]
