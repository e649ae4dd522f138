"""The console's intelligence pages: hot issues (热点问题) with the cases
behind each, and how well cases are routed (派单准确率)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from changan import clock
from figures.views import may_see_screen
from triage import hot, selectors

WINDOWS = (30, 90, 180, 365)


@login_required
@require_GET
def hot_issues(request: HttpRequest) -> HttpResponse:
    if not may_see_screen(request.user):
        raise PermissionDenied(
            "热点问题仅对领导、分析员、受理调度员开放 / hot issues are for leaders, analysts and dispatchers"
        )
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 0
    if days not in WINDOWS:
        error = "时间范围只能是 30/90/180/365 天 / days must be 30, 90, 180 or 365"
        context = {"error": error, "windows": WINDOWS, "days": 90}
        return render(request, "triage/hot.html", context, status=400)
    since = clock.now() - dt.timedelta(days=days)
    context = {
        "hot": hot.hot_issues_for(request.user, days=days),
        "limit": hot.HOT_LIMIT,
        "accuracy": selectors.dispatch_accuracy(request.user, since=since),
        "windows": WINDOWS,
        "days": days,
    }
    return render(request, "triage/hot.html", context)
