"""Exports of areas and grids back to CSV and GeoJSON.

The CSV of areas is the format ``import_areas`` reads; the GeoJSON carries
``code`` so ``import_boundaries`` reads it back. Callers pass a queryset that
a selector has already scoped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from django.db.models import QuerySet
from shapely.geometry import mapping

from regions.models import Area, Grid

GRID_COLUMNS = (
    "code", "name", "kind", "village_code", "households", "party_branch_name",
    "party_branch_secretary", "centroid_lon", "centroid_lat", "boundary_synthetic",
)  # fmt: skip


def write_areas_csv(areas: QuerySet[Area], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(["code", "name", "level", "parent_code", "level_name"])
    n = 0
    for a in areas.order_by("code").iterator(chunk_size=2000):
        level_name = ("", "province", "city", "county", "township", "village")[a.level]
        writer.writerow([a.code, a.name, a.level, a.parent_id or "", level_name])
        n += 1
    return n


def write_grids_csv(grids: QuerySet[Grid], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(GRID_COLUMNS)
    n = 0
    for g in grids.order_by("code").iterator(chunk_size=2000):
        writer.writerow(
            [g.code, g.name, g.kind, g.village_id, g.households, g.party_branch_name,
             g.party_branch_secretary, g.centroid_lon, g.centroid_lat, int(g.boundary_synthetic)]
        )  # fmt: skip
        n += 1
    return n


def area_feature(a: Area) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "parent_code": a.parent_id,
            "centroid": [a.centroid_lon, a.centroid_lat],
            "synthetic": a.boundary_synthetic,
        },
        "geometry": mapping(a.boundary) if a.boundary is not None else None,
    }


def grid_feature(g: Grid) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "code": g.code,
            "name": g.name,
            "kind": g.kind,
            "village_code": g.village_id,
            "households": g.households,
            "centroid": [g.centroid_lon, g.centroid_lat],
            "synthetic": g.boundary_synthetic,
        },
        "geometry": mapping(g.boundary) if g.boundary is not None else None,
    }


def write_geojson(features: Iterable[dict], out: IO[str]) -> int:
    """Stream a FeatureCollection without holding every feature in memory."""
    out.write('{"type":"FeatureCollection","features":[\n')
    n = 0
    for feature in features:
        if n:
            out.write(",\n")
        out.write(json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n
