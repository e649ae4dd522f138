"""Plain staff pages: work queues, and a case with its timeline and the
actions this user may take now. Enough to drive the workflow by hand; the
full console comes with its own issue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as InputError

from cases import services
from cases.actions import ACTION_INPUTS, perform, serializer_context
from cases.models import Case
from cases.selectors import QUEUES, case_for, queue_counts, queue_for, timeline

PAGE_SIZE = 50


@login_required
@require_GET
def queues(request: HttpRequest) -> HttpResponse:
    counts = queue_counts(request.user)
    current = request.GET.get("queue") or next((n for n, c in counts.items() if c), "to_accept")
    if current not in QUEUES:
        raise Http404("没有这个队列 / no such queue")
    cases = list(queue_for(request.user, current)[:PAGE_SIZE])
    tabs = [(name, label, counts[name]) for name, (label, _) in QUEUES.items()]
    return render(request, "cases/queues.html", {"tabs": tabs, "current": current, "cases": cases})


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


def photo_response(case: Case, attachment_id: int, *, thumb: bool) -> HttpResponse:
    attachment = case.attachments.filter(pk=attachment_id).first()
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
            data[name] = request.POST.get(name) in ("on", "true", "1")
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
        "photos": list(case.attachments.all()),
        "case": case,
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
            spec.update(kind="bool")
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
