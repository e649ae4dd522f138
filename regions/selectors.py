"""Reads of areas and grids, always scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import scope_of
from regions import codes
from regions.models import Area, AreaLevel, Grid


def areas_for(user, *, parent: str | None = None, level: int | None = None) -> QuerySet[Area]:
    """Areas in the user's scope, optionally the children of ``parent`` or
    those of one ``level``."""
    qs = Area.objects.filter(scope_of(user).area_q("code"))
    if parent is not None:
        qs = qs.filter(parent_id=parent)
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def grids_for(user, *, village: str | None = None) -> QuerySet[Grid]:
    """Grids in the user's scope, optionally those of one village/community."""
    qs = Grid.objects.filter(scope_of(user).area_q("code"))
    if village is not None:
        qs = qs.filter(village_id=village)
    return qs


def grid_for(user, code: str) -> Grid | None:
    """One grid the user may see, or None (also when it is outside the scope)."""
    return grids_for(user).select_related("village").filter(code=code).first()


def area_for(user, code: str) -> Area:
    """One area the user may see; ``Area.DoesNotExist`` otherwise (also for
    areas that exist outside the scope, so guessing codes reveals nothing)."""
    return areas_for(user).get(code=code)


def root_areas_for(user) -> QuerySet[Area]:
    """The topmost areas of the user's scope: where their tree starts."""
    visible = areas_for(user)
    top = visible.order_by("level").values_list("level", flat=True).first()
    return visible.filter(level=top) if top is not None else visible.none()


@dataclass(frozen=True)
class AreaSummary:
    area: Area
    children: int  # direct child areas
    villages: int  # village-level units inside
    grids: int
    households: int


def child_summaries(user, parent: Area) -> list[AreaSummary]:
    """The visible children of ``parent`` with what lies inside each: the
    counts come from two grouped queries over code prefixes, not one per row."""
    children = list(areas_for(user, parent=parent.code).order_by("code"))
    if not children:
        return []
    child_level = AreaLevel(children[0].level)
    prefix_len = codes.PREFIX_LENGTH[codes.Level(child_level)]
    scope_grids = grids_for(user).filter(code__startswith=parent.prefix)
    grid_stats = {
        row["p"]: row
        for row in scope_grids.annotate(p=Substr("code", 1, prefix_len))
        .values("p")
        .annotate(n=Count("code"), hh=Sum("households"))
    }
    villages = {
        row["p"]: row["n"]
        for row in areas_for(user)
        .filter(code__startswith=parent.prefix, level=AreaLevel.VILLAGE)
        .annotate(p=Substr("code", 1, prefix_len))
        .values("p")
        .annotate(n=Count("code"))
    }
    child_counts = dict(
        areas_for(user)
        .filter(parent__in=children)
        .values("parent_id")
        .annotate(n=Count("code"))
        .values_list("parent_id", "n")
    )
    out = []
    for child in children:
        p = child.prefix
        stats = grid_stats.get(p, {})
        out.append(
            AreaSummary(
                area=child,
                children=child_counts.get(child.code, 0),
                villages=villages.get(p, 1 if child.level == AreaLevel.VILLAGE else 0),
                grids=stats.get("n") or 0,
                households=stats.get("hh") or 0,
            )
        )
    return out


def ancestors_in_scope(user, area: Area) -> list[Area]:
    """Breadcrumb: the visible ancestors of ``area``, top first."""
    chain_codes = []
    code = area.parent_id
    while code:
        chain_codes.append(code)
        code = codes.parent_code_of(code)
    by_code = {a.code: a for a in areas_for(user).filter(code__in=chain_codes)}
    return [by_code[c] for c in reversed(chain_codes) if c in by_code]


def area_in_scope(user, code: str | None) -> Area:
    """The area the dashboard shows: ``code`` if inside the user's scope, else
    the user's own (the whole city for a city-wide leader)."""
    scope = scope_of(user)
    if scope.nothing:
        raise Area.DoesNotExist
    root = scope.area_prefix or ""
    if code and code.startswith(root):
        area = Area.objects.filter(code=code).first()
        if area is not None and area.level <= AreaLevel.TOWNSHIP:
            return area
    own = Area.objects.filter(code=root.ljust(12, "0")).first() if root else None
    return own or Area.objects.filter(parent=None).order_by("code").first()


def grids_of_worker(user) -> QuerySet[Grid]:
    """The grids a grid worker works or leads (网格员 / 网格长)."""
    return Grid.objects.filter(Q(workers=user) | Q(chief=user)).distinct()


def staff_covering(area_code: str, role: str) -> QuerySet[User]:
    """Active staff with ``role`` whose data scope covers ``area_code``: their
    scope area (or, without one, their unit's area) is the place itself or
    one that contains it — the rule of ``accounts.scope``, in one query."""
    around, code = [], area_code
    while code:
        around.append(code)
        code = codes.parent_code_of(code)
    covering = Q(scope_area_id__in=around) | Q(scope_area__isnull=True, org_unit__area_id__in=around)
    return User.objects.filter(covering | Q(is_superuser=True), is_active=True, roles=role).distinct()
