"""Public reads for the resident's pages: places (by code, by point), the
pin map of a village, and open reports nearby."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import mapping

from cases.models import Case
from cases.public import PublicCase, public_view
from intake.models import PlaceKind, Site
from regions.models import Area, AreaLevel, Grid
from regions.services import locate_grid
from triage import selectors as triage


@dataclass(frozen=True)
class Place:
    kind: str
    ref: str
    name: str
    area_code: str
    lon: float | None
    lat: float | None


def place_of(kind: str, ref: str) -> Place | None:
    if kind == PlaceKind.GRID:
        grid = Grid.objects.filter(code=ref).select_related("village").first()
        if grid:
            return _in_grid(grid, grid.centroid_lon, grid.centroid_lat)
    elif kind == PlaceKind.VILLAGE:
        village = Area.objects.filter(code=ref, level=AreaLevel.VILLAGE).first()
        if village:
            return Place(kind, ref, village.name, village.code, village.centroid_lon, village.centroid_lat)
    elif kind == PlaceKind.SITE and ref.isdigit():
        site = Site.objects.filter(pk=int(ref)).select_related("grid").first()
        if site:
            return Place(kind, ref, site.name, site.grid.village_id, site.lon, site.lat)
    return None


def place_at(lon: float, lat: float) -> Place | None:
    """The place at a point from the phone's location or a pin on the map:
    the grid it lies in, or None outside the jurisdiction."""
    code = locate_grid(lon, lat)
    grid = Grid.objects.filter(code=code).select_related("village").first() if code else None
    return _in_grid(grid, lon, lat) if grid else None


def _in_grid(grid: Grid, lon: float | None, lat: float | None) -> Place:
    return Place(PlaceKind.GRID, grid.code, f"{grid.village.name} · {grid.name}", grid.village_id, lon, lat)


def village_map(code: str) -> dict | None:
    """A village's outline and grid polygons for the pin map (names and
    shapes only: what a printed poster shows anyway)."""
    village = Area.objects.filter(code=code, level=AreaLevel.VILLAGE).first()
    if village is None:
        return None
    grids = [
        {"type": "Feature", "properties": {"code": g.code, "name": g.name}, "geometry": mapping(g.boundary)}
        for g in Grid.objects.filter(village=village).exclude(boundary=None).order_by("code")
    ]
    outline = mapping(village.boundary) if village.boundary is not None else None
    return {"type": "FeatureCollection", "features": grids, "outline": outline}


def nearby_open_reports(
    place: Place, *, family: str = "", text: str = "", limit: int = 5
) -> list[PublicCase]:
    """Open public reports within 250 m of the place in the last 30 days — the
    duplicate finder's own lookup, so what the resident is typing ranks the
    likeliest "me too" first; with ``family``, only that category family's
    (and unclassified) reports. As the public sees them (``cases.public``)."""
    found = triage.nearby_open_reports(text=text, lon=place.lon, lat=place.lat, family=family, limit=limit)
    return [public_view(case) for case in found]


def cases_of_verified_phones(digests: set[str], *, limit: int = 50) -> list[Case]:
    """The reports filed with a phone number proven by an SMS code."""
    if not digests:
        return []
    rows = Case.objects.filter(reporter_phone_digest__in=digests, reporter_verified=True)
    return list(rows.order_by("-received_at")[:limit])
