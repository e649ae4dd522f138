"""The staff console: the work list (queues, filters, search, saved filters,
bulk actions) and a case with its facts, map, timeline, related cases and
the actions this user may take now."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as InputError
from shapely.geometry import mapping

from accounts.scope import scope_of
from cases import hooks, public, services
from cases.actions import ACTION_INPUTS, CaseFilter, perform, serializer_context
from cases.models import Case, Category, Channel, Status, Urgency
from cases.selectors import (
    QUEUES,
    case_for,
    cases_for,
    filter_cases,
    open_load,
    open_points,
    queue_counts,
    related_cases,
    saved_filters_for,
    timeline,
)
from changan import clock, params
from changan.excel import workbook_response
from changan.keyset import page_of
from orgs.selectors import handling_units_for
from regions.codes import Level, level_of, prefix_of
from regions.models import Area, Grid
from regions.selectors import area_in_scope

PAGE_SIZE = 50
BULK_ACTIONS = ("dispatch", "sign")  # what makes sense for many cases at once
BULK_LIMIT = 200
SORTS = {
    # name: (field, descending, label)
    "new": ("received_at", True, _("最新受理")),
    "old": ("received_at", False, _("最早受理")),
    "due": ("resolve_due_at", False, _("办理时限最近（已派遣的）")),
}
FILTER_FIELDS = (*CaseFilter().fields, "sort")


@login_required
@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    """The work list: queue tabs with counts, filters, search, saved filters,
    keyset pages and bulk actions. htmx swaps only the results."""
    params = request.GET.copy()
    partial = bool(request.headers.get("HX-Request"))  # the results only: no tabs to count
    counts = {} if partial else queue_counts(request.user)
    if not any(params.get(k) for k in FILTER_FIELDS):
        # A bare /cases/ opens the first queue with work in it.
        params["queue"] = next((n for n, c in counts.items() if c), "to_accept")
    parsed = _parsed_filters(params)
    errors = {} if parsed.is_valid() else parsed.errors
    filters = parsed.validated_data if not errors else {}
    field, descending, _label = SORTS.get(params.get("sort", ""), SORTS["new"])
    rows = filter_cases(request.user, filters).select_related("category", "lead_unit", "area")
    if field == "resolve_due_at":
        rows = rows.exclude(resolve_due_at=None)
    page = page_of(rows, key=field, descending=descending, cursor=params.get("cursor", ""), size=PAGE_SIZE)
    current = params.get("queue") or "all"
    context = {
        "tabs": [("all", _("全部"), None)] + [(n, label, counts.get(n)) for n, (label, _q) in QUEUES.items()],
        "current": current,
        "page": page,
        "params": params,
        "errors": errors,
        "tab_query": _query(params, queue=None, cursor=None),
        "next_query": _query(params, cursor=page.next_cursor) if page.next_cursor else "",
        "this_query": _query(params, cursor=None),
        "sorts": [(k, label) for k, (_f, _d, label) in SORTS.items()],
        "saved": saved_filters_for(request.user),
        **_filter_choices(request.user),
    }
    template = "cases/_results.html" if partial else "cases/queues.html"
    return render(request, template, context, status=400 if errors else 200)


EXPORT_HEADERS = ["案件编号", "标题", "分类", "区域", "网格", "渠道", "紧急程度", "状态", "主办单位",
                  "受理时间", "办理时限", "结案时间", "满意度", "是否超期"]  # fmt: skip


EXPORT_FIELDS = ("number", "title", "category__name", "area__name", "grid_id", "channel", "urgency", "status",
                 "lead_unit__name", "received_at", "resolve_due_at", "closed_at", "satisfaction",
                 "resolve_overdue")  # fmt: skip


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx, every matching case, read in chunks and
    written in openpyxl's write-only mode (memory stays flat)."""
    parsed = _parsed_filters(request.GET)
    if not parsed.is_valid():
        return HttpResponse(f"筛选条件有误 / bad filter: {parsed.errors}", status=400)
    rows = (
        filter_cases(request.user, parsed.validated_data)
        .order_by("-received_at", "-pk")
        .values_list(*EXPORT_FIELDS)
    )
    labels = {k: str(v) for k, v in [*Channel.choices, *Urgency.choices, *Status.choices]}

    def lines():
        for r in rows.iterator(chunk_size=2000):
            yield [r[0], r[1], r[2] or "", r[3], r[4] or "", labels.get(r[5], r[5]), labels.get(r[6], r[6]),
                   labels.get(r[7], r[7]), r[8] or "", _local(r[9]), _local(r[10]), _local(r[11]),
                   r[12] or "", "是" if r[13] else "否"]  # fmt: skip

    return workbook_response(f"案件清单{clock.today():%Y%m%d}", EXPORT_HEADERS, lines())


def _local(value):
    # Excel has no time zones: local wall-clock time, as staff read it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _parsed_filters(params: QueryDict) -> CaseFilter:
    """The list filters in ``params`` (empty ones ignored; queue "all" is no queue)."""
    data = {k: v for k, v in params.items() if v != "" and k in FILTER_FIELDS}
    if data.get("queue") == "all":
        del data["queue"]
    return CaseFilter(data=data)


def _query(params: QueryDict, **changes) -> str:
    q = params.copy()
    for key, value in changes.items():
        if value is None or value == "":
            q.pop(key, None)
        else:
            q[key] = value
    return q.urlencode()


def _filter_choices(user) -> dict:
    return {
        "categories": Category.objects.filter(level__lte=2, is_active=True).order_by("code"),
        "units": handling_units_for(user).order_by("area_id", "name"),
        "channels": Channel.choices,
        "urgencies": Urgency.choices,
        "statuses": Status.choices,
    }


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """批量派遣 / 批量签收: the same action on each chosen case, each through the
    services with its own checks; says how many went through and why others
    did not."""
    name = request.POST.get("action", "")
    if name not in BULK_ACTIONS:
        return HttpResponse("没有这个批量操作 / no such bulk action", status=400)
    ids = params.ids(request.POST.getlist("ids"))[:BULK_LIMIT]
    data = _form_data(request, ACTION_INPUTS[name].serializer)
    done, refused = 0, []
    for case in cases_for(request.user).filter(pk__in=ids).order_by("pk"):
        try:
            perform(name, case=case, user=request.user, data=data)
            done += 1
        except (InputError, ValidationError, PermissionDenied) as exc:
            refused.append(f"{case.number}：{_reason(exc)}")
    label = services.ACTIONS[name].label
    if done:
        messages.success(request, f"已{label} {done} 件 / {name}: {done} done")
    if refused:
        messages.error(request, f"{len(refused)} 件未能{label} / not done: " + "；".join(refused[:10]))
    if not ids:
        messages.error(request, "请先勾选案件 / choose cases first")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("cases")
    return redirect(back)


def _reason(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "；".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.detail.items())
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    try:
        services.save_filter(user=request.user, name=request.POST.get("name", ""),
                             query=request.POST.get("query", ""))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已保存筛选 / filter saved")
    return redirect(f"{reverse('cases')}?{request.POST.get('query', '')}")


@login_required
@require_POST
def delete_filter(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_filter(user=request.user, pk=pk)
    return redirect("cases")


@login_required
@require_GET
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _visible_case(request, pk))


@login_required
@require_POST
def take_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = _visible_case(request, pk)
    if name not in ACTION_INPUTS:
        raise Http404("没有这个操作 / no such action")
    data = _form_data(request, ACTION_INPUTS[name].serializer)
    try:
        perform(name, case=case, user=request.user, data=data)
    except InputError as exc:
        return _render_case(request, case, failed=name, errors=exc.detail, data=request.POST, status=400)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return _render_case(request, case, failed=name, errors=errors, data=request.POST, status=400)
    except PermissionDenied as exc:
        return _render_case(
            request, case, failed=name, errors={"detail": [str(exc)]}, data=request.POST, status=409
        )
    messages.success(request, f"已{services.ACTIONS[name].label} / done: {name}")
    return redirect("case", pk=case.pk)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A photo of a case the user may see (thumbnail with ?thumb=1)."""
    case = _visible_case(request, pk)
    return photo_response(case, attachment_id, thumb=request.GET.get("thumb") == "1")


def photo_response(case: Case, attachment_id: int, *, thumb: bool, source: str = "") -> HttpResponse:
    """A photo of ``case``; with ``source``, only one of that origin (the
    reporter's tracking link serves the reporter's own photos, never the
    grid worker's or a mediator's visit photos)."""
    attachments = case.attachments.filter(source=source) if source else case.attachments.all()
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("没有这张照片 / no such photo")
    field = attachment.thumbnail if thumb else attachment.image
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _visible_case(request: HttpRequest, pk: int) -> Case:
    try:
        return case_for(request.user, pk)
    except Case.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内 / no such case in your scope") from None


YES, NO = ("yes", "on", "true", "1"), ("no", "false", "0")


def _form_data(request: HttpRequest, serializer_class) -> dict:
    """HTML form fields → the serializer's input (lists, booleans, blanks)."""
    data = {}
    for name, field in serializer_class().fields.items():
        if isinstance(field, serializers.ManyRelatedField | serializers.ListField):
            values = [v for v in request.POST.getlist(name) if v.strip()]
            if isinstance(field, serializers.ListField):
                values = [line.strip() for v in values for line in v.splitlines() if line.strip()]
            data[name] = values
        elif isinstance(field, serializers.BooleanField):
            value = request.POST.get(name, "")
            if value in YES + NO:
                data[name] = value in YES
            elif not field.required:  # an optional checkbox: unticked is no
                data[name] = False
            # A required yes/no left unanswered stays absent: the serializer says so.
        elif request.POST.get(name, "") != "":
            data[name] = request.POST[name]
    return data


def _render_case(request, case, *, failed=None, errors=None, data=None, status=200) -> HttpResponse:
    case = Case.objects.select_related("category", "area", "grid", "lead_unit", "handler", "leader").get(
        pk=case.pk
    )
    choices: dict = {}  # several forms offer the same units: look them up once
    forms = [
        {
            "name": name,
            "label": services.ACTIONS[name].label,
            "fields": _fields(
                ACTION_INPUTS[name].serializer, request.user, data if failed == name else None, choices
            ),
            "errors": errors if failed == name else None,
        }
        for name in services.allowed_actions(case, request.user)
    ]
    shown = {f["name"] for f in forms}
    context = {
        # Cards the apps above the core add (triage's suggestions).
        "panels": hooks.case_panels(request.user, case, [f["name"] for f in forms]),
        # A received or accepted case can become a dispute (the coordinator's call).
        "may_register_dispute": "accept" in shown or "dispatch" in shown,
        "related": related_cases(request.user, case),
        "grid_shape": mapping(case.grid.boundary) if case.grid and case.grid.boundary is not None else None,
        "map_tile_url": settings.MAP_TILE_URL,
        "photos": list(case.attachments.all()),
        "case": case,
        # What the public sees of it, so staff decide 公开设置 knowing the effect.
        "public": public.is_public(case),
        "may_be_public": public.may_be_public(case),
        "events": timeline(case),
        "forms": forms,
        "units": case.units.select_related("unit"),
        # A refusal for an action no longer offered is shown above the forms.
        "refusal": errors if failed and failed not in shown else None,
    }
    return render(request, "cases/case.html", context, status=status)


def _fields(serializer_class, user, data, choices: dict) -> list[dict]:
    """Describe a serializer's fields for the generic action form; after a
    refused submission, with what the person typed (nothing is lost)."""
    out = []
    for name, field in serializer_class(context=serializer_context(user)).fields.items():
        spec = {
            "name": name,
            "label": field.label or name,
            "required": field.required,
            "value": data.get(name, "") if data else "",
            "values": data.getlist(name) if data else [],
        }
        if isinstance(field, serializers.ManyRelatedField):
            spec.update(kind="multi", choices=_choices(field.child_relation, choices))
        elif isinstance(field, serializers.RelatedField) and not isinstance(
            field, serializers.SlugRelatedField
        ):
            spec.update(kind="select", choices=_choices(field, choices))
        elif isinstance(field, serializers.ChoiceField):
            spec.update(kind="select", choices=[(str(k), v) for k, v in field.choices.items()])
        elif isinstance(field, serializers.BooleanField):
            # A judgment (solved? passed?) is asked, never assumed: two
            # radio buttons with neither chosen; an option is a checkbox.
            spec.update(kind="yesno" if field.required else "bool")
        elif isinstance(field, serializers.DateTimeField):
            spec.update(kind="datetime")
        elif isinstance(field, serializers.ListField):
            spec.update(kind="lines")
        elif isinstance(field, serializers.CharField) and name in ("note", "reason", "result", "reply"):
            spec.update(kind="textarea")
        else:
            spec.update(kind="text")
        out.append(spec)
    return out


def _choices(field, cache: dict) -> list[tuple[str, str]]:
    key = getattr(field, "selector", type(field))
    if key not in cache:
        cache[key] = [(str(obj.pk), str(obj)) for obj in field.get_queryset()[:500]]
    return cache[key]


# ------------------------------------------------------------------- map


@login_required
@require_GET
def case_map(request: HttpRequest) -> HttpResponse:
    """Grids (or townships) coloured by open or overdue cases, the open cases
    as clustered markers; a click opens the case, a township drills down."""
    area = _map_area(request)
    up = area.parent if area.parent_id and scope_of(request.user).covers_area(area.parent_id) else None
    context = {"area": area, "up": up, "map_tile_url": settings.MAP_TILE_URL, "measure": _measure(request)}
    return render(request, "cases/map.html", context)


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    area = _map_area(request)
    prefix = prefix_of(area.code)
    by_grid = level_of(area.code) >= Level.TOWNSHIP or (
        level_of(area.code) == Level.COUNTY and request.GET.get("grids") == "1"
    )
    load = open_load(request.user, prefix, by_grid=by_grid)
    if by_grid:
        places = Grid.objects.filter(code__startswith=prefix).exclude(boundary=None)
    else:
        places = Area.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).exclude(boundary=None)
    features = [
        {"type": "Feature", "geometry": mapping(p.boundary),
         "properties": {"code": p.code, "name": p.name, **load.get(p.code, {"open": 0, "overdue": 0})}}
        for p in places
    ]  # fmt: skip
    body = {"type": "FeatureCollection", "features": features, "points": open_points(request.user, prefix)}
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _measure(request: HttpRequest) -> str:
    return "overdue" if request.GET.get("measure") == "overdue" else "open"


def _map_area(request: HttpRequest) -> Area:
    try:
        return area_in_scope(request.user, request.GET.get("area"))
    except Area.DoesNotExist:
        raise Http404("没有可查看的区域 / no area in your scope") from None
