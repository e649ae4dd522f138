"""The grid worker's phone pages (/field/): my grid, report an event in
under a minute (上报, 自办 or 吹哨), patrols and home visits. Plain forms that
work as they are; the page's script adds GPS, the patrol track, and a queue
that keeps reports made offline and sends each exactly once."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from shapely.geometry import mapping

from cases.models import Category
from changan import params
from fieldwork import selectors, services
from fieldwork.models import Patrol
from intake.photos import read_photos
from orgs.selectors import handling_units_for


def _grids(request: HttpRequest):
    grids = selectors.my_grids(request.user)
    if not grids.exists():
        raise PermissionDenied("此页面供网格员使用 / for grid workers")
    return grids


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    grids = _grids(request)
    grid = grids.filter(code=request.GET.get("grid", "")).first() or grids.first()
    context_cases = list(selectors.open_cases(request.user, [grid])[:50])
    context = {
        "grids": grids,
        "grid": grid,
        "cases": context_cases,
        "today": selectors.today(request.user),
        "families": Category.objects.filter(level__lte=2, is_active=True).order_by("code"),
        "units": handling_units_for(request.user).order_by("kind", "name"),
        "key": uuid.uuid4().hex,
        "done": request.GET.get("done", ""),
        "grid_shape": mapping(grid.boundary) if grid.boundary is not None else None,
        "case_points": [[c.lon, c.lat, c.number] for c in context_cases if c.lon is not None],
        "map_tile_url": settings.MAP_TILE_URL,
    }
    return render(request, "fieldwork/home.html", context)


@login_required
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    grids = _grids(request)
    post = request.POST
    errors: dict[str, list[str]] = {}
    grid = grids.filter(code=post.get("grid", "")).first()
    if grid is None:
        errors["grid"] = ["请选择网格 / choose the grid"]
    photos = _photos(request, "photos", errors)
    after = _photos(request, "after_photos", errors)
    category = Category.objects.filter(code=post.get("category", ""), is_active=True).first()
    units = list(handling_units_for(request.user).filter(pk__in=params.ids(post.getlist("units"))))
    lon, lat = _float(post.get("lon")), _float(post.get("lat"))
    case = None
    if not errors:
        try:
            case = services.report_event(
                worker=request.user, key=post.get("key", ""), grid=grid, text=post.get("text", ""),
                category=category, lon=lon, lat=lat, photos=photos, handle=post.get("handle", "report"),
                result=post.get("result", ""), after_photos=after, units=units,
            )  # fmt: skip
        except ValidationError as exc:
            errors = getattr(exc, "message_dict", None) or {"detail": exc.messages}
        except PermissionDenied as exc:
            errors = {"detail": [str(exc)]}
    if request.headers.get("X-Queued-Report"):  # sent by the page's offline queue
        if errors:
            return JsonResponse({"errors": errors}, status=400)
        return JsonResponse({"number": case.number, "status": case.get_status_display()})
    if errors:
        return HttpResponse(
            "；".join(m for ms in errors.values() for m in ms),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return redirect(f"{reverse('field')}?grid={grid.code}&done={case.number}")


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _photos(request: HttpRequest, field: str, errors: dict) -> list:
    photos, refused = read_photos(request.FILES.getlist(field))
    if refused:
        errors.setdefault(field, []).extend(refused)
    return photos


def _chosen_grid(request: HttpRequest):
    """The grid the form names, among the worker's own."""
    grid = _grids(request).filter(code=request.POST.get("grid", "")).first()
    if grid is None:
        raise Http404("没有这个网格 / no such grid")
    return grid


def _float(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
@require_POST
def patrol_start(request: HttpRequest) -> HttpResponse:
    grid = _chosen_grid(request)
    services.start_patrol(worker=request.user, grid=grid)
    return redirect(f"{reverse('field')}?grid={grid.code}")


@login_required
@require_POST
def patrol_points(request: HttpRequest, pk: int) -> JsonResponse:
    patrol = _patrol(request, pk)
    try:
        points = json.loads(request.body or b"[]")
        patrol = services.add_points(patrol=patrol, by=request.user, points=points)
    except (ValueError, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else "轨迹数据有误 / bad JSON"
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"points": len(patrol.path), "distance_m": round(patrol.distance_m)})


@login_required
@require_POST
def patrol_stop(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = services.stop_patrol(
        patrol=_patrol(request, pk), by=request.user, notes=request.POST.get("notes", "")
    )
    return redirect(f"{reverse('field')}?grid={patrol.grid_id}")


def _patrol(request: HttpRequest, pk: int) -> Patrol:
    patrol = Patrol.objects.filter(pk=pk, worker=request.user).first()
    if patrol is None:
        raise Http404("没有这次巡查 / no such patrol")
    return patrol


@login_required
@require_POST
def visit(request: HttpRequest) -> HttpResponse:
    grid = _chosen_grid(request)
    try:
        post = request.POST
        services.record_visit(
            worker=request.user, grid=grid, household=post.get("household", ""), note=post.get("note", ""),
            lon=_float(post.get("lon")), lat=_float(post.get("lat")),
        )  # fmt: skip
    except ValidationError as exc:
        return _refused("；".join(exc.messages))
    return redirect(f"{reverse('field')}?grid={grid.code}")
