"""The analysts' signals page (探照灯): the day's signals ranked, each with
its chart, map and cases, and the decision form. Thin: parse, call a
selector or the service, render; a refused decision keeps what was typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from changan import params
from earlywarning import selectors, services
from earlywarning.models import Signal, SignalKind


def _require_viewer(user) -> None:
    if not selectors.may_see_signals(user):
        raise PermissionDenied(
            "风险预警仅对分析员、领导和受理调度员开放 / signals are for analysts and leaders"
        )


def _signal(request: HttpRequest, pk: int) -> Signal:
    _require_viewer(request.user)
    try:
        return selectors.signal_for(request.user, pk)
    except Signal.DoesNotExist:
        raise Http404("信号不存在或不在您的数据范围内 / no such signal in your data scope") from None


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    _require_viewer(request.user)
    day = selectors.last_day(request.user)
    try:
        day = params.date_param(request.GET.get("day"), name="day", default=day)
    except params.BadParameter as exc:
        return HttpResponse(exc.message, status=400)
    kind = request.GET.get("kind", "")
    if kind and kind not in SignalKind.values:
        return HttpResponse("未知的信号类型 / unknown signal kind", status=400)
    context = {
        "kinds": SignalKind.choices,
        "kind": kind,
        "may_decide": services.may_decide(request.user),
        "map_tile_url": settings.MAP_TILE_URL,
    }
    if day is not None:
        context |= selectors.day_board(
            request.user, day, kind=kind, show_explained=request.GET.get("all") == "1"
        )
    context["show_explained"] = request.GET.get("all") == "1"
    return render(request, "earlywarning/board.html", context)


@login_required
@require_GET
def signal_page(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    return render(request, "earlywarning/signal.html", _card_context(request, signal) | {"full": True})


def _card_context(request: HttpRequest, signal: Signal, **extra) -> dict:
    return {
        "s": signal,
        "cases": selectors.cases_behind(request.user, signal)[:200],
        "may_decide": services.may_decide(request.user),
        "map_tile_url": settings.MAP_TILE_URL,
        **extra,
    }


@login_required
@require_GET
def signal_map(request: HttpRequest, pk: int) -> JsonResponse:
    signal = _signal(request, pk)
    return JsonResponse(selectors.signal_map(request.user, signal), json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _signal(request, pk)
    try:
        signal = services.decide(
            signal=signal, by=request.user, decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except Signal.DoesNotExist:  # the day was judged again meanwhile and this signal replaced
        raise Http404("该信号已被重新研判的结果替换，请刷新 / the day was judged again: reload") from None
    except ValidationError as exc:
        error = "; ".join(exc.messages)
        if request.headers.get("HX-Request"):
            return render(
                request, "earlywarning/_decision.html",
                _card_context(request, signal, error=error, typed=request.POST.get("reason", "")), status=400,
            )  # fmt: skip
        return HttpResponse(error, status=400)
    if request.headers.get("HX-Request"):
        return render(request, "earlywarning/_decision.html", _card_context(request, signal))
    return redirect("signal", pk=signal.pk)
