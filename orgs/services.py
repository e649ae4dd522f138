"""Writes to org units. Staff edits check the editor's data scope here too, so
every door (API, admin, commands) keeps the same rule."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.scope import scope_of
from orgs.models import OrgUnit, OrgUnitKind
from orgs.selectors import org_units_for
from regions.models import Area

EDITABLE = ("name", "kind", "sector", "parent", "area", "phone", "is_active")


@transaction.atomic
def ensure_unit(
    *,
    name: str,
    kind: OrgUnitKind | str,
    area_code: str,
    parent: OrgUnit | None = None,
    sector: str = "",
    phone: str = "",
) -> tuple[OrgUnit, bool]:
    """Create the unit, or bring an existing one (same name in the same area)
    up to date. Returns ``(unit, created)``; safe to run again. For loaders
    acting as the system, not for staff edits."""
    unit, created = OrgUnit.objects.get_or_create(
        area_id=area_code,
        name=name,
        defaults={"kind": kind, "parent": parent, "sector": sector, "phone": phone},
    )
    if not created and (unit.kind, unit.parent_id, unit.sector) != (kind, parent and parent.pk, sector):
        unit.kind, unit.parent, unit.sector = kind, parent, sector
        unit.save(update_fields=["kind", "parent", "sector"])
    return unit, created


def _check_placement(by, area: Area, parent: OrgUnit | None) -> None:
    if not scope_of(by).covers_area(area.code):
        raise PermissionDenied("该区域不在您的数据范围内 / this area is outside your data scope")
    if parent is not None and not org_units_for(by).filter(pk=parent.pk).exists():
        raise PermissionDenied("上级单位不在您的数据范围内 / the parent unit is outside your data scope")


@transaction.atomic
def create_unit(*, by, name: str, kind: str, area: Area, parent: OrgUnit | None = None, **extra) -> OrgUnit:
    _check_placement(by, area, parent)
    unit = OrgUnit(name=name, kind=kind, area=area, parent=parent, **extra)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def update_unit(*, unit: OrgUnit, by, **changes) -> OrgUnit:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改 / cannot change: {', '.join(sorted(unknown))}")
    area = changes.get("area", unit.area)
    # A parent outside the editor's scope may stay as it is (a county bureau
    # under its city department); it may not be newly chosen.
    parent = changes.get("parent", unit.parent)
    _check_placement(by, area, parent if parent != unit.parent else None)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def delete_unit(*, unit: OrgUnit, by) -> None:
    _check_placement(by, unit.area, None)
    if unit.children.exists() or unit.members.exists():
        raise ValidationError("单位下还有下级单位或人员，不能删除 / the unit still has sub-units or staff")
    unit.delete()
