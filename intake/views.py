"""The resident's pages: scan a code, report, get a receipt, follow the case.
Plain HTML forms that work without JavaScript on a small phone; scripts only
add conveniences (location, a pin map, sending the SMS code in place)."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as InputError

from cases import services as case_services
from cases.actions import perform
from cases.contact import mask_phone, normalise_phone, phone_digest
from cases.models import Category, Satisfaction
from cases.public import public_steps, public_text
from cases.tracking import case_from_tracking, tracking_code
from cases.views import photo_response
from changan import clock, crypto, params
from changan.input_guard import reshows_refused_input
from changan.ratelimit import Limit, client_ip, hit
from intake import selectors, services
from intake.models import PlaceKind, StagedPhoto
from intake.photos import MAX_PHOTOS, Photo, read_photos
from regions.models import Area, AreaLevel

REPORTS_PER_IP = Limit("report-ip", 20, 3600)
REPORTS_PER_PHONE = Limit("report-phone", 5, 3600)
PAGES_PER_IP = Limit("public-ip", 120, 60)
ME_TOO_PER_IP = Limit("me-too-ip", 30, 3600)
FORM_POSTS_PER_IP = Limit("report-post-ip", 60, 3600)
FOLLOW_UPS_PER_CASE = Limit("follow-up-case", 10, 86400)
MAX_REPORTER_PHOTOS = 12  # per case, the report's and the follow-ups' together
FORM_FIELDS = ("key", "text", "family", "name", "phone", "code", "lon", "lat")
FORM_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    """A 429 page saying why and when to retry."""
    response = render(request, "intake/too_many.html", {"minutes": max(1, (wait + 59) // 60)}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _limited(request: HttpRequest, *checks: tuple[Limit, str]) -> HttpResponse | None:
    for limit, who in checks:
        if who and (wait := hit(limit, who)) is not None:
            return _too_many(request, wait)
    return None


# A phone that passed an SMS code stays verified in this browser's session
# for a while, so a form sent back for another reason need not ask again.
VERIFIED_KEY, VERIFIED_SECONDS = "verified_phones", 30 * 60


def _remember_verified(request: HttpRequest, digest: str) -> None:
    now = clock.now().timestamp()
    verified = {d: t for d, t in request.session.get(VERIFIED_KEY, {}).items() if t > now}
    verified[digest] = now + VERIFIED_SECONDS
    request.session[VERIFIED_KEY] = verified


def _verified_digests(request: HttpRequest) -> set[str]:
    now = clock.now().timestamp()
    return {d for d, t in request.session.get(VERIFIED_KEY, {}).items() if t > now}


def _is_verified(request: HttpRequest, phone: str) -> bool:
    try:
        return phone_digest(services.mobile_number(phone)) in _verified_digests(request)
    except ValidationError:
        return False


def _code_step(request: HttpRequest, op: str, phone: str, code: str, errors: dict) -> tuple[str, int]:
    """Send or check an SMS code for ``phone``; returns a notice and the
    HTTP status to answer with; errors go into ``errors``."""
    if op == "send_code":
        try:
            services.send_code(phone=phone, ip=client_ip(request))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return "", 400
        except services.TooMany as exc:
            errors["code"] = [f"发送太频繁，请 {exc.wait} 秒后再试 / too many codes, retry in {exc.wait} s"]
            return "", 429
        except services.SmsUnavailable:
            errors["code"] = [
                "短信暂时发不出去，请稍后再试 / the SMS service is unavailable, try again later"
            ]
            return "", 503
        return f"验证码已发送到 {mask_phone(phone)} / code sent", 200
    if code and phone and not _is_verified(request, phone):
        try:
            _remember_verified(request, services.check_code(phone=phone, code=code))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            return "", 400
    return "", 200


@require_GET
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """Where a QR code lands: straight to the form, or, for a forged, unknown
    or revoked code, a friendly page to choose the place."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    if services.place_from_token(token) is None:
        return render(request, "intake/unknown_code.html", status=404)
    return redirect(f"{reverse('report')}?p={token}")


@reshows_refused_input
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    place = _place(request)
    if place is None:
        return redirect("choose-place")
    form = dict.fromkeys(FORM_FIELDS, "") | {"key": "", "consent": False, "private": False}
    errors, notice, status = {}, "", 200
    if request.method == "POST":
        # Every POST decodes photos: one budget per address for all of them.
        if refused := _limited(request, (FORM_POSTS_PER_IP, client_ip(request))):
            return refused
        form = {k: request.POST.get(k, "").strip()[:2000] for k in FORM_FIELDS}
        form["consent"] = request.POST.get("consent") == "on"
        form["private"] = request.POST.get("private") == "on"
        op = request.POST.get("op", "submit")
        if not FORM_KEY_RE.match(form["key"]) or _someone_elses(request, form["key"]):
            form["key"] = _issue_key(request)  # tampered, truncated, or another browser's
            errors["key"] = [str(services.FORM_EXPIRED)]
        _remember_key(request, form["key"])
        services.drop_staged_photos(key=form["key"], ids=params.ids(request.POST.getlist("drop")))
        photos = _photos(request, StagedPhoto.objects.filter(key=form["key"]).count(), errors)
        place = _located(form, place, errors)
        notice, status = _code_step(request, op, form["phone"], form["code"], errors)
        if op == "submit" and not form["text"]:
            errors["text"] = ["请写下遇到的问题 / please describe the problem"]
        if getattr(request, "refused_input", None):  # removed at the edge (changan.input_guard)
            errors["detail"] = [_("填写的内容含有无法接受的字符，已去掉，请检查后再提交")]
        if op == "submit" and not errors and (wait := _report_wait(request, form["phone"])):
            # Refused, but as the form itself: nothing typed or chosen is lost.
            errors["detail"] = [f"提交太频繁，请 {wait} 分钟后再试 / too many reports, retry in {wait} min"]
            status = 429
        if op == "submit" and not errors:
            try:
                case = services.submit_report(
                    session=_session_digest(request),
                    place=place,
                    photos=photos,
                    verified=_is_verified(request, form["phone"]),
                    **{k: form[k] for k in ("key", "text", "family", "name", "phone", "consent", "private")},
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = getattr(exc, "message_dict", {"detail": [str(exc)]})
                if "key" in errors:  # another browser's key: this form starts afresh
                    form["key"] = _issue_key(request)
            else:
                return redirect("receipt", code=tracking_code(case))
        services.stage_photos(key=form["key"], photos=photos)  # not lost while the form goes back
        status = 400 if errors and status == 200 else status
    else:
        form["key"] = _issue_key(request)
    # A dispute is between its own parties: nobody else joins it with "me too".
    nearby = (
        []
        if form["family"] == services.DISPUTE
        else [
            (c, services.me_too_code(c.pk))
            for c in selectors.nearby_open_reports(place, family=form["family"], text=form["text"])
        ]
    )
    context = {
        "place": place,
        "families": Category.objects.filter(level=1, is_active=True).order_by("code"),
        "dispute_choice": services.DISPUTE,
        "form": form,
        "errors": errors,
        "notice": notice,
        "verified": _is_verified(request, form["phone"]),
        "staged": StagedPhoto.objects.filter(key=form["key"]).values_list("pk", flat=True),
        "nearby": nearby,
        "max_photos": MAX_PHOTOS,
        "map_tile_url": settings.MAP_TILE_URL,
    }
    return render(request, "intake/report.html", context, status=status)


# The report form's idempotency key (a double submission files one case) is
# bound to the browser session that used it (intake.services.submit_report):
# a used key from anyone else is no pass to its receipt. The form's first
# page starts the session, so a double tap arrives with the same cookie.
FORM_KEYS = "report_form_keys"
KEPT_FORM_KEYS = 20


def _issue_key(request: HttpRequest) -> str:
    key = uuid.uuid4().hex
    _remember_key(request, key)
    return key


def _remember_key(request: HttpRequest, key: str) -> None:
    keys = request.session.get(FORM_KEYS, [])
    if key not in keys:
        request.session[FORM_KEYS] = [*keys[-(KEPT_FORM_KEYS - 1) :], key]
    if request.session.session_key is None:
        request.session.save()


def _someone_elses(request: HttpRequest, key: str) -> bool:
    """A key this session never used that another one has photos kept under."""
    return key not in request.session.get(FORM_KEYS, []) and StagedPhoto.objects.filter(key=key).exists()


def _session_digest(request: HttpRequest) -> str:
    return crypto.digest("report-session", request.session.session_key or "")


def _report_wait(request: HttpRequest, phone: str) -> int | None:
    """Minutes to wait when this report would exceed the per-address or
    per-phone limit. Only reports about to be filed count, so typing
    mistakes do not use up a person's allowance."""
    try:
        phone = normalise_phone(phone)
    except ValueError:
        phone = ""
    for limit, who in ((REPORTS_PER_IP, client_ip(request)), (REPORTS_PER_PHONE, phone_digest(phone))):
        if who and (wait := hit(limit, who)) is not None:
            return max(1, (wait + 59) // 60)
    return None


def _photos(request: HttpRequest, already: int, errors: dict, *, limit: int = MAX_PHOTOS) -> list[Photo]:
    """The uploaded photos that pass, up to ``limit`` with the ``already``
    kept ones; each refused one gets its message."""
    photos, refused = read_photos(request.FILES.getlist("photos"), already=already, limit=limit)
    if refused:
        errors["photos"] = refused
    return photos


def _located(form: dict, place: selectors.Place, errors: dict) -> selectors.Place:
    """The place of the phone's location or the pin, when one was given."""
    if not (form["lon"] or form["lat"]):
        return place
    point = _point(form["lon"], form["lat"])
    located = selectors.place_at(*point) if point else None
    if located is None:
        errors["location"] = ["这个位置不在本市辖区内，请重新选择 / the location is outside the jurisdiction"]
        form["lon"] = form["lat"] = ""
        return place
    return located


def _point(lon: str, lat: str) -> tuple[float, float] | None:
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        return None
    return (x, y) if -180 <= x <= 180 and -90 <= y <= 90 else None


def _place(request: HttpRequest) -> selectors.Place | None:
    if token := request.GET.get("p"):
        return services.place_from_token(token)
    if village := request.GET.get("village"):
        return selectors.place_of(PlaceKind.VILLAGE, village)
    if at := request.GET.get("at"):  # lon,lat from the phone, on the choose page
        point = _point(*at.split(",", 1)) if "," in at else None
        return selectors.place_at(*point) if point else None
    return None


@require_GET
def staged_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo kept while its form went back: only to the browser the form
    was issued to (the form key never appears in a URL, so not in logs)."""
    keys = request.session.get(FORM_KEYS, [])
    photo = StagedPhoto.objects.filter(key__in=keys, pk=pk).values_list("thumbnail", flat=True).first()
    if photo is None:
        raise Http404("没有这张照片 / no such photo")
    response = HttpResponse(bytes(photo), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def village_map(request: HttpRequest, code: str) -> HttpResponse:
    """The grid outlines of a village for the pin map."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    body = selectors.village_map(code)
    if body is None:
        raise Http404("没有这个村(社区) / no such village")
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_POST
def sms_code(request: HttpRequest) -> HttpResponse:
    """Send an SMS code from a script, without sending the whole form."""
    errors: dict = {}
    notice, status = _code_step(request, "send_code", request.POST.get("phone", "").strip(), "", errors)
    if errors:
        return JsonResponse(
            {"error": " ".join(m for messages in errors.values() for m in messages)}, status=status
        )
    return JsonResponse({"message": notice})


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
    case = case_from_tracking(code)
    if case is None:
        raise Http404("回执无效 / unknown receipt")
    track_url = request.build_absolute_uri(reverse("track", args=[code]))
    return render(request, "intake/receipt.html", {"case": case, "code": code, "track_url": track_url})


REPORTER_ACTIONS = ("rate", "reopen", "follow_up")


@require_GET
def track_photo(request: HttpRequest, code: str, attachment_id: int) -> HttpResponse:
    case = case_from_tracking(code)
    if case is None:
        raise Http404("查询码无效 / unknown tracking code")
    return photo_response(case, attachment_id, thumb=request.GET.get("thumb") == "1", source="reporter")


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The public course of the case; the reporter may rate it, ask once to
    reopen it if not solved, and add a note or photos for the handling unit."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    case = case_from_tracking(code)
    if case is None:
        raise Http404("查询码无效 / unknown tracking code")
    errors, status, rating = {}, 200, {}
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in REPORTER_ACTIONS:
            raise Http404("没有这个操作 / no such action")
        data = {k: request.POST.get(k, "") for k in ("note", "reason", "satisfaction")}
        # Nothing is assumed: a rating is what the person chose, both parts of it.
        rating = {"solved": request.POST.get("solved", ""), "satisfaction": data["satisfaction"]}
        data["solved"] = {"yes": True, "no": False}.get(rating["solved"], "")
        try:
            if name == "rate":
                _require_rating(rating)
            if name == "follow_up":
                if refused := _limited(request, (FOLLOW_UPS_PER_CASE, str(case.pk))):
                    return refused
                photos = _photos(request, case.attachments.filter(source="reporter").count(), errors,
                                 limit=MAX_REPORTER_PHOTOS)  # fmt: skip
                if errors:
                    raise ValidationError(errors)
                case_services.follow_up(
                    case=case, by=case_services.REPORTER, note=data["note"], photos=photos
                )
            else:
                data = {k: v for k, v in data.items() if v != ""}
                perform(name, case=case, user=case_services.REPORTER, data=data)
        except InputError as exc:
            errors, status = exc.detail, 400
        except ValidationError as exc:
            errors, status = getattr(exc, "message_dict", {"detail": exc.messages}), 400
        except PermissionDenied as exc:
            errors, status = {"detail": [str(exc)]}, 409
        else:
            return redirect("track", code=code)
    allowed = [
        a for a in case_services.allowed_actions(case, case_services.REPORTER) if a in REPORTER_ACTIONS
    ]
    context = {
        "case": case,
        "code": code,
        "steps": public_steps(case),
        "photos": list(case.attachments.filter(source="reporter")),
        "allowed": allowed,
        "errors": errors,
        "satisfaction": Satisfaction.choices,
        "rating": rating,
        # The reporter's own words, but masked: a tracking link gets forwarded.
        "summary": public_text(case, case.description),
    }
    return render(request, "intake/track.html", context, status=status)


def _require_rating(rating: dict) -> None:
    errors = {}
    if rating["solved"] not in ("yes", "no"):
        errors["solved"] = [_("请选择问题是否已解决")]
    if rating["satisfaction"] not in {str(v) for v in Satisfaction.values}:
        errors["satisfaction"] = [_("请选择满意程度")]
    if errors:
        raise ValidationError(errors)


@require_http_methods(["GET", "POST"])
def my_reports(request: HttpRequest) -> HttpResponse:
    """Follow one's reports on any phone: prove the number with an SMS code,
    then see the latest reports filed with that number verified (或输入查询码)."""
    if refused := _limited(request, (PAGES_PER_IP, client_ip(request))):
        return refused
    errors, notice, status = {}, "", 200
    phone, code = request.POST.get("phone", "").strip(), request.POST.get("code", "").strip()
    if request.method == "POST":
        if receipt_code := request.POST.get("tracking", "").strip():
            if case_from_tracking(receipt_code) is not None:
                return redirect("track", code=receipt_code)
            errors["tracking"], status = ["查询码不对 / unknown tracking code"], 404
        else:
            op = request.POST.get("op", "verify")
            if op == "verify" and not code:
                errors["code"], status = ["请填写验证码 / enter the code"], 400
            else:
                notice, status = _code_step(request, op, phone, code, errors)
    cases = [(c, tracking_code(c)) for c in selectors.cases_of_verified_phones(_verified_digests(request))]
    context = {"errors": errors, "notice": notice, "phone": phone, "cases": cases}
    return render(request, "intake/my_reports.html", context, status=status)


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
