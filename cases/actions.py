"""The inputs of every case action, declared once for the API and the pages.

Each entry pairs a serializer (what the action needs from a person) with the
service that performs it. The serializers only parse and look objects up
within the user's scope; all rules live in ``cases.services``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import users_for
from cases import services
from cases.models import CaseKind, Category, Channel, Publicity, Satisfaction, Status, Urgency
from cases.selectors import QUEUES, cases_for
from changan.api import ScopedRelatedField
from changan.params import BoundedDateField, BoundedDateTimeField
from orgs.selectors import handling_units_for


def active_categories(user):
    return Category.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.STR)
class CategoryCode(ScopedRelatedField):
    """A category chosen by its code (e.g. 010201)."""

    def __init__(self, **kwargs):
        super().__init__(selector=active_categories, **kwargs)


class Note(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label="说明")


class Reason(serializers.Serializer):
    reason = serializers.CharField(label="理由")


class Accept(Note):
    category = CategoryCode(required=False, label="分类")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, label="紧急程度")


class Answer(serializers.Serializer):
    reply = serializers.CharField(label="答复内容")


class SelfHandle(serializers.Serializer):
    result = serializers.CharField(label="处置结果")


class Dispatch(Note):
    unit = ScopedRelatedField(selector=handling_units_for, label="主办单位")
    co_units = ScopedRelatedField(selector=handling_units_for, many=True, required=False, label="协办单位")


class Reassign(Reason):
    unit = ScopedRelatedField(selector=handling_units_for, label="改派至")
    co_units = ScopedRelatedField(selector=handling_units_for, many=True, required=False, label="协办单位")


class FollowUp(serializers.Serializer):
    # Required by the service unless photos come with it (the tracking page).
    note = serializers.CharField(
        label="补充内容", max_length=2000, required=False, allow_blank=True, default=""
    )


class ContactNote(serializers.Serializer):
    note = serializers.CharField(label="联系情况")


class RequestExtension(Reason):
    until = BoundedDateTimeField(label="申请延期至")


class GrantExtension(Note):
    until = BoundedDateTimeField(required=False, allow_null=True, label="批准延期至（空则按申请）")


class Reply(serializers.Serializer):
    result = serializers.CharField(label="办理结果")
    evidence = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, label="佐证材料"
    )


class Verify(Note):
    passed = serializers.BooleanField(label="核查通过")


class Rate(Note):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, label="满意度")
    solved = serializers.BooleanField(label="问题已解决")


class ScopedCaseNumber(serializers.SlugRelatedField):
    """A case chosen by its number among the cases the user may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="number", **kwargs)

    def get_queryset(self):
        return cases_for(self.context["request"].user)


def leaders_for(user):
    return users_for(user).filter(roles="leader")


class Merge(Note):
    into = ScopedCaseNumber(label="合并至案件编号")


class Supervise(serializers.Serializer):
    note = serializers.CharField(label="督办意见")
    due = BoundedDateTimeField(required=False, allow_null=True, label="新的办理时限")


class Escalate(Reason):
    co_units = ScopedRelatedField(
        selector=handling_units_for, many=True, required=False, label="增加协办单位"
    )
    leader = ScopedRelatedField(selector=leaders_for, required=False, allow_null=True, label="包案领导")


class SetPublicity(Note):
    publicity = serializers.ChoiceField(choices=Publicity.choices, label="公开设置")


class Whistle(serializers.Serializer):
    units = ScopedRelatedField(selector=handling_units_for, many=True, label="吹哨单位")
    note = serializers.CharField(label="吹哨事由")


@dataclass(frozen=True)
class ActionInput:
    serializer: type[serializers.Serializer]
    perform: Callable


ACTION_INPUTS: dict[str, ActionInput] = {
    "accept": ActionInput(Accept, services.accept),
    "reject": ActionInput(Reason, services.reject),
    "answer": ActionInput(Answer, services.answer),
    "self_handle": ActionInput(SelfHandle, services.handle_on_the_spot),
    "dispatch": ActionInput(Dispatch, services.dispatch),
    "sign": ActionInput(Note, services.sign),
    "return_case": ActionInput(Reason, services.return_case),
    "reassign": ActionInput(Reassign, services.reassign),
    "contact_reporter": ActionInput(ContactNote, services.contact_reporter),
    "request_extension": ActionInput(RequestExtension, services.request_extension),
    "grant_extension": ActionInput(GrantExtension, services.grant_extension),
    "refuse_extension": ActionInput(Reason, services.refuse_extension),
    "suspend": ActionInput(Reason, services.suspend),
    "resume": ActionInput(Note, services.resume),
    "reply": ActionInput(Reply, services.reply),
    "verify": ActionInput(Verify, services.verify),
    "rate": ActionInput(Rate, services.rate),
    "reopen": ActionInput(Reason, services.reopen),
    "merge": ActionInput(Merge, services.merge),
    "supervise": ActionInput(Supervise, services.supervise),
    "escalate": ActionInput(Escalate, services.escalate),
    "whistle": ActionInput(Whistle, services.blow_whistle),
    "acknowledge": ActionInput(Note, services.acknowledge),
    "follow_up": ActionInput(FollowUp, services.follow_up),
    "set_publicity": ActionInput(SetPublicity, services.set_publicity),
}
assert set(ACTION_INPUTS) == set(services.ACTIONS), "every action needs its inputs"


def perform(name: str, *, case, user, data) -> object:
    """Parse ``data`` for action ``name`` and run it; raises DRF's
    ValidationError for bad input and the services' errors otherwise."""
    spec = ACTION_INPUTS[name]
    parsed = spec.serializer(data=data, context=serializer_context(user))
    parsed.is_valid(raise_exception=True)
    values = {k: v for k, v in parsed.validated_data.items() if v is not None}
    return spec.perform(case=case, by=user, **values)


def serializer_context(user) -> dict:
    """What the scoped fields need from a request, outside a request: the user."""
    return {"request": _RequestLike(user)}


class _RequestLike:
    def __init__(self, user):
        self.user = user


# ----------------------------------------------------------- list filters


class CaseFilter(serializers.Serializer):
    queue = serializers.ChoiceField(choices=list(QUEUES), required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    category = serializers.RegexField(r"^\d{2,12}$", required=False)
    area = serializers.RegexField(r"^\d{12}$", required=False)
    grid = serializers.RegexField(r"^\d{15}$", required=False)
    lead_unit = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    received_after = BoundedDateField(required=False)
    received_before = BoundedDateField(required=False)
    q = serializers.CharField(required=False, max_length=100)
