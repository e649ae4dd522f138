"""Reads of staff accounts, always scoped to the user."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.scope import scope_of


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
