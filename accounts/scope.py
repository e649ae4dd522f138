"""Data scope (数据范围): which areas and org units a staff user may see.

Every selector that returns data a user can reach applies the user's scope;
views never filter by hand. Area codes are hierarchical, so an area subtree is a
code prefix and the same filter works on any table that carries an area code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class DataScope:
    # None means "everything" (superuser); "" would also match everything, so
    # an empty scope is expressed by ``nothing=True`` instead.
    area_prefix: str | None
    org_unit_ids: frozenset[int] = field(default_factory=frozenset)
    nothing: bool = False

    @property
    def is_global(self) -> bool:
        return self.area_prefix is None and not self.nothing

    def covers_area(self, code: str | None) -> bool:
        """Whether a record placed at ``code`` is visible. A record with no
        place at all is visible only to a global scope."""
        if self.is_global:
            return True
        return code is not None and not self.nothing and code.startswith(self.area_prefix)

    def area_q(self, field_name: str) -> Q:
        """A filter on a field holding an area (or grid) code."""
        if self.nothing:
            return Q(pk__in=[])
        if self.area_prefix is None:
            return Q()
        return Q(**{f"{field_name}__startswith": self.area_prefix})

    def org_unit_q(self, field_name: str = "pk") -> Q:
        if self.nothing:
            return Q(pk__in=[])
        return Q(**{f"{field_name}__in": self.org_unit_ids})


NOTHING = DataScope(area_prefix="", nothing=True)
EVERYTHING = DataScope(area_prefix=None)


def scope_of(user) -> DataScope:
    """The user's data scope, computed once per user object."""
    cached = getattr(user, "_data_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._data_scope = scope
    return scope


def _compute_scope(user) -> DataScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    area = user.scope_area or (user.org_unit.area if user.org_unit_id else None)
    if area is None:
        return NOTHING
    unit_ids = user.org_unit.subtree_ids() if user.org_unit_id else frozenset()
    return DataScope(area_prefix=area.prefix, org_unit_ids=unit_ids)
