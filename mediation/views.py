"""Pages for mediation: the mediator's workspace, registering a case as a
dispute, the dispute page with its five steps, the agreement PDF and the
figures. Thin: parse, call a service or selector, render; a refused step
re-renders the page with the error and what was typed (nothing is lost)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from cases import services as case_services
from cases.models import Case, Status
from cases.selectors import case_for, timeline
from changan import clock, params
from figures.views import area_crumbs, may_see_screen
from intake.photos import PhotoRefused, read_photo
from mediation import agreement_pdf, selectors, services
from mediation.models import (
    Agreement,
    Appointment,
    DisputeType,
    Level,
    Mediator,
    Obligation,
    Outcome,
    Party,
    PartyKind,
    Risk,
    Route,
    Side,
    Source,
    Step,
)
from regions.models import Area, AreaLevel
from regions.selectors import area_in_scope

MAX_PHOTOS = 6  # photos per visit
CONFIRMATION_STEPS = [("apply", _("已申请")), ("decide", _("法院已裁定")), ("waive", _("当事人不申请"))]
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


OBLIGATION_ROWS = 4


class BadInput(ValidationError):
    pass


# Dates within 2000–2100 and numbers within a column's range (changan.params):
# a year 9999 or a 30-digit number is a 400 with a message, not a 500.


def _datetime(value: str, name: str) -> dt.datetime:
    try:
        moment = params.datetime_param(value, name=name)
    except params.BadParameter as exc:
        raise BadInput(exc.errors) from None
    if moment is None:
        raise BadInput({name: _("请填写时间")})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _date(value: str, name: str) -> dt.date:
    try:
        day = params.date_param(value, name=name)
    except params.BadParameter as exc:
        raise BadInput(exc.errors) from None
    if day is None:
        raise BadInput({name: _("请填写日期")})
    return day


def _int(value: str, name: str, default: int | None = None, *, high: int = params.ID_MAX) -> int | None:
    try:
        return params.int_param(value, name=name, default=default, high=high)
    except params.BadParameter as exc:
        raise BadInput(exc.errors) from None


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}


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


def _parties(post) -> list[services.PartyInput]:
    rows = []
    for i in range(PARTY_ROWS):
        name = post.get(f"party-{i}-name", "").strip()
        if not name:
            continue
        rows.append(
            services.PartyInput(
                side=post.get(f"party-{i}-side", ""),
                name=name,
                kind=post.get(f"party-{i}-kind", PartyKind.PERSON),
                gender=post.get(f"party-{i}-gender", ""),
                ethnicity=post.get(f"party-{i}-ethnicity", ""),
                birth_year=_int(post.get(f"party-{i}-birth_year", ""), "birth_year", high=params.INT32_MAX),
                occupation=post.get(f"party-{i}-occupation", ""),
                address=post.get(f"party-{i}-address", ""),
                grid_code=post.get(f"party-{i}-grid", "").strip(),
                id_number=post.get(f"party-{i}-id_number", ""),
                phone=post.get(f"party-{i}-phone", ""),
                vulnerable=bool(post.get(f"party-{i}-vulnerable")),
            )
        )
    return rows


@login_required
def register(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = _case(request.user, case_pk)
    errors, status = None, 200
    if request.method == "POST":
        post = request.POST
        try:
            amount = None
            if post.get("amount", "").strip():
                try:
                    amount = Decimal(post["amount"])
                except InvalidOperation:
                    raise BadInput({"amount": "金额格式不对 / not an amount"}) from None
            dispute_type = DisputeType.objects.filter(pk=post.get("dispute_type"), is_active=True).first()
            if dispute_type is None:
                raise BadInput({"dispute_type": "请选择纠纷类型 / choose the dispute type"})
            leader = None
            if (leader_id := _int(post.get("leader", ""), "leader")) is not None:
                leader = selectors.leaders_for(case).filter(pk=leader_id).first()
                if leader is None:  # another county's leader, or no leader at all: a forged choice
                    raise BadInput({"leader": _("所选领导不能包案本案")})
            dispute = services.register(
                case=case,
                by=request.user,
                dispute_type=dispute_type,
                parties=_parties(post),
                summary=post.get("summary", ""),
                source=post.get("source", ""),
                level=post.get("level", Level.VILLAGE),
                amount=amount,
                risk=post.get("risk", Risk.LOW),
                risk_reasons=post.get("risk_reasons", ""),
                leader=leader,
            )
        except ValidationError as exc:
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
        "is_coordinator": services._is_coordinator(user, case),
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
                **{
                    f: request.POST.get(f"ob-{i}-{f}", "") if errors else ""
                    for f in ("party", "what", "due_on")
                },
            }
            for i in range(OBLIGATION_ROWS)
        ],
        "failed": failed,
        "errors": errors,
        # What was typed goes back into the form that was refused, and only there.
        "f": {failed: request.POST} if errors else {},
        "consenting": set(params.ids(request.POST.getlist("consenting"))) if errors else set(),
        "confirmation_steps": CONFIRMATION_STEPS,
        "confirmation_results": Agreement._meta.get_field("confirmation_result").choices,
        "now": clock.localtime().strftime("%Y-%m-%dT%H:%M"),
        "today": clock.today().isoformat(),
    }
    return render(request, "mediation/dispute.html", context, status=status)


def _obligations(post, dispute) -> list[services.ObligationInput]:
    parties = {str(p.pk): p for p in dispute.parties.all()}
    rows = []
    for i in range(OBLIGATION_ROWS):
        what = post.get(f"ob-{i}-what", "").strip()
        if not what:
            continue
        party = parties.get(post.get(f"ob-{i}-party", ""))
        if party is None:
            raise BadInput(
                {"obligations": "请为每项履行事项选择履行方 / choose who performs each obligation"}
            )
        rows.append(
            services.ObligationInput(party, what, _date(post.get(f"ob-{i}-due_on", ""), "obligations"))
        )
    return rows


def _step(name: str, request, dispute):
    """Run the step ``name`` with the posted form."""
    p, by = request.POST, request.user
    text = lambda key: p.get(key, "")  # noqa: E731
    if name == "sign_case":  # 签收: the mediator takes the case on
        return case_services.sign(case=dispute.case, by=by, note="调解员签收")
    if name == "choose":
        mediator = (
            Mediator.objects.filter(pk=_int(text("mediator"), "mediator")).select_related("user").first()
        )
        if mediator is None:
            raise BadInput({"mediator": "请选择调解员 / choose a mediator"})
        return services.choose_mediator(dispute=dispute, by=by, mediator=mediator, note=text("note"))
    if name == "plan":
        return services.plan(
            dispute=dispute,
            by=by,
            kind=text("kind"),
            at=_datetime(text("at"), "at"),
            place=text("place"),
            note=text("note"),
        )
    if name == "visit":
        photos = []
        for upload in request.FILES.getlist("photos")[:MAX_PHOTOS]:
            try:
                photos.append(read_photo(upload))
            except PhotoRefused as exc:
                raise BadInput({"photos": str(exc)}) from None
        return services.record_visit(
            dispute=dispute,
            by=by,
            at=_datetime(text("at"), "at"),
            place=text("place"),
            met=text("met"),
            findings=text("findings"),
            companions=text("companions"),
            photos=photos,
        )
    if name == "assess":
        return services.assess_risk(
            dispute=dispute,
            by=by,
            level=text("level"),
            reasons=text("reasons"),
            measures=text("measures"),
            violence=bool(p.get("violence")),
            escalation=bool(p.get("escalation")),
            group_size=_int(text("group_size"), "group_size", 0, high=params.INT32_MAX),
            vulnerable=bool(p.get("vulnerable")),
        )
    if name == "session":
        return services.record_session(
            dispute=dispute,
            by=by,
            at=_datetime(text("at"), "at"),
            place=text("place"),
            attendees=text("attendees"),
            minutes=text("minutes"),
        )
    if name == "conclude":
        outcome = text("outcome")
        conclusion = services.Conclusion(
            outcome=outcome,
            facts=text("facts"),
            terms=text("terms"),
            performance=text("performance"),
            obligations=_obligations(p, dispute) if outcome != Outcome.FAILED else [],
            route=text("route"),
            note=text("note"),
        )
        return services.conclude(dispute=dispute, by=by, conclusion=conclusion)
    if name == "sign_agreement":
        return services.sign_agreement(
            dispute=dispute, by=by, signed_at=_datetime(text("signed_at"), "signed_at")
        )
    if name == "extend":
        consenting = list(Party.objects.filter(dispute=dispute, pk__in=params.ids(p.getlist("consenting"))))
        return services.extend(
            dispute=dispute,
            by=by,
            until=_datetime(text("until"), "until"),
            consenting=consenting,
            note=text("note"),
        )
    if name == "perform":
        obligation = Obligation.objects.filter(
            agreement__dispute=dispute, pk=_int(text("obligation"), "obligation")
        ).first()
        if obligation is None:
            raise Http404("没有这项履行事项 / no such obligation")
        return services.record_performance(
            obligation=obligation,
            by=by,
            performed_on=_date(text("performed_on"), "performed_on"),
            note=text("note"),
        )
    if name == "follow_up":
        return services.record_follow_up(
            dispute=dispute,
            by=by,
            at=_datetime(text("at"), "at"),
            place=text("place"),
            met=text("met"),
            findings=text("findings"),
            satisfaction=_int(text("satisfaction"), "satisfaction", 0, high=params.INT32_MAX),
        )
    if name == "confirmation":
        return services.record_confirmation(
            dispute=dispute,
            by=by,
            waived=text("what") == "waive",
            court=text("court"),
            applied_on=_date(text("applied_on"), "applied_on") if text("applied_on") else None,
            decided_on=_date(text("decided_on"), "decided_on") if text("what") == "decide" else None,
            result=text("result"),
        )
    if name == "hand_over":
        return services.hand_over(dispute=dispute, by=by, to=text("to"), note=text("note"))
    if name == "clear":
        return services.clear(dispute=dispute, by=by, summary=text("summary"))
    raise Http404("没有这个步骤 / no such step")


STEP_NAMES = frozenset(
    {
        "sign_case",
        "choose",
        "plan",
        "visit",
        "assess",
        "session",
        "conclude",
        "sign_agreement",
        "extend",
        "perform",
        "follow_up",
        "confirmation",
        "hand_over",
        "clear",
    }
)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    dispute = selectors.dispute_for(request.user, pk)
    if name not in STEP_NAMES:
        raise Http404("没有这个步骤 / no such step")
    try:
        _step(name, request, dispute)
    except ValidationError as exc:
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
        start = _date(request.GET.get("start") or today.replace(month=1, day=1).isoformat(), "start")
        end = _date(request.GET.get("end") or today.isoformat(), "end")
    except ValidationError as exc:
        return render(request, "mediation/figures.html", {"errors": _errors(exc), "area": area}, status=400)
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
