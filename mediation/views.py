"""Pages for mediation: the mediator's workspace, registering a case as a
dispute, the dispute page with its five steps, the agreement PDF and the
figures. Thin: the steps' inputs and their services are declared once in
``mediation.actions`` (the API uses the same); a page turns its form into
those inputs, renders, and on a refused step re-renders the page with the
error and what was typed (nothing is lost)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import ValidationError as InputError

from cases.models import Case, Status
from cases.selectors import case_for, timeline
from changan import clock, params
from figures.views import area_crumbs, may_see_screen
from mediation import actions, agreement_pdf, selectors, services
from mediation.models import (
    Agreement,
    Appointment,
    DisputeType,
    Level,
    Outcome,
    PartyKind,
    Risk,
    Route,
    Side,
    Source,
    Step,
)
from regions.models import Area, AreaLevel
from regions.selectors import area_in_scope

PARTY_ROWS = 4  # party rows on the registration form (2 per side); blank rows are skipped
PARTY_FIELDS = (
    "side",
    "kind",
    "name",
    "gender",
    "ethnicity",
    "birth_year",
    "occupation",
    "address",
    "grid",
    "id_number",
    "phone",
    "vulnerable",
)
DEFAULT_SIDES = (Side.APPLICANT, Side.APPLICANT, Side.RESPONDENT, Side.RESPONDENT)
OBLIGATION_ROWS = 4
OBLIGATION_FIELDS = ("party", "what", "due_on")


def _party_rows(post) -> list[dict]:
    """The party rows of the form, with what was typed after a refusal."""
    return [
        {
            "i": i,
            **{f: post.get(f"party-{i}-{f}", "") for f in PARTY_FIELDS},
            **({} if post else {"side": DEFAULT_SIDES[i], "kind": PartyKind.PERSON}),
        }
        for i in range(PARTY_ROWS)
    ]


def _rows(post, prefix: str, fields: tuple[str, ...], count: int, *, key: str) -> list[dict]:
    """The filled rows (``key`` not blank) of a repeated group of fields
    (``<prefix>-<i>-<field>``), each without its blank fields."""
    rows = ({f: post.get(f"{prefix}-{i}-{f}", "") for f in fields} for i in range(count))
    return [{f: v for f, v in row.items() if v.strip()} for row in rows if row[key].strip()]


def _form_data(request: HttpRequest) -> QueryDict:
    """The posted form as the steps' inputs (mediation.actions) read it: the
    party and obligation rows as lists, the photos among the fields."""
    data = request.POST.copy()
    data.setlist("photos", request.FILES.getlist("photos"))
    data.setlist("parties", _rows(request.POST, "party", PARTY_FIELDS, PARTY_ROWS, key="name"))
    data.setlist("obligations", _rows(request.POST, "ob", OBLIGATION_FIELDS, OBLIGATION_ROWS, key="what"))
    return data


def _errors(exc: Exception) -> dict[str, list[str]]:
    """The messages of a refused input (the serializers' or a service's), by field."""
    if isinstance(exc, InputError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        return {name: list(dict.fromkeys(_flat(value))) for name, value in detail.items()}
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


def _flat(value) -> list[str]:
    """A nested error (a row of a list: ``{0: {"party": [...]}}``) as its messages."""
    if isinstance(value, dict):
        return [m for v in value.values() for m in _flat(v)]
    if isinstance(value, list):
        return [m for v in value for m in _flat(v)]
    return [str(value)]


def _case(user, pk: int) -> Case:
    try:
        return case_for(user, pk)
    except Case.DoesNotExist:
        raise Http404("案件不存在或不在您的数据范围内 / no such case in your scope") from None


# --------------------------------------------------------------- workspace


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    desk = selectors.workspace(request.user)
    return render(
        request,
        "mediation/workspace.html",
        {
            "desk": desk,
            "steps": [(s, Step(s).label) for s in desk.by_step],
            "may_see_figures": may_see_screen(request.user),
        },
    )


# ---------------------------------------------------------------- register


@login_required
def register(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request.user, case_pk)
    errors, status = None, 200
    if request.method == "POST":
        try:
            dispute = actions.register(case=case, user=request.user, data=_form_data(request))
        except (InputError, ValidationError) as exc:
            errors, status = _errors(exc), 400
        except PermissionDenied as exc:
            errors, status = {"detail": [str(exc)]}, 409
        else:
            messages.success(request, "已登记为矛盾纠纷 / registered as a dispute")
            return redirect("dispute", pk=dispute.pk)
    return render(
        request,
        "mediation/register.html",
        {
            "case": case,
            "errors": errors,
            "data": request.POST if errors else {},
            "types": DisputeType.objects.filter(is_active=True),
            "sources": Source.choices,
            "levels": Level.choices,
            "risks": Risk.choices,
            "sides": Side.choices,
            "kinds": PartyKind.choices,
            "party_rows": _party_rows(request.POST if errors else {}),
            "leaders": selectors.leaders_for(case)[:50],
        },
        status=status,
    )


# ------------------------------------------------------------ dispute page


@login_required
@require_GET
def dispute_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, selectors.dispute_for(request.user, pk))


def _render(request, dispute, *, failed: str = "", errors=None, status: int = 200) -> HttpResponse:
    user = request.user
    case = dispute.case
    agreement = getattr(dispute, "agreement", None)
    is_mediator = dispute.mediator_id is not None and (
        dispute.mediator.user_id == user.pk or user.is_superuser
    )
    steps = [(s, Step(s).label, i) for i, s in enumerate(Step.values)]
    context = {
        "dispute": dispute,
        "case": case,
        "agreement": agreement,
        "steps": steps,
        "step_index": dispute.step_index,
        "parties": list(dispute.parties.select_related("grid")),
        "visits": list(dispute.visits.select_related("by").prefetch_related("photos").order_by("at")),
        "assessments": list(dispute.assessments.select_related("by").order_by("at")),
        "sessions": list(dispute.sessions.select_related("by").order_by("at")),
        "obligations": list(agreement.obligations.select_related("party")) if agreement else [],
        "appointments": list(dispute.appointments.filter(done=False).order_by("at")),
        "candidates": selectors.suggest_mediators(dispute)
        if dispute.step in (Step.CHOOSE, Step.ENTER)
        else [],
        "is_mediator": is_mediator,
        "is_coordinator": services.is_coordinator(user, case),
        "must_sign": is_mediator and case.status == Status.DISPATCHED,
        "handling": case.status == Status.HANDLING,
        "blockers": services.clear_blockers(dispute) if dispute.step == Step.CLEAR else [],
        "events": timeline(case),
        "outcomes": Outcome.choices,
        "routes": Route.choices,
        "risks": Risk.choices,
        "appointment_kinds": Appointment.Kind.choices,
        "obligation_rows": [
            {
                "i": i,
                **{f: request.POST.get(f"ob-{i}-{f}", "") if errors else "" for f in OBLIGATION_FIELDS},
            }
            for i in range(OBLIGATION_ROWS)
        ],
        "failed": failed,
        "errors": errors,
        # What was typed goes back into the form that was refused, and only there.
        "f": {failed: request.POST} if errors else {},
        "consenting": set(params.ids(request.POST.getlist("consenting"))) if errors else set(),
        "confirmation_steps": actions.CONFIRMATION_STEPS,
        "confirmation_results": Agreement._meta.get_field("confirmation_result").choices,
        "now": clock.localtime().strftime("%Y-%m-%dT%H:%M"),
        "today": clock.today().isoformat(),
    }
    return render(request, "mediation/dispute.html", context, status=status)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    dispute = selectors.dispute_for(request.user, pk)
    if name not in actions.STEP_INPUTS:
        raise Http404("没有这个步骤 / no such step")
    try:
        actions.perform(name, dispute=dispute, user=request.user, data=_form_data(request))
    except (InputError, ValidationError) as exc:
        return _render(
            request, selectors.dispute_for(request.user, pk), failed=name, errors=_errors(exc), status=400
        )
    except PermissionDenied as exc:
        return _render(
            request,
            selectors.dispute_for(request.user, pk),
            failed=name,
            errors={"detail": [str(exc)]},
            status=409,
        )
    messages.success(request, "已保存 / saved")
    return redirect("dispute", pk=pk)


@login_required
@require_GET
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_for(request.user, pk)
    found = getattr(dispute, "agreement", None)
    if found is None:
        raise Http404("尚无调解协议书 / no agreement yet")
    response = HttpResponse(
        agreement_pdf.render(selectors.agreement_document(found)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="agreement-{dispute.case.number}.pdf"'
    return response


# ------------------------------------------------------------------ figures


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    if not may_see_screen(request.user):
        raise PermissionDenied("无权查看数据中心 / the data center is not open to you")
    try:
        area = area_in_scope(request.user, request.GET.get("area"))
    except Area.DoesNotExist:
        raise PermissionDenied("没有数据范围 / you have no data scope") from None
    today = clock.today()
    try:
        start = params.date_param(
            request.GET.get("start"), name="start", default=today.replace(month=1, day=1)
        )
        end = params.date_param(request.GET.get("end"), name="end", default=today)
    except params.BadParameter as exc:
        return render(request, "mediation/figures.html", {"errors": exc.errors, "area": area}, status=400)
    if end < start:
        return render(
            request,
            "mediation/figures.html",
            {"errors": {"end": ["结束日期早于开始日期 / the end is before the start"]}, "area": area},
            status=400,
        )
    children = {
        a.code: a.name
        for a in Area.objects.filter(parent=area, level__lte=AreaLevel.VILLAGE).order_by("code")
    }
    total, rows = selectors.dispute_figures(area_code=area.code, start=start, end=end, children=children)
    return render(
        request,
        "mediation/figures.html",
        {
            "area": area,
            "crumbs": area_crumbs(request.user, area),
            "start": start,
            "end": end,
            "total": total,
            "rows": [r for r in rows if r.found or r.accepted or r.agreements or r.failed or r.follow_ups],
            "drill": area.level < AreaLevel.TOWNSHIP,
        },
    )
