from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from notify.selectors import inbox_for
from notify.services import mark_read


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notes = list(inbox_for(request.user)[:100])
    return render(request, "notify/inbox.html", {"notes": notes})


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(inbox_for(request.user), pk=pk)
    mark_read(notification=note, by=request.user)
    return redirect("case", pk=note.case_id) if note.case_id else redirect("inbox")
