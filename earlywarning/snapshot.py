"""The cases of the judged period as plain arrays, so that the ``intel``
detectors (no Django) can run on them: one read of the case table per run,
by index, and the area, category and grid trees as parent arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from cases.models import Case, Category
from intel.cubes import Tree
from regions.models import Area, Grid

ALL_CATEGORIES = ""  # the category tree's root: every case, classified or not


@dataclass
class Snapshot:
    day: dt.date  # the day judged: the last day of the period
    days: int  # the period's length; day index days - 1 is ``day``
    case_id: np.ndarray
    day_index: np.ndarray
    area_node: np.ndarray  # the case's area, as a node of ``area_tree``
    category_node: np.ndarray  # its category (the root when unclassified)
    grid_node: np.ndarray  # index into ``grid_codes``; -1 without a grid
    reporter: list[str]  # phone digest, "" when anonymous
    reporter_label: list[str]  # name and masked phone, for the page
    text: list[str]  # title and description
    area_codes: list[str]
    area_level: np.ndarray  # regions.AreaLevel of each area node
    area_tree: Tree
    category_codes: list[str]  # index 0: ALL_CATEGORIES
    category_tree: Tree
    grid_codes: list[str]
    grid_lon: np.ndarray
    grid_lat: np.ndarray

    def date_of(self, index: int) -> dt.date:
        return self.day - dt.timedelta(days=self.days - 1 - index)


def area_tree() -> tuple[list[str], np.ndarray, Tree]:
    rows = list(Area.objects.order_by("level", "code").values_list("code", "parent_id", "level"))
    index = {code: i for i, (code, *_) in enumerate(rows)}
    parent = np.array([index.get(p, -1) for _, p, _ in rows], dtype=np.int64)
    return [c for c, *_ in rows], np.array([level for *_, level in rows]), Tree(parent)


def category_tree() -> tuple[list[str], Tree]:
    rows = list(Category.objects.order_by("level", "code").values_list("code", "parent_id"))
    codes = [ALL_CATEGORIES] + [c for c, _ in rows]
    index = {code: i for i, code in enumerate(codes)}
    # Level-1 classes hang under the root, so "all categories" is a level of its own.
    parent = [-1] + [index[p] if p else 0 for _, p in rows]
    return codes, Tree(np.array(parent, dtype=np.int64))


def take(*, day: dt.date, days: int) -> Snapshot:
    """The cases received in the ``days`` days ending with ``day`` (local time)."""
    tz = timezone.get_current_timezone()
    first = day - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    rows = list(
        Case.objects.filter(received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "pk")
        .values_list(
            "pk", "received_at", "area_id", "category_id", "grid_id", "reporter_phone_digest", "title",
            "description", "reporter_name", "reporter_phone_masked",
        )
    )  # fmt: skip
    area_codes, area_levels, areas = area_tree()
    category_codes, categories = category_tree()
    grids = list(Grid.objects.order_by("code").values_list("code", "centroid_lon", "centroid_lat"))
    area_index = {c: i for i, c in enumerate(area_codes)}
    category_index = {c: i for i, c in enumerate(category_codes)}
    grid_index = {g[0]: i for i, g in enumerate(grids)}
    n = len(rows)
    return Snapshot(
        day=day,
        days=days,
        case_id=np.fromiter((r[0] for r in rows), dtype=np.int64, count=n),
        day_index=np.fromiter(
            ((timezone.localtime(r[1], tz).date() - first).days for r in rows), np.int64, n
        ),
        area_node=np.fromiter((area_index[r[2]] for r in rows), dtype=np.int64, count=n),
        category_node=np.fromiter((category_index[r[3] or ALL_CATEGORIES] for r in rows), np.int64, n),
        grid_node=np.fromiter((grid_index.get(r[4] or "", -1) for r in rows), dtype=np.int64, count=n),
        reporter=[r[5] for r in rows],
        reporter_label=[f"{r[8]} {r[9]}".strip() for r in rows],
        text=[f"{r[6]} {r[7]}" for r in rows],
        area_codes=area_codes,
        area_level=area_levels,
        area_tree=areas,
        category_codes=category_codes,
        category_tree=categories,
        grid_codes=[g[0] for g in grids],
        grid_lon=np.array([g[1] if g[1] is not None else np.nan for g in grids], dtype=float),
        grid_lat=np.array([g[2] if g[2] is not None else np.nan for g in grids], dtype=float),
    )
