"""Reads of org units, always scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.scope import scope_of
from orgs.models import OrgUnit, OrgUnitKind


def org_units_for(user) -> QuerySet[OrgUnit]:
    """Units serving an area inside the user's scope, plus the user's own unit
    and the units below it (a city department sees its county branches)."""
    scope = scope_of(user)
    return OrgUnit.objects.filter(scope.area_q("area__code") | scope.org_unit_q("pk")).select_related(
        "area", "parent"
    )


def handling_units_for(user) -> QuerySet[OrgUnit]:
    """Units the user may send a case to (派遣, 吹哨): departments, township
    offices and 综治中心 of the user's county (a grid worker's or township's
    too) and of the levels above it — not village committees."""
    scope = scope_of(user)
    if scope.is_global:
        near = OrgUnit.objects.all()
    elif scope.nothing:
        return OrgUnit.objects.none()
    else:
        county = scope.area_prefix[:6]
        above = [c for c in (county[:4].ljust(12, "0"), county[:2].ljust(12, "0"))]
        near = OrgUnit.objects.filter(Q(area__code__startswith=county) | Q(area_id__in=above))
    return (
        near.filter(is_active=True)
        .exclude(kind__in=(OrgUnitKind.VILLAGE_COMMITTEE, OrgUnitKind.MEDIATION_COMMITTEE))
        .order_by("area_id", "kind", "name")
    )
