"""分类 × 地点 → 主办单位: which unit leads a case, by the configurable
rules (``RoutingRule``) over the area tree. A township-level matter goes to
that township's office; a line department's matter to its county branch
(the city department where the county has none)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from cases.models import Category
from orgs.models import OrgUnit, OrgUnitKind, Sector
from regions import codes
from triage.models import RouteTarget, RoutingRule

LOCAL = "local"  # the learned router's "the place's own government" line


@dataclass(frozen=True)
class Route:
    unit: OrgUnit | None
    reason: str
    rule: RoutingRule | None = None


class Router:
    """Rules and units read once, then any number of cases routed (a batch
    at intake routes hundreds with two queries)."""

    def __init__(self, area_codes: Sequence[str] | None = None) -> None:
        """``area_codes``: the places to be routed (None: anywhere)."""
        rules = RoutingRule.objects.filter(is_active=True).select_related("category", "area", "unit")
        self.rules = list(rules)
        # Only the units these places could go to: the line departments and
        # the places' own township offices. (Village committees take no
        # dispatches: they are not handling units.)
        local = Q(kind=OrgUnitKind.TOWNSHIP_OFFICE)
        if area_codes is not None:
            local &= Q(area_id__in={c[:9] + "000" for c in area_codes})
        units = OrgUnit.objects.filter(
            Q(kind__in=(OrgUnitKind.COUNTY_DEPARTMENT, OrgUnitKind.CITY_DEPARTMENT)) | local, is_active=True
        ).only("pk", "name", "kind", "sector", "area_id")
        self.by_area_sector: dict[tuple[str, str], OrgUnit] = {}
        self.by_area_kind: dict[tuple[str, str], OrgUnit] = {}
        for unit in units.order_by("pk"):
            if unit.sector and unit.kind in (OrgUnitKind.COUNTY_DEPARTMENT, OrgUnitKind.CITY_DEPARTMENT):
                self.by_area_sector.setdefault((unit.area_id, unit.sector), unit)
            self.by_area_kind.setdefault((unit.area_id, unit.kind), unit)

    def rule_for(self, category: Category | None, area_code: str) -> RoutingRule | None:
        """The most specific matching rule: deepest category, then deepest area."""
        matching = [
            r
            for r in self.rules
            if (r.category_id is None or (category is not None and category.code.startswith(r.category_id)))
            and (r.area_id is None or codes.is_within(area_code, r.area_id))
        ]
        if not matching:
            return None
        return max(
            matching, key=lambda r: (len(r.category_id or ""), r.area.level if r.area_id else 0, -r.pk)
        )

    def route(self, *, category: Category | None, area_code: str, sector_hint: str = "") -> Route:
        """The lead unit for a case of ``category`` at ``area_code``.
        ``sector_hint`` (the learned router's line) decides only when neither
        a rule nor the category names a line."""
        rule = self.rule_for(category, area_code)
        if rule is not None:
            unit = self._target(rule.target, rule.sector or (category.sector if category else ""), area_code)
            if rule.target == RouteTarget.UNIT:
                unit = rule.unit if rule.unit.is_active else None
            if unit is not None:
                return Route(unit, f"派单规则：{rule}", rule)
        if category is not None and category.sector:
            unit = self._target(RouteTarget.SECTOR, category.sector, area_code)
            if unit is not None:
                return Route(unit, f"分类「{category.name}」的条线：{Sector(category.sector).label}")
        if sector_hint and sector_hint != LOCAL:
            unit = self._target(RouteTarget.SECTOR, sector_hint, area_code)
            if unit is not None:
                return Route(unit, f"部门路由模型建议的条线：{Sector(sector_hint).label}")
        unit = self._target(RouteTarget.TOWNSHIP, "", area_code)
        return Route(unit, "属地：所在乡镇(街道)" if unit else "无可派单位，请人工选择")

    def _target(self, target: str, sector: str, area_code: str) -> OrgUnit | None:
        county = area_code[:6] + "000000"
        if target == RouteTarget.SECTOR:
            if not sector:
                return None
            city = area_code[:4] + "00000000"
            return self.by_area_sector.get((county, sector)) or self.by_area_sector.get((city, sector))
        if target == RouteTarget.TOWNSHIP:
            return self.by_area_kind.get((area_code[:9] + "000", OrgUnitKind.TOWNSHIP_OFFICE))
        return None


def routes(items: Sequence[tuple[Category | None, str, str]]) -> list[Route]:
    """Routes for (category, area code, sector hint) triples."""
    router = Router([a for _, a, _ in items])
    return [router.route(category=c, area_code=a, sector_hint=s) for c, a, s in items]
