"""The resident's pages: scan a code, report, get a receipt, follow the case.
Plain HTML forms that work without JavaScript on a small phone."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError as InputError

from cases import services as case_services
from cases.actions import perform
from cases.models import Category, Satisfaction
from cases.selectors import public_timeline
from cases.views import photo_response
from changan.ratelimit import Limit, client_ip, hit
from intake import services
from intake.models import PlaceKind
from intake.photos import PhotoRefused
from intake.photos import process as process_photo
from regions.models import Area, AreaLevel

MAX_PHOTOS = 6


REPORTS_PER_IP = Limit("report-ip", 20, 3600)
REPORTS_PER_PHONE = Limit("report-phone", 5, 3600)
PAGES_PER_IP = Limit("public-ip", 120, 60)


def _limited(request: HttpRequest, *checks: tuple[Limit, str]) -> HttpResponse | None:
    """A 429 page saying why and when to retry, if any limit is exceeded."""
    for limit, who in checks:
        if who and (wait := hit(limit, who)) is not None:
            minutes = max(1, (wait + 59) // 60)
            response = render(
                request,
                "intake/too_many.html",
                {"minutes": minutes, "per_phone": limit is REPORTS_PER_PHONE},
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
    return None


@require_GET
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """Where a QR code lands: straight to the form, or, for a forged, unknown
    or revoked code, a friendly page to choose the place."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    if services.place_from_token(token) is None:
        return render(request, "intake/unknown_code.html", status=404)
    return redirect(f"{reverse('report')}?p={token}")


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    if place is None:
        return redirect("choose-place")
    families = Category.objects.filter(level=1, is_active=True).order_by("code")
    form = {"key": uuid.uuid4().hex, "text": "", "family": "", "name": "", "phone": "", "consent": False}
    errors = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("key", "text", "family", "name", "phone")}
        checks = [(REPORTS_PER_IP, client_ip(request)), (REPORTS_PER_PHONE, form["phone"])]
        if refused := _limited(request, *checks):
            return refused
        form["consent"] = request.POST.get("consent") == "on"
        files = request.FILES.getlist("photos")
        photos = []
        if len(files) > MAX_PHOTOS:
            errors["photos"] = [f"最多 {MAX_PHOTOS} 张照片 / at most {MAX_PHOTOS} photos"]
        for upload in files[:MAX_PHOTOS]:
            try:
                photos.append(process_photo(upload.read(), name=upload.name))
            except PhotoRefused as exc:
                errors.setdefault("photos", []).append(str(exc))
        if not form["text"]:
            errors["text"] = ["请写下遇到的问题 / please describe the problem"]
        if not errors:
            try:
                case = services.submit_report(place=place, photos=photos, **form)
            except (ValidationError, PermissionDenied) as exc:
                errors = getattr(exc, "message_dict", {"detail": [str(exc)]})
            else:
                return redirect("receipt", code=services.tracking_code(case))
    nearby = [(c, services.me_too_code(c)) for c in services.nearby_open_reports(place)]
    context = {"place": place, "families": families, "form": form, "errors": errors, "nearby": nearby,
               "p": request.GET.get("p", ""), "village": request.GET.get("village", "")}  # fmt: skip
    return render(request, "intake/report.html", context, status=400 if errors else 200)


def _place(request: HttpRequest):
    if token := request.GET.get("p"):
        return services.place_from_token(token)
    if village := request.GET.get("village"):
        return services.place_of(PlaceKind.VILLAGE, village)
    return None


@require_GET
def choose_place(request: HttpRequest) -> HttpResponse:
    """Choose the place step by step: county → township → village."""
    code = request.GET.get("area", "")
    parent = Area.objects.filter(code=code).first() if code else None
    if parent is None:
        children = Area.objects.filter(level=AreaLevel.COUNTY).order_by("code")
    else:
        children = parent.children.order_by("code")
    villages = parent is not None and parent.level == AreaLevel.TOWNSHIP
    return render(
        request, "intake/choose.html", {"parent": parent, "children": children, "villages": villages}
    )


@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    case = services.case_from_tracking(code)
    if case is None:
        raise Http404("回执无效 / unknown receipt")
    track_url = request.build_absolute_uri(reverse("track", args=[code]))
    return render(request, "intake/receipt.html", {"case": case, "code": code, "track_url": track_url})


REPORTER_ACTIONS = ("rate", "reopen", "follow_up")


@require_GET
def track_photo(request: HttpRequest, code: str, attachment_id: int) -> HttpResponse:
    case = services.case_from_tracking(code)
    if case is None:
        raise Http404("查询码无效 / unknown tracking code")
    return photo_response(case, attachment_id, thumb=request.GET.get("thumb") == "1")


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The public course of the case; the reporter may rate it, ask once to
    reopen it if not solved, and add information for the handling unit."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    case = services.case_from_tracking(code)
    if case is None:
        raise Http404("查询码无效 / unknown tracking code")
    errors, status = {}, 200
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in REPORTER_ACTIONS:
            raise Http404("没有这个操作 / no such action")
        data = {k: request.POST.get(k, "") for k in ("note", "reason", "satisfaction")}
        data["solved"] = request.POST.get("solved") == "yes"
        try:
            perform(
                name, case=case, user=case_services.REPORTER, data={k: v for k, v in data.items() if v != ""}
            )
        except InputError as exc:
            errors, status = exc.detail, 400
        except (ValidationError, PermissionDenied) as exc:
            errors, status = getattr(exc, "message_dict", {"detail": [str(exc)]}), 409
        else:
            return redirect("track", code=code)
    allowed = [
        a for a in case_services.allowed_actions(case, case_services.REPORTER) if a in REPORTER_ACTIONS
    ]
    context = {
        "case": case,
        "code": code,
        "steps": public_timeline(case),
        "photos": list(case.attachments.filter(source="reporter")),
        "allowed": allowed,
        "errors": errors,
        "satisfaction": Satisfaction.choices,
    }
    return render(request, "intake/track.html", context, status=status)


ME_TOO_PER_IP = Limit("me-too-ip", 30, 3600)


@require_http_methods(["POST"])
def me_too(request: HttpRequest) -> HttpResponse:
    """我也遇到: count the person in on an open report nearby."""
    if refused := _limited(request, (ME_TOO_PER_IP, client_ip(request))):
        return refused
    case = services.case_from_me_too(request.POST.get("ref", ""))
    if case is None:
        raise Http404("没有这个问题 / no such report")
    try:
        case = case_services.add_me_too(case=case)
    except ValidationError:
        return render(request, "intake/me_too.html", {"case": case, "closed": True})
    return render(request, "intake/me_too.html", {"case": case, "closed": False})
