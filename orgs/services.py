"""Writes to org units."""

from __future__ import annotations

from django.db import transaction

from orgs.models import OrgUnit, OrgUnitKind


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
    up to date. Returns ``(unit, created)``; safe to run again."""
    unit, created = OrgUnit.objects.get_or_create(
        area_id=area_code,
        name=name,
        defaults={"kind": kind, "parent": parent, "sector": sector, "phone": phone},
    )
    if not created and (unit.kind, unit.parent_id, unit.sector) != (kind, parent and parent.pk, sector):
        unit.kind, unit.parent, unit.sector = kind, parent, sector
        unit.save(update_fields=["kind", "parent", "sector"])
    return unit, created
