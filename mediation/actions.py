"""The inputs of every mediation step, declared once for the pages and the API.

Each entry pairs a serializer (what the step needs from a person) with the
service that performs it. The serializers only parse and look objects up
within the dispute at hand (its parties, its obligations) or the user's
scope (the case, the leaders who may take it on); every rule of the steps
lives in ``mediation.services``, whose guard runs before the input is read,
so a step the user may not take is refused whatever was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.actions import serializer_context
from cases.models import Case
from cases.selectors import cases_for
from changan.api import ScopedRelatedField
from changan.params import ID_MAX, INT32_MAX, BoundedDateField, BoundedDateTimeField
from intake.photos import read_photos
from mediation import services
from mediation.models import (
    Agreement,
    Appointment,
    Dispute,
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
)
from mediation.selectors import leaders_for

MAX_ROWS = 50  # parties of one dispute, obligations of one agreement: far above any real one

# ------------------------------------------------------------------ fields


@extend_schema_field(OpenApiTypes.INT)
class DisputeRelatedField(serializers.PrimaryKeyRelatedField):
    """An object chosen by id among those ``related(dispute)`` offers for the
    dispute at hand; any other id is "does not exist", like one that is not."""

    def __init__(self, *, related: Callable[[Dispute], object], **kwargs):
        self.related = related
        kwargs.setdefault("pk_field", serializers.IntegerField(min_value=1, max_value=ID_MAX))
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.related(self.context["dispute"])


def parties_of(dispute: Dispute):
    return Party.objects.filter(dispute=dispute)


def obligations_of(dispute: Dispute):
    return Obligation.objects.filter(agreement__dispute=dispute).select_related("agreement__dispute")


def mediators_near(dispute: Dispute):
    """The mediators of the dispute's city: the service then says why one of
    them is not in this place's pool, or must stand aside."""
    city = dispute.case.area_id[:4]
    return Mediator.objects.filter(committee__area__code__startswith=city).select_related("user", "committee")


def _text(label: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(label=label, **kwargs)


def _optional(label: str) -> serializers.CharField:
    return serializers.CharField(label=label, required=False, allow_blank=True, default="")


CHOOSE_MEDIATOR = _("请选择调解员")
CHOOSE_PARTY = _("请为每项履行事项选择履行方")
NO_OBLIGATION = _("没有这项履行事项")


# ------------------------------------------------------------------- steps


class Note(serializers.Serializer):
    note = _optional(_("说明"))


class Choose(Note):
    mediator = DisputeRelatedField(
        related=mediators_near,
        label=_("调解员"),
        error_messages={
            "required": CHOOSE_MEDIATOR,
            "null": CHOOSE_MEDIATOR,
            "does_not_exist": CHOOSE_MEDIATOR,
        },
    )


class Plan(Note):
    kind = serializers.ChoiceField(choices=Appointment.Kind.choices, label=_("类型"))
    at = BoundedDateTimeField(label=_("时间"))
    place = _text(_("地点"))


class Visit(serializers.Serializer):
    at = BoundedDateTimeField(label=_("时间"))
    place = _text(_("地点"))
    met = _text(_("走访对象"))
    findings = _text(_("了解情况"))
    companions = _optional(_("同行人员"))
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        label=_("照片"),
    )

    def validate_photos(self, files):
        """Through the one photo reader; a seventh photo is refused, not dropped."""
        photos, refused = read_photos(files)
        if refused:
            raise serializers.ValidationError(refused)
        return photos


class Assess(serializers.Serializer):
    level = serializers.ChoiceField(choices=Risk.choices, label=_("风险等级"))
    reasons = _text(_("评估理由"))
    measures = _text(_("稳控措施"))
    violence = serializers.BooleanField(required=False, default=False, label=_("有暴力倾向"))
    escalation = serializers.BooleanField(required=False, default=False, label=_("有激化苗头"))
    group_size = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=INT32_MAX, label=_("涉及人数")
    )
    vulnerable = serializers.BooleanField(required=False, default=False, label=_("涉及弱势群体"))


class Session(serializers.Serializer):
    at = BoundedDateTimeField(label=_("时间"))
    place = _text(_("地点"))
    attendees = _text(_("参加人员"))
    minutes = _text(_("调解笔录"))


class ObligationItem(serializers.Serializer):
    party = DisputeRelatedField(
        related=parties_of,
        label=_("履行方"),
        error_messages={"required": CHOOSE_PARTY, "null": CHOOSE_PARTY, "does_not_exist": CHOOSE_PARTY},
    )
    what = _text(_("履行事项"))
    due_on = BoundedDateField(label=_("履行期限"))


class Conclude(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, label=_("调解结果"))
    facts = _optional(_("纠纷主要事实"))
    terms = _optional(_("协议内容"))
    performance = _optional(_("履行方式"))
    obligations = serializers.ListField(
        child=ObligationItem(), required=False, default=list, max_length=MAX_ROWS, label=_("履行事项")
    )
    route = serializers.ChoiceField(
        choices=Route.choices, required=False, allow_blank=True, default="", label=_("其他解决途径")
    )
    note = _optional(_("说明"))

    def to_internal_value(self, data):
        if data.get("outcome") == Outcome.FAILED:  # nothing to perform: left-over rows are not read
            data = data.copy()
            data.pop("obligations", None)
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        failed = attrs["outcome"] == Outcome.FAILED  # (a failure has nothing to perform)
        obligations = [] if failed else [services.ObligationInput(**o) for o in attrs.pop("obligations")]
        return {"conclusion": services.Conclusion(**{**attrs, "obligations": obligations})}


class SignAgreement(serializers.Serializer):
    signed_at = BoundedDateTimeField(label=_("签署时间"))


class Extend(Note):
    until = BoundedDateTimeField(label=_("延期至"))
    consenting = DisputeRelatedField(
        related=parties_of, many=True, required=False, default=list, label=_("同意延期的当事人")
    )


class Perform(Note):
    obligation = DisputeRelatedField(
        related=obligations_of,
        label=_("履行事项"),
        error_messages={"required": NO_OBLIGATION, "null": NO_OBLIGATION, "does_not_exist": NO_OBLIGATION},
    )
    performed_on = BoundedDateField(label=_("履行日期"))


class FollowUp(serializers.Serializer):
    at = BoundedDateTimeField(label=_("时间"))
    place = _text(_("地点"))
    met = _text(_("回访对象"))
    findings = _text(_("回访情况"))
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, label=_("满意度"))


CONFIRMATION_STEPS = [("apply", _("已申请")), ("decide", _("法院已裁定")), ("waive", _("当事人不申请"))]


class Confirmation(serializers.Serializer):
    what = serializers.ChoiceField(
        choices=CONFIRMATION_STEPS, required=False, default="apply", label=_("事项")
    )
    applied_on = BoundedDateField(required=False, allow_null=True, default=None, label=_("申请日期"))
    court = _optional(_("受理法院"))
    decided_on = BoundedDateField(required=False, allow_null=True, default=None, label=_("裁定日期"))
    result = serializers.ChoiceField(
        choices=Agreement._meta.get_field("confirmation_result").choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("裁定结果"),
    )

    def validate(self, attrs: dict) -> dict:
        what = attrs.pop("what")
        return {
            **attrs,
            "waived": what == "waive",
            "decided_on": attrs["decided_on"] if what == "decide" else None,
        }


class HandOver(Note):
    to = _text(_("移交至"))


class Clear(serializers.Serializer):
    summary = _text(_("结案情况"))


def _record_performance(*, dispute: Dispute, by, obligation: Obligation, **values):
    return services.record_performance(obligation=obligation, by=by, **values)


@dataclass(frozen=True)
class StepInput:
    serializer: type[serializers.Serializer]
    perform: Callable  # (dispute=, by=, **the serializer's values)
    label: str


STEP_INPUTS: dict[str, StepInput] = {
    "choose": StepInput(Choose, services.choose_mediator, _("选定调解员")),
    "sign_case": StepInput(Note, services.sign_for, _("签收本案")),
    "plan": StepInput(Plan, services.plan, _("安排走访/调解/回访")),
    "visit": StepInput(Visit, services.record_visit, _("记录走访")),
    "assess": StepInput(Assess, services.assess_risk, _("风险评估")),
    "session": StepInput(Session, services.record_session, _("记录调解笔录")),
    "conclude": StepInput(Conclude, services.conclude, _("调解结果")),
    "sign_agreement": StepInput(SignAgreement, services.sign_agreement, _("协议书签署生效")),
    "extend": StepInput(Extend, services.extend, _("调解延期")),
    "perform": StepInput(Perform, _record_performance, _("协议履行")),
    "follow_up": StepInput(FollowUp, services.record_follow_up, _("记录回访")),
    "confirmation": StepInput(Confirmation, services.record_confirmation, _("记录司法确认")),
    "hand_over": StepInput(HandOver, services.hand_over, _("移交法院或其他途径")),
    "clear": StepInput(Clear, services.clear, _("案结事了")),
}
assert list(STEP_INPUTS) == list(services.STEP_CHECKS), "every step needs its inputs, in the same order"


def perform(name: str, *, dispute: Dispute, user, data) -> object:
    """Take step ``name`` on ``dispute`` with ``data`` (a form's QueryDict or
    a JSON body): the step's guard first (StepRefused), then the input
    (DRF's ValidationError), then the service (its own errors)."""
    services.STEP_CHECKS[name](dispute, user)
    spec = STEP_INPUTS[name]
    parsed = spec.serializer(data=data, context={**serializer_context(user), "dispute": dispute})
    parsed.is_valid(raise_exception=True)
    return spec.perform(dispute=dispute, by=user, **parsed.validated_data)


# ------------------------------------------------------------ registration


class PartyItem(serializers.Serializer):
    side = serializers.ChoiceField(choices=Side.choices, label=_("身份"))
    name = _text(_("姓名/名称"))
    kind = serializers.ChoiceField(choices=PartyKind.choices, required=False, default=PartyKind.PERSON)
    gender = _optional(_("性别"))
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=INT32_MAX, label=_("出生年份")
    )
    ethnicity = _optional(_("民族"))
    occupation = _optional(_("职业/法定代表人"))
    address = _optional(_("住所"))
    grid = serializers.CharField(
        source="grid_code", required=False, allow_blank=True, default="", label=_("居住网格编码")
    )
    id_number = _optional(_("身份证号/信用代码"))
    phone = _optional(_("联系电话"))
    vulnerable = serializers.BooleanField(required=False, default=False, label=_("弱势群体"))


CHOOSE_TYPE = _("请选择纠纷类型")
LEADER_REFUSED = _("所选领导不能包案本案")


class Register(serializers.Serializer):
    dispute_type = serializers.PrimaryKeyRelatedField(
        queryset=DisputeType.objects.filter(is_active=True),
        label=_("纠纷类型"),
        error_messages={"required": CHOOSE_TYPE, "null": CHOOSE_TYPE, "does_not_exist": CHOOSE_TYPE},
    )
    summary = _text(_("纠纷简要情况"))
    source = serializers.ChoiceField(
        choices=Source.choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("来源（空则按案件渠道）"),
    )
    level = serializers.ChoiceField(
        choices=Level.choices, required=False, default=Level.VILLAGE, label=_("调处层级")
    )
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        label=_("争议金额(元)"),
    )
    risk = serializers.ChoiceField(
        choices=Risk.choices, required=False, default=Risk.LOW, label=_("初步风险等级")
    )
    risk_reasons = _optional(_("风险理由"))
    leader = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=ID_MAX,
        label=_("包案领导（复杂纠纷）"),
        error_messages={"invalid": LEADER_REFUSED, "min_value": LEADER_REFUSED, "max_value": LEADER_REFUSED},
    )
    parties = serializers.ListField(
        child=PartyItem(), allow_empty=False, max_length=MAX_ROWS, label=_("当事人")
    )

    def validate(self, attrs: dict) -> dict:
        case = attrs.get("case") or self.context["case"]
        if attrs["leader"] is not None:
            # Only those who may take it on: another county's leader, or no leader at all, is a forged choice.
            attrs["leader"] = leaders_for(case).filter(pk=attrs["leader"]).first()
            if attrs["leader"] is None:
                raise serializers.ValidationError({"leader": LEADER_REFUSED})
        attrs["parties"] = [services.PartyInput(**p) for p in attrs["parties"]]
        return attrs


@extend_schema_field(OpenApiTypes.INT)
class ScopedCase(ScopedRelatedField):
    """A case chosen by id among those the user may see."""

    def __init__(self, **kwargs):
        super().__init__(selector=cases_for, **kwargs)


class NewDispute(Register):
    """Registering through the API names the case (among those the user may see)."""

    case = ScopedCase(label=_("案件"))

    def validate_case(self, case: Case) -> Case:
        # Who is asking before what they ask: the rest of the input (a
        # leader's id) must not be checked for someone who may not register.
        services.check_register(case, self.context["request"].user)
        return case


def register(*, case: Case | None = None, user, data) -> Dispute:
    """Register ``case`` (or the case ``data`` names) as a dispute: the
    coordinator's guard first, then the input, then the service."""
    if case is not None:
        services.check_register(case, user)
    parsed = (Register if case else NewDispute)(data=data, context={**serializer_context(user), "case": case})
    parsed.is_valid(raise_exception=True)
    values = dict(parsed.validated_data)
    case = values.pop("case", case)
    return services.register(case=case, by=user, **values)
