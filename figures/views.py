"""The data center's first screen (一屏观全域): volumes, the three rates and
on-time completion, trends, top categories, rankings, a heat map and
drill-down, for the leader's area; Excel export of every ranking."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from shapely.geometry import mapping

from accounts.models import RoleCode
from accounts.scope import scope_of
from changan import clock
from changan.excel import workbook_response
from figures import selectors
from figures.selectors import RATES
from regions.codes import Level, level_of, prefix_of
from regions.models import Area, Grid

SCREEN_ROLES = (RoleCode.LEADER, RoleCode.ANALYST, RoleCode.ADMINISTRATOR, RoleCode.DISPATCHER)
REFRESH_SECONDS = 300


def may_see_screen(user) -> bool:
    return user.is_superuser or any(user.has_role(r) for r in SCREEN_ROLES)


def _screen(request: HttpRequest) -> dict:
    user = request.user
    if not may_see_screen(user):
        raise PermissionDenied(
            "数据中心仅对领导、分析员、受理调度员开放 / the data center is for leaders and analysts"
        )
    try:
        return selectors.dashboard(user, request.GET.get("area"))
    except Area.DoesNotExist:
        raise Http404("没有可查看的区域 / no area in your scope") from None


@login_required
@require_GET
def screen(request: HttpRequest) -> HttpResponse:
    data = _screen(request)
    context = {
        "data": data,
        "payload": payload(data),
        "rates": [_rate_card(data, key) for key in RATES],
        "weights": [round(w * 100) for w in settings.DASHBOARD_WEIGHTS],
        "crumbs": area_crumbs(request.user, data["area"]),
        "wall": request.GET.get("wall") == "1",
        "refresh": REFRESH_SECONDS,
        "updated": clock.localtime(),
    }
    return render(request, "figures/screen.html", context)


def _rate_card(data: dict, key: str) -> dict:
    label, formula, _num, _den = RATES[key]
    year, month = data["totals"]["year"].rates[key], data["totals"]["month"].rates[key]
    return {"key": key, "label": label, "formula": formula, "year": year, "month": month}


def area_crumbs(user, area: Area) -> list[Area]:
    """The way back up, within the user's scope."""
    root = scope_of(user).area_prefix or ""
    crumbs, node = [], area
    while node is not None and node.code.startswith(root):
        crumbs.insert(0, node)
        node = node.parent
    return crumbs


def payload(data: dict) -> dict:
    """What the charts and the map need, as JSON."""
    area = data["area"]
    return {
        "area": {"code": area.code, "name": area.name, "level": int(level_of(area.code))},
        "totals": {k: {"counts": f.counts, "rates": f.rates} for k, f in data["totals"].items()},
        "trend_days": data["trend_days"],
        "trend_months": data["trend_months"],
        "families": data["families"],
        "heat": data["heat"],
    }


@login_required
@require_GET
def screen_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(payload(_screen(request)), json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def heat_shapes(request: HttpRequest) -> JsonResponse:
    """Polygons for the heat map: the townships under a city or county, the
    grids of a township."""
    area = _screen(request)["area"]
    prefix = prefix_of(area.code)
    if level_of(area.code) == Level.TOWNSHIP:
        rows = Grid.objects.filter(code__startswith=prefix).exclude(boundary=None)
        features = [_feature(g.code, g.name, g.boundary) for g in rows.select_related("village")]
    else:
        rows = Area.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).exclude(boundary=None)
        features = [_feature(a.code, a.name, a.boundary) for a in rows]
    response = JsonResponse({"type": "FeatureCollection", "features": features},
                            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})  # fmt: skip
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _feature(code: str, name: str, shape) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": mapping(shape)}


EXPORTS = {
    # table: (file name, first headers)
    "children": ("区域排名", ["区划代码", "名称"]),
    "units": ("部门排名", ["单位编号", "单位"]),
}
RATE_HEADERS = ["受理量", "响应率(%)", "解决率(%)", "满意率(%)", "按期办结率(%)", "综合得分"]


@login_required
@require_GET
def export(request: HttpRequest, table: str) -> FileResponse:
    """A ranking as .xlsx with Chinese headers."""
    if table not in (*EXPORTS, "families"):
        raise Http404("没有这个表 / no such table")
    data = _screen(request)
    title = f"{data['area'].name}{data['today']:%Y}年"
    if table == "families":
        rows = ([f["family"], f["name"], f["received"]] for f in data["families"])
        return workbook_response(f"{title}分类排名", ["分类编码", "分类", "受理量"], rows)
    name, headers = EXPORTS[table]
    key = "code" if table == "children" else "unit"
    rows = (
        [r[key], r["name"], r["counts"]["received"] or r["counts"]["assigned"],
         *(r["rates"][k] for k in RATES), r["score"]]
        for r in data[table]
    )  # fmt: skip
    headers = [*headers, "受理量" if table == "children" else "派单量", *RATE_HEADERS[1:]]
    return workbook_response(f"{title}{name}", headers, rows)
