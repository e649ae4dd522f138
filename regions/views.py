"""Pages for places: the area tree from the user's scope down to grids."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.models import RoleCode
from regions import exports, selectors
from regions.models import Area, AreaLevel


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is: a grid worker on the phone page,
    a leader on the data center, everyone else at the work list."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.has_role(RoleCode.GRID_WORKER) and user.grids_worked.exists():
        return redirect("field")
    if user.has_role(RoleCode.LEADER) and not user.has_role(RoleCode.DISPATCHER):
        return redirect("screen")
    return redirect("cases")


@login_required
@require_GET
def place_tree(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """One level of the area tree: the area, its children with counts, and at
    village level its grids. Without a code, the top of the user's scope."""
    if code is None:
        roots = list(selectors.root_areas_for(request.user))
        if len(roots) == 1:
            return redirect("place", code=roots[0].code)
        return render(request, "regions/roots.html", {"roots": roots})
    area = _visible_area(request, code)
    context = {
        "area": area,
        "ancestors": selectors.ancestors_in_scope(request.user, area),
        "map_tile_url": settings.MAP_TILE_URL,
    }
    if area.level == AreaLevel.VILLAGE:
        context["grids"] = (
            selectors.grids_for(request.user, village=area.code)
            .select_related("chief")
            .prefetch_related("workers")
        )
    else:
        summaries = selectors.child_summaries(request.user, area)
        context["children"] = summaries
        context["totals"] = {
            "villages": sum(s.villages for s in summaries),
            "grids": sum(s.grids for s in summaries),
            "households": sum(s.households for s in summaries),
        }
    return render(request, "regions/place.html", context)


@login_required
@require_GET
def place_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The polygons shown on a place page: the area's children (or its grids)."""
    area = _visible_area(request, code)
    if area.level == AreaLevel.VILLAGE:
        features = [exports.grid_feature(g) for g in selectors.grids_for(request.user, village=area.code)]
    else:
        features = [exports.area_feature(a) for a in selectors.areas_for(request.user, parent=area.code)]
    features = [f for f in features if f["geometry"] is not None]
    outline = exports.area_feature(area) if area.boundary is not None else None
    body = {"type": "FeatureCollection", "features": features, "outline": outline}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _visible_area(request: HttpRequest, code: str) -> Area:
    try:
        return selectors.area_for(request.user, code)
    except Area.DoesNotExist:
        # Same answer for "not there" and "not yours": guessing reveals nothing.
        raise Http404("区域不存在或不在您的数据范围内 / no such area in your data scope") from None
