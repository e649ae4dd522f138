"""Reads of staff accounts, always scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scope import scope_of
from regions import codes


def users_for(user) -> QuerySet[User]:
    """Staff whose unit (or explicit scope area) lies in the user's scope."""
    scope = scope_of(user)
    if scope.is_global:
        return User.objects.all()
    visible = scope.area_q("org_unit__area__code") | scope.org_unit_q("org_unit_id")
    if not scope.nothing:
        visible |= Q(org_unit__isnull=True) & scope.area_q("scope_area__code")
    # A superuser is above every scope: a county administrator must not be able
    # to reach (and so reset the password of) an account that sees everything.
    return User.objects.filter(visible).exclude(is_superuser=True)


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
