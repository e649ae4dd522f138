"""Writes to places: importing areas and boundaries, generating demo grids,
and keeping the grid locator current.

Each import validates the whole file before writing and writes in one
transaction, so a bad file changes nothing; errors name the row (or feature).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from accounts.scope import scope_of
from accounts.selectors import users_for
from changan.rebuilt import Rebuilt
from regions import codes, gridgen
from regions.locator import OUTSIDE, GridLocator
from regions.models import Area, AreaLevel, Grid, GridKind

Progress = Callable[..., Iterable]  # progress(items, desc=...), e.g. tqdm; identity by default


def no_progress(items: Iterable, **_: object) -> Iterable:
    return items


class ImportProblem(Exception):
    """A file that cannot be imported. Nothing was written."""

    def __init__(self, message: str, *, where: str = ""):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class ImportSummary:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = [f"新增 created {sum(self.created.values())}", f"更新 updated {sum(self.updated.values())}"]
        out.append(f"未变 unchanged {self.unchanged}")
        for label, counts in (("新增", self.created), ("更新", self.updated)):
            for kind, n in sorted(counts.items()):
                out.append(f"  {label} {kind}: {n}")
        return out


# ---------------------------------------------------------------- areas (CSV)

AREA_COLUMNS = ("code", "name", "level", "parent_code")


def import_areas(path: Path | str, *, progress: Progress = no_progress) -> ImportSummary:
    """Create or update areas from a CSV with ``code,name,level,parent_code``
    (the format of the NBS-derived ``hebi_admin_divisions.csv``)."""
    rows = _read_area_rows(Path(path))
    existing = {a.code: a for a in Area.objects.only("code", "name", "level", "parent_id")}
    in_file = {r["code"] for r in rows}
    missing_provinces: set[str] = set()
    for r in rows:
        parent = r["parent_code"]
        if parent and parent not in in_file and parent not in existing:
            if parent in codes.PROVINCES:
                missing_provinces.add(parent)
            else:
                raise ImportProblem(
                    f"上级代码 {parent} 不存在 / unknown parent code {parent}", where=r["where"]
                )
    summary = ImportSummary()
    with transaction.atomic():
        for code in sorted(missing_provinces):
            existing[code] = Area.objects.create(
                code=code, name=codes.PROVINCES[code], level=AreaLevel.PROVINCE
            )
            summary.created["province"] += 1
        # Parents before children, so every foreign key points at a saved row.
        for level in sorted({r["level"] for r in rows}):
            level_name = AreaLevel(level).name.lower()
            new, changed = [], []
            for r in progress([r for r in rows if r["level"] == level], desc=level_name):
                old = existing.get(r["code"])
                if old is None:
                    new.append(
                        Area(code=r["code"], name=r["name"], level=level, parent_id=r["parent_code"] or None)
                    )
                elif (old.name, old.level, old.parent_id) != (r["name"], level, r["parent_code"] or None):
                    old.name, old.level, old.parent_id = r["name"], level, r["parent_code"] or None
                    changed.append(old)
                else:
                    summary.unchanged += 1
            Area.objects.bulk_create(new, batch_size=1000)
            Area.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=1000)
            summary.created[level_name] += len(new)
            if changed:
                summary.updated[level_name] += len(changed)
            existing.update({a.code: a for a in new})
    return summary


def _read_area_rows(path: Path) -> list[dict]:
    text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in AREA_COLUMNS if c not in header]
    if missing:
        raise ImportProblem(
            f"缺少列 {', '.join(missing)}；需要 {','.join(AREA_COLUMNS)} / "
            f"missing columns {', '.join(missing)}; expected {','.join(AREA_COLUMNS)}",
            where=f"{path.name} 第1行 row 1 (header)",
        )
    rows, seen = [], {}
    for raw in reader:
        line_no = reader.line_num
        where = f"{path.name} 第{line_no}行 row {line_no}"
        if None in raw:  # DictReader files surplus values under the key None
            raise ImportProblem("值比列多 / more values than columns", where=where)
        raw = {k.strip(): (v or "").strip() for k, v in raw.items()}
        code, name, parent = raw["code"], raw["name"], raw["parent_code"]
        try:
            codes.validate_area_code(code)
        except codes.CodeError as exc:
            raise ImportProblem(str(exc), where=where) from None
        if not name:
            raise ImportProblem("名称为空 / empty name", where=where)
        try:
            level = int(raw["level"])
        except ValueError:
            raise ImportProblem(
                f"级别不是数字 / level is not a number: {raw['level']!r}", where=where
            ) from None
        if level != codes.level_of(code):
            raise ImportProblem(
                f"级别 {level} 与代码 {code} 不符（应为 {int(codes.level_of(code))}） / "
                f"level {level} does not match code {code}",
                where=where,
            )
        expected_parent = codes.parent_code_of(code) or ""
        if parent != expected_parent and not (level == 1 and parent in ("", "0", "000000000000")):
            raise ImportProblem(
                f"上级代码 {parent} 与代码 {code} 不符（应为 {expected_parent}） / "
                f"parent code {parent} is not the parent of {code}",
                where=where,
            )
        if code in seen:
            raise ImportProblem(
                f"代码 {code} 重复（与第{seen[code]}行） / duplicate code {code} (also row {seen[code]})",
                where=where,
            )
        seen[code] = line_no
        rows.append(
            {"code": code, "name": name, "level": level, "parent_code": expected_parent, "where": where}
        )
    if not rows:
        raise ImportProblem("文件没有数据行 / the file has no data rows", where=path.name)
    return rows


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportProblem("文件不存在 / file not found", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            f"不是UTF-8编码 / not UTF-8 text ({exc.reason} at byte {exc.start})", where=path.name
        ) from None


# ------------------------------------------------------- boundaries (GeoJSON)


def import_boundaries(
    path: Path | str, *, synthetic: bool = False, progress: Progress = no_progress
) -> ImportSummary:
    """Attach polygons to areas (or grids) by the feature's ``code``/``adcode``.

    Accepts DataV-style files (``adcode`` of 6 digits, e.g. ``410600_full.json``)
    and Changan's own exports (``code`` of 12 or 15 digits).
    """
    path = Path(path)
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            f"不是有效的JSON / invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            where=path.name,
        ) from None
    features = _features_of(data, path.name)
    parsed: list[tuple[str, BaseGeometry]] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features, start=1):
        where = f"{path.name} 第{i}个要素 feature #{i}"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            raise ImportProblem("要素不是 GeoJSON Feature 对象 / not a GeoJSON Feature object", where=where)
        code = _feature_code(feature, where)
        if code in seen:
            raise ImportProblem(
                f"代码 {code} 重复（与第{seen[code]}个要素） / "
                f"duplicate code {code} (also feature #{seen[code]})",
                where=where,
            )
        seen[code] = i
        parsed.append((code, _feature_geometry(feature, where)))

    area_codes = [c for c, _ in parsed if len(c) == 12]
    grid_codes = [c for c, _ in parsed if len(c) == 15]
    areas = Area.objects.in_bulk(area_codes)
    grids = Grid.objects.in_bulk(grid_codes)
    for i, (code, _) in enumerate(parsed, start=1):
        if code not in areas and code not in grids:
            raise ImportProblem(
                f"代码 {code} 不存在 / unknown code {code}", where=f"{path.name} 第{i}个要素 feature #{i}"
            )

    summary = ImportSummary()
    with transaction.atomic():
        changed_areas, changed_grids = [], []
        for code, geom in progress(parsed, desc="boundaries"):
            obj = areas.get(code) or grids[code]
            _set_boundary(obj, geom, synthetic=synthetic)
            (changed_areas if isinstance(obj, Area) else changed_grids).append(obj)
        fields = ["boundary", "centroid_lon", "centroid_lat", "boundary_synthetic"]
        Area.objects.bulk_update(changed_areas, fields, batch_size=500)
        Grid.objects.bulk_update(changed_grids, [*fields, "updated_at"], batch_size=500)
        summary.updated["area"] = len(changed_areas)
        if changed_grids:
            summary.updated["grid"] = len(changed_grids)
            grids_changed()
    return summary


def _features_of(data: object, where: str) -> list[dict]:
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if isinstance(features, list) and features:
            return features
        raise ImportProblem("FeatureCollection 中没有要素 / no features", where=where)
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    raise ImportProblem("需要 GeoJSON FeatureCollection / expected a GeoJSON FeatureCollection", where=where)


def _feature_code(feature: dict, where: str) -> str:
    props = feature.get("properties") or {}
    raw = props.get("code", props.get("adcode"))
    if raw is None:
        raise ImportProblem(
            "要素没有 code 或 adcode 属性 / feature has no code or adcode property", where=where
        )
    code = str(raw).strip()
    if code.isdigit() and len(code) in (2, 4, 6, 9):
        code = code.ljust(12, "0")
    if not (code.isdigit() and len(code) in (12, 15)):
        raise ImportProblem(f"代码格式不对 / malformed code {raw!r}", where=where)
    return code


def _feature_geometry(feature: dict, where: str) -> BaseGeometry:
    if not isinstance(feature.get("geometry"), dict):
        raise ImportProblem("要素没有几何 / feature has no geometry", where=where)
    try:
        geom = shape(feature["geometry"])
    except Exception as exc:  # shapely raises several types for bad GeoJSON
        raise ImportProblem(f"几何无法解析 / unreadable geometry: {exc}", where=where) from None
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ImportProblem(
            f"需要面状几何，得到 {geom.geom_type} / expected a polygon, got {geom.geom_type}", where=where
        )
    if not geom.is_valid:
        raise ImportProblem(f"几何无效 / invalid geometry: {shapely.is_valid_reason(geom)}", where=where)
    return geom


def _set_boundary(obj: Area | Grid, geom: BaseGeometry, *, synthetic: bool) -> None:
    obj.boundary = geom
    centre = geom.centroid if geom.contains(geom.centroid) else geom.point_on_surface()
    obj.centroid_lon, obj.centroid_lat = round(centre.x, 6), round(centre.y, 6)
    obj.boundary_synthetic = synthetic
    if isinstance(obj, Grid):
        obj.updated_at = timezone.now()


# ------------------------------------------------------- demo grid generation

DEDICATED_SITES = ("中心小学", "集贸市场", "卫生院", "幼儿园", "工业园区", "建筑工地", "敬老院", "中学")


@dataclass
class GenerationSummary:
    townships: int = 0
    villages: int = 0
    grids_created: int = 0
    villages_skipped: int = 0
    counties_without_boundary: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"乡级边界 township polygons: {self.townships}",
            f"村级边界 village polygons: {self.villages}",
            f"新建网格 grids created: {self.grids_created}",
            f"已有网格、未改动的村 villages left as they were (use --replace): {self.villages_skipped}",
        ]
        if self.counties_without_boundary:
            out.append("无边界未生成 skipped, no boundary: " + ", ".join(self.counties_without_boundary))
        return out


def generate_grids(
    *,
    seed: int = 2026,
    grids_per_village: tuple[int, int] = (7, 13),
    hosts: dict[str, str] | None = None,
    replace: bool = False,
    progress: Progress = no_progress,
) -> GenerationSummary:
    """Generate synthetic township, village and grid polygons inside every
    county that has a real boundary (for the demo city; clearly flagged as
    synthetic). ``hosts`` maps a county-level unit without a boundary (a
    development zone) to the county whose polygon it is carved from.

    Reproducible: the same seed and the same areas give the same polygons.
    Villages that already have grids keep them unless ``replace`` is set.
    """
    hosts = hosts or {}
    areas = {a.code: a for a in Area.objects.all()}
    summary = GenerationSummary()
    roots: dict[str, BaseGeometry] = {}
    for a in areas.values():
        if a.level != AreaLevel.COUNTY:
            continue
        if a.boundary is not None and not a.boundary_synthetic:
            roots[a.code] = a.boundary
        elif a.code not in hosts:
            summary.counties_without_boundary.append(a.name)
    parent_of = {a.code: a.parent_id for a in areas.values() if a.parent_id}
    cells, children = gridgen.plan_city(
        parent_of,
        {code: roots[code] for code in progress(sorted(roots), desc="tiling")},
        seed=seed,
        grids_per_village=grids_per_village,
        hosts=hosts,
    )
    # A county whose villages already have grids is left exactly as it is
    # (polygons included) unless replace is asked for: regenerating the
    # polygons alone would leave the old grids sticking out of their villages.
    villages_with_grids = set(Grid.objects.values_list("village_id", flat=True).distinct())
    kept: set[str] = set()
    for root in roots:
        below = [v for t in children.get(root, ()) for v in children.get(t, ())]
        if not replace and villages_with_grids.intersection(below):
            kept.update([root, *children.get(root, ()), *below])
            summary.villages_skipped += len(below)
    cells = {code: geom for code, geom in cells.items() if code[:12] not in kept}
    villages = [code for code in cells if len(code) == 12 and areas[code].level == AreaLevel.VILLAGE]

    with transaction.atomic():
        changed = []
        for code, geom in cells.items():
            if len(code) == 12:
                area = areas[code]
                if area.boundary is not None and not area.boundary_synthetic:
                    continue  # never overwrite a real boundary
                _set_boundary(area, geom, synthetic=True)
                changed.append(area)
                summary.townships += area.level == AreaLevel.TOWNSHIP
                summary.villages += area.level == AreaLevel.VILLAGE
        for guest, host in hosts.items():
            if host in roots and host not in kept and guest in areas:
                union = shapely.union_all([cells[t] for t in children[guest] if t in cells])
                if not union.is_empty:
                    _set_boundary(areas[guest], union, synthetic=True)
                    changed.append(areas[guest])
        Area.objects.bulk_update(
            changed, ["boundary", "centroid_lon", "centroid_lat", "boundary_synthetic"], batch_size=500
        )

        new_grids: list[Grid] = []
        for v in progress(villages, desc="grids"):
            if v in villages_with_grids:  # only when replacing
                Grid.objects.filter(village_id=v, boundary_synthetic=True).delete()
            new_grids.extend(_demo_grids(areas[v], children[v], cells, seed))
        Grid.objects.bulk_create(new_grids, batch_size=1000)
        summary.grids_created = len(new_grids)
        grids_changed()
    return summary


def _demo_grids(village: Area, grid_codes: Sequence[str], cells: dict, seed: int) -> list[Grid]:
    rng = gridgen.rng_for(seed + 1, village.code)
    short = codes.short_village_name(village.name)
    out = []
    for i, code in enumerate(grid_codes, start=1):
        dedicated = i == len(grid_codes) and rng.random() < 0.35  # about 4% of grids
        if dedicated:
            site = DEDICATED_SITES[int(rng.integers(len(DEDICATED_SITES)))]
            name, kind, households = f"{short}{site}专属网格", GridKind.DEDICATED, int(rng.integers(0, 40))
        else:
            name, kind, households = f"{short}第{i}网格", GridKind.BASIC, int(rng.integers(200, 501))
            site = ""
        grid = Grid(
            code=code,
            name=name,
            kind=kind,
            dedicated_to=site,
            village=village,
            households=households,
            party_branch_name=f"{name}党支部",
        )
        _set_boundary(grid, cells[code], synthetic=True)
        out.append(grid)
    return out


# ------------------------------------------------------------- grid edits

GRID_EDITABLE = (
    "name", "kind", "dedicated_to", "households", "chief", "workers",
    "party_branch_name", "party_branch_secretary",
)  # fmt: skip


@transaction.atomic
def update_grid(*, grid: Grid, by, **changes) -> Grid:
    """Change a grid's attributes (not its code, village or boundary: those
    come from imports). People assigned must be inside the editor's scope."""
    unknown = set(changes) - set(GRID_EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改 / cannot change: {', '.join(sorted(unknown))}")
    if not scope_of(by).covers_area(grid.code):
        raise PermissionDenied("不在您的数据范围内 / outside your data scope")
    workers = changes.pop("workers", None)
    people = [p for p in [changes.get("chief"), *(workers or [])] if p is not None]
    if people and users_for(by).filter(pk__in=[p.pk for p in people]).count() != len({p.pk for p in people}):
        raise PermissionDenied("人员不在您的数据范围内 / a person is outside your data scope")
    for name, value in changes.items():
        setattr(grid, name, value)
    grid.full_clean()
    grid.save()
    if workers is not None:
        grid.workers.set(workers)
    return grid


# ------------------------------------------------------------ grid locator


def _grids_stamp() -> str:
    stats = Grid.objects.aggregate(n=Count("code"), last=Max("updated_at"))
    return f"{stats['n']}:{stats['last'].timestamp() if stats['last'] else 0}"


def _build_locator() -> GridLocator:
    rows = Grid.objects.exclude(boundary=None).values_list("code", "boundary")
    codes_, geoms = zip(*rows, strict=True) if rows else ((), ())
    return GridLocator(list(codes_), list(geoms))


_locator = Rebuilt("regions:grids-version", stamp=_grids_stamp, build=_build_locator)


def grids_changed() -> None:
    """Tell every process that grids changed; their locators rebuild on next use."""
    _locator.invalidate()


def grid_locator() -> GridLocator:
    """The process's locator over all grids with a boundary (~0.6 s to build
    for 10,000 grids), rebuilt when grids have changed since."""
    return _locator.get()


def locate_grid_codes(lon: Sequence[float], lat: Sequence[float]) -> list[str]:
    """Grid code per point; ``""`` for a point outside every grid."""
    return [str(c) for c in grid_locator().locate_many(np.asarray(lon), np.asarray(lat))]


def grids_near(lon: float, lat: float, metres: float) -> list[str]:
    """Codes of the grids within ``metres`` of a point (its own included)."""
    return grid_locator().near(lon, lat, metres)


def locate_grid(lon: float, lat: float) -> str:
    code = grid_locator().locate(lon, lat)
    return "" if code == OUTSIDE else str(code)
