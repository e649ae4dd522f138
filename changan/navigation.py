"""What the top bar offers a signed-in user: only the pages open to them."""

from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from accounts.models import RoleCode
    from earlywarning.selectors import may_see_signals
    from figures.views import may_see_screen
    from regions.selectors import grids_of_worker

    return {
        "nav_screen": may_see_screen(user),
        "nav_field": grids_of_worker(user).exists(),
        "nav_signals": may_see_signals(user),
        "nav_mediation": user.has_role(RoleCode.MEDIATOR) or user.has_role(RoleCode.DISPATCHER),
    }
