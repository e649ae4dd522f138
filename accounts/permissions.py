"""What each role may do, in code rather than in editable groups.

``RoleBackend`` grants Django model permissions from the user's roles, so the
admin and the API's permission checks follow the role table below. Row-level
visibility is a separate matter: the data scope (``accounts.scope``).
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import RoleCode
from accounts.scope import scope_of

_BASE_MODELS = ("regions.area", "regions.grid", "orgs.orgunit")


def _perms(models: tuple[str, ...], actions: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for label in models:
        app, model = label.split(".")
        out.update(f"{app}.{action}_{model}" for action in actions)
    return frozenset(out)


_VIEW_BASE = _perms(_BASE_MODELS, ("view",))
_CONFIG_MODELS = (
    "cases.category",
    "cases.timelimitrule",
    "worktime.calendarday",
    "worktime.workingperiod",
    "open311.apikey",
)
CITY_CONFIG_PERMISSIONS = _perms(_CONFIG_MODELS, ("add", "change", "delete"))
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    RoleCode.ADMINISTRATOR: _perms(
        (*_BASE_MODELS, *_CONFIG_MODELS, "accounts.user"), ("view", "add", "change", "delete")
    )
    | _perms(("accounts.role", "cases.case"), ("view",)),
    RoleCode.DISPATCHER: _VIEW_BASE | _perms(("accounts.user", "cases.case"), ("view",)),
    RoleCode.LEADER: _VIEW_BASE | _perms(("accounts.user", "cases.case"), ("view",)),
    RoleCode.ANALYST: _VIEW_BASE,
    RoleCode.HANDLER: _VIEW_BASE,
    RoleCode.GRID_WORKER: _VIEW_BASE,
    RoleCode.MEDIATOR: _VIEW_BASE,
    RoleCode.INSPECTOR: _VIEW_BASE,
}


class RoleBackend(ModelBackend):
    """Adds the permissions of the user's roles to Django's own."""

    def get_role_permissions(self, user_obj) -> frozenset[str]:
        if not user_obj.is_active or user_obj.is_anonymous:
            return frozenset()
        perms: set[str] = set()
        for code in user_obj.role_codes:
            perms |= ROLE_PERMISSIONS.get(code, frozenset())
        # Taxonomy, time limits and the calendar are the city's: only an
        # administrator whose scope is the whole city (or more) edits them.
        scope = scope_of(user_obj)
        if not (scope.is_global or (scope.area_prefix is not None and len(scope.area_prefix) <= 4)):
            perms -= CITY_CONFIG_PERMISSIONS
        return frozenset(perms)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return {*super().get_all_permissions(user_obj), *self.get_role_permissions(user_obj)}

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
