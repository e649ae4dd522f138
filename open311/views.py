"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) on the case model.

Every endpoint answers in JSON or XML by its extension (``.json`` is the
default when none is given). Errors are the spec's error list. Requests are
read liberally, as real clients send them: an empty parameter is an absent
one; ``api_key`` and ``jurisdiction_id`` may come in the query string or the
body; ``service/{code}`` is accepted for ``services/{code}``. Extensions:
``page``/``page_size``, ``updated_after`` and ``extensions=true`` (the public
notes history of each request).

Reads show what the public may see (``cases.public``) unless the caller's
key is scoped wider (``open311.models.KeyScope``): its own submissions, or
an area's cases, then in full (never the reporter's contact details).
"""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, Value
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cases import services
from cases.models import OPEN_STATUSES, AppealType, Case, CaseKind, Category, Channel, Status
from cases.public import PublicCase, public_cases, public_q, public_steps, public_view
from cases.selectors import PublicStep, public_timeline
from changan import clock, params
from changan.ratelimit import Limit, hit
from open311.models import ApiKey, KeyScope, Submission
from regions import codes

REQUESTS_PER_KEY = Limit("open311-key", 600, 60)

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_PAGE = 1000
MAX_PAGES = 10_000
DEFAULT_DAYS = 90


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, description
        super().__init__(description)


# ------------------------------------------------------------------ output


def _render(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> HttpResponse:
    """A list of objects: ``<root><item>…</item>…</root>`` or a JSON array."""
    if fmt == "xml":
        top = ET.Element(root)
        for row in rows:
            _xml_fill(ET.SubElement(top, item), row)
        return _respond(fmt, top, status)
    return _respond(fmt, rows, status)


def _render_one(fmt: str, root: str, row: dict) -> HttpResponse:
    """A single object (discovery, a service definition) rather than a list."""
    if fmt == "xml":
        top = ET.Element(root)
        _xml_fill(top, row)
        return _respond(fmt, top)
    return _respond(fmt, row)


def _respond(fmt: str, payload, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(payload, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps(payload, ensure_ascii=False, default=str)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


# The element name of one entry in each list the spec defines.
XML_ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}


def _xml_fill(element: ET.Element, row: dict) -> None:
    for key, value in row.items():
        if isinstance(value, list):
            holder = ET.SubElement(element, key)
            child_name = XML_ITEM_NAMES.get(key, "item")
            for entry in value:
                if isinstance(entry, dict):
                    _xml_fill(ET.SubElement(holder, child_name), entry)
                else:
                    ET.SubElement(holder, child_name).text = str(entry)
        else:
            ET.SubElement(element, key).text = "" if value is None else _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(fmt, "errors", "error", [{"code": status, "description": description}], status=status)


def _w3c(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def endpoint(view):
    """Parse the format, check the jurisdiction, turn errors into error lists."""

    def wrapped(request: HttpRequest, *args, fmt: str = "json", **kwargs) -> HttpResponse:
        fmt = (fmt or "json").lower()
        if fmt not in ("json", "xml"):
            return _error("json", 400, f"unsupported format {fmt!r}: use .json or .xml")
        try:
            jurisdiction = _param(request, "jurisdiction_id")
            if jurisdiction and jurisdiction not in settings.OPEN311_JURISDICTIONS:
                raise Open311Error(404, f"jurisdiction_id {jurisdiction!r} is not served here")
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the body or the query string; empty means absent."""
    value = request.POST.get(name) or request.GET.get(name) or _json_body(request).get(name) or ""
    return str(value).strip()


def _json_body(request: HttpRequest) -> dict:
    if request.method != "POST" or not request.content_type.startswith("application/json"):
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise Open311Error(400, "the request body is not valid JSON") from None
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------- discovery


@require_GET
@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    changeset = "2026-11-29T00:00:00+08:00"
    row = {
        "changeset": changeset,
        "contact": settings.OPEN311_CONTACT,
        "key_service": "向平台管理员申请 API 密钥 / ask the platform administrator for an API key",
        "endpoints": [
            {"specification": SPEC, "url": base, "changeset": changeset, "type": "production",
             "formats": ["text/xml", "application/json"]},
        ],
    }  # fmt: skip
    return _render_one(fmt, "discovery", row)


# ---------------------------------------------------------------- services


def _services():
    return Category.objects.filter(level=3, is_active=True).select_related("parent__parent").order_by("code")


def _service_row(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.parent.name} / {category.parent.name} / {category.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": category.parent.name,
        "group": category.parent.parent.name,
    }


@require_GET
@endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(fmt, "services", "service", [_service_row(c) for c in _services()])


APPEAL_TYPE_ATTRIBUTE = {
    "variable": True,
    "code": "appeal_type",
    "datatype": "singlevaluelist",
    "required": False,
    "datatype_description": "诉求类型 / kind of appeal",
    "order": 1,
    "description": "诉求类型 / kind of appeal",
    "values": [{"key": k, "name": str(v)} for k, v in AppealType.choices],
}


@require_GET
@endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if not _services().filter(code=code).exists():
        raise Open311Error(404, f"service_code {code!r} not found")
    return _render_one(
        fmt, "service_definition", {"service_code": code, "attributes": [APPEAL_TYPE_ATTRIBUTE]}
    )


# ---------------------------------------------------------------- requests


@require_http_methods(["GET", "POST"])
@endpoint
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    key = _api_key(request)
    rows = [_request_row(c, request) for c in _filtered(request, key)]
    return _render(fmt, "service_requests", "request", rows)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = _api_key(request, required=True)
    code = _param(request, "service_code")
    category = _services().filter(code=code).first() if code else None
    if category is None:
        raise Open311Error(400, f"service_code {code!r} not found" if code else "service_code is required")
    lat, lon = _param(request, "lat"), _param(request, "long")
    address = _param(request, "address_string")
    if not (lat and lon) and not address:
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    try:
        point = (float(lon), float(lat)) if lat and lon else (None, None)
    except ValueError:
        raise Open311Error(400, "lat and long must be numbers") from None
    if point[0] is not None and not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
        raise Open311Error(400, "lat and long must be a point on the earth")
    appeal_type = _param(request, "attribute[appeal_type]")
    if appeal_type and appeal_type not in AppealType.values:
        raise Open311Error(400, f"attribute[appeal_type] must be one of {', '.join(AppealType.values)}")
    description = _param(request, "description")
    name = " ".join(p for p in (_param(request, "last_name"), _param(request, "first_name")) if p)
    try:
        with transaction.atomic():
            case = services.receive_case(
                by=None,
                title=(description or category.name)[:60],
                description=description or category.name,
                channel=Channel.API,
                appeal_type=appeal_type,
                category=category,
                lon=point[0],
                lat=point[1],
                area_code="" if point[0] is not None else settings.OPEN311_AREA_CODE,
                address=address,
                media_url=_param(request, "media_url"),
                reporter_name=name,
                reporter_phone=_param(request, "phone"),
            )
            Submission.objects.create(key=key, case=case)
    except ValidationError as exc:
        messages = (
            [m for ms in exc.message_dict.values() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise Open311Error(400, "; ".join(messages)) from None
    except PermissionDenied as exc:
        raise Open311Error(403, str(exc)) from None
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now())
    row = {"service_request_id": case.number, "token": case.number, "service_notice": "", "account_id": None}
    return _render(fmt, "service_requests", "request", [row], status=201)


def _api_key(request: HttpRequest, *, required: bool = False) -> ApiKey | None:
    """The caller's key, counted against its rate limit. A read may come
    without one (the public view), a POST may not; a wrong key is refused
    rather than quietly read as none."""
    given = _param(request, "api_key")
    if not given and not required:
        return None
    key = ApiKey.active(given)
    if key is None:
        raise Open311Error(403, "a valid api_key is required" if required else "api_key is not valid")
    if (wait := hit(REQUESTS_PER_KEY, str(key.pk))) is not None:
        raise Open311Error(429, f"too many requests for this api_key: retry in {wait} s")
    return key


def _wider(key: ApiKey | None) -> Q | None:
    """What a key may read beyond the public view, in full (never the
    reporter's contact details: Open311 has no field for them)."""
    if key is None or key.scope == KeyScope.PUBLIC:
        return None
    wider = Q(pk__in=Submission.objects.filter(key=key).values("case_id"))
    if key.scope == KeyScope.AREA and key.area_id:
        wider |= (
            Q(area__code__startswith=codes.prefix_of(key.area_id))
            & ~Q(kind=CaseKind.DISPUTE)
            & ~Q(appeal_type=AppealType.REPORT)
        )
    return wider


def _requests(key: ApiKey | None):
    """The cases ``key`` may read as service requests, each with the time of
    its latest event and whether it is read in full (``full``)."""
    wider = _wider(key)
    rows = public_cases() if wider is None else Case.objects.filter(public_q() | wider)
    full = ExpressionWrapper(wider, output_field=BooleanField()) if wider is not None else Value(False)
    return rows.select_related("category", "lead_unit", "area").annotate(updated=Max("events__at"), full=full)


def _filtered(request: HttpRequest, key: ApiKey | None):
    qs = _requests(key)
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    if ids:
        return qs.filter(number__in=ids[:MAX_PAGE]).order_by("-received_at")[:MAX_PAGE]
    codes_ = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes_:
        qs = qs.filter(category_id__in=codes_[:MAX_PAGE])
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start is None and end is None:
        start = clock.now() - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    status = _param(request, "status")
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if wanted == {"open"}:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif wanted == {"closed"}:
            qs = qs.exclude(status__in=OPEN_STATUSES)
    updated_after = _date(request, "updated_after")
    if updated_after is not None:
        qs = qs.filter(updated__gt=updated_after)
    page = _int(request, "page", 1, most=MAX_PAGES)
    size = _int(request, "page_size", MAX_PAGE, most=MAX_PAGE)
    return qs.order_by("-received_at", "-id")[(page - 1) * size : page * size]


def _date(request: HttpRequest, name: str) -> dt.datetime | None:
    value = _param(request, name)
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "+") if "T" in value else value)
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date, e.g. 2026-11-01T00:00:00+08:00") from None
    if not params.MIN_DATE <= parsed.date() <= params.MAX_DATE:  # the platform's one date bound
        raise Open311Error(400, f"{name} must lie between {params.MIN_DATE} and {params.MAX_DATE}")
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


def _int(request: HttpRequest, name: str, default: int, *, most: int) -> int:
    try:
        return params.int_param(_param(request, name), name=name, default=default, low=1, high=most)
    except params.BadParameter:
        raise Open311Error(400, f"{name} must be an integer from 1 to {most}") from None


STATUS_NOTES = {
    Status.MERGED: "已合并至原件 merged into an earlier request",
    Status.REJECTED: "不予受理 not accepted",
}


def _request_row(case: Case, request: HttpRequest) -> dict:
    """A service request: in full for a key that may read the case, else the
    public view (masked title, village, point snapped to ~100 m)."""
    if not getattr(case, "full", False):
        return _public_row(public_view(case), case, request)
    row = {
        "service_request_id": case.number,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": STATUS_NOTES.get(case.status, str(case.get_status_display())),
        "service_name": case.category.name if case.category_id else "",
        "service_code": case.category_id or "",
        "description": case.description,
        "agency_responsible": case.lead_unit.name if case.lead_unit_id else "",
        "service_notice": "",
        "requested_datetime": _w3c(case.received_at),
        "updated_datetime": _w3c(getattr(case, "updated", None) or case.received_at),
        "expected_datetime": _w3c(case.resolve_due_at),
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": case.media_url,
    }
    if _param(request, "extensions") == "true":
        row["notes"] = _notes(public_timeline(case))
    return row


def _public_row(view: PublicCase, case: Case, request: HttpRequest) -> dict:
    row = {
        "service_request_id": view.number,
        "status": "open" if view.is_open else "closed",
        "status_notes": view.status_label,
        "service_name": view.category,
        "service_code": view.category_code,
        "description": view.title,
        "agency_responsible": view.unit,
        "service_notice": "",
        "requested_datetime": _w3c(view.received_at),
        "updated_datetime": _w3c(getattr(case, "updated", None) or view.received_at),
        "expected_datetime": _w3c(view.due_at),
        "address": view.place,
        "address_id": "",
        "zipcode": "",
        "lat": view.lat,
        "long": view.lon,
        "media_url": "",
    }
    if _param(request, "extensions") == "true":
        row["notes"] = _notes(public_steps(case))
    return row


def _notes(steps: list[PublicStep]) -> list[dict]:
    """The extension's history: what happened and when, and the replies."""
    return [{"datetime": _w3c(s.at), "summary": s.summary, "description": s.text} for s in steps]


@require_GET
@endpoint
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    case = _requests(_api_key(request)).filter(number=number).first()
    if case is None:
        raise Open311Error(404, f"service_request_id {number!r} not found")
    return _render(fmt, "service_requests", "request", [_request_row(case, request)])


@require_GET
@endpoint
def token(request: HttpRequest, token_id: str, fmt: str) -> HttpResponse:
    if not _requests(_api_key(request)).filter(number=token_id).exists():
        raise Open311Error(404, f"token {token_id!r} not found")
    return _render(fmt, "service_requests", "request", [{"service_request_id": token_id, "token": token_id}])
