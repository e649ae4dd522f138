"""REST API for staff: list, filter, search and read cases; register one; take
every action. All querysets come from ``cases.selectors``; all changes go
through ``cases.services``."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import hooks, services
from cases.actions import ACTION_INPUTS, CaseFilter, CategoryCode, perform
from cases.models import AppealType, Case, CaseEvent, CaseKind, Channel, Status, Urgency
from cases.selectors import QUEUES, cases_for, filter_cases, queue_counts


class CaseEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    actor = serializers.StringRelatedField()
    unit = serializers.StringRelatedField()

    class Meta:
        model = CaseEvent
        fields = ("seq", "action", "label", "actor", "unit", "from_status", "to_status", "note", "data", "at")


class CaseSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True, default=None)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, default=None)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Case
        fields = (
            "id", "number", "kind", "channel", "appeal_type", "category", "category_name", "title",
            "description", "urgency", "area", "grid", "lon", "lat", "address", "reporter_name",
            "reporter_phone_masked", "status", "status_label", "tier", "lead_unit", "lead_unit_name",
            "handler", "leader", "parent", "extension_requested", "reopen_count", "satisfaction", "solved",
            "received_at", "dispatched_at", "signed_at", "replied_at", "closed_at", "sign_due_at",
            "respond_due_at", "resolve_warn_at", "resolve_due_at", "sign_overdue", "resolve_warned",
            "resolve_overdue", "me_too",
        )  # fmt: skip
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    allowed_actions = serializers.SerializerMethodField()
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "allowed_actions", "events")
        read_only_fields = fields

    def get_fields(self) -> dict:
        # The apps above the core add theirs (triage's suggestions) before the events.
        fields = super().get_fields()
        events = fields.pop("events")
        fields.update(hooks.case_detail_fields())
        fields["events"] = events
        return fields

    def get_allowed_actions(self, case: Case) -> list[str]:
        return services.allowed_actions(case, self.context["request"].user)


class NewCaseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.APPEAL)
    appeal_type = serializers.ChoiceField(choices=AppealType.choices, required=False, default="")
    category = CategoryCode(required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ORDINARY)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    area_code = serializers.RegexField(r"^\d{12}$", required=False, default="")
    address = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    reporter_name = serializers.CharField(required=False, default="", allow_blank=True, max_length=50)
    reporter_phone = serializers.CharField(required=False, default="", allow_blank=True, max_length=30)


FILTERS = [
    OpenApiParameter("queue", str, enum=list(QUEUES), description="工作队列 / work queue"),
    OpenApiParameter("status", str, enum=Status.values),
    OpenApiParameter("kind", str, enum=CaseKind.values),
    OpenApiParameter("channel", str, enum=Channel.values),
    OpenApiParameter("urgency", str, enum=Urgency.values),
    OpenApiParameter("category", str, description="分类编码（含下级） / category code, with its subclasses"),
    OpenApiParameter("area", str, description="区划代码（含下级） / area code, with everything inside"),
    OpenApiParameter("grid", str),
    OpenApiParameter("lead_unit", int),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("received_after", OpenApiTypes.DATE, description="2000-01-01 … 2100-12-31"),
    OpenApiParameter("received_before", OpenApiTypes.DATE, description="2000-01-01 … 2100-12-31"),
    OpenApiParameter("q", str, description="编号、标题、内容、地址 / number, title, description, address"),
]


class CasePagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


TIMELINE = ("events__actor", "events__unit")  # what CaseDetailSerializer reads for each event


@extend_schema_view(list=extend_schema(parameters=FILTERS))  # the filters are the list's alone
class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases within the user's scope. POST registers a new case."""

    permission_classes = [IsAuthenticated]
    pagination_class = CasePagination
    queryset = Case.objects.none()

    def get_serializer_class(self):
        if self.action == "create":
            return NewCaseSerializer
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def get_queryset(self):
        if self.action == "list":
            filters = CaseFilter(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            return filter_cases(self.request.user, filters.validated_data).select_related(
                "category", "lead_unit"
            )
        qs = cases_for(self.request.user).select_related("category", "lead_unit")
        return qs.prefetch_related(*TIMELINE) if self.action == "retrieve" else qs

    @extend_schema(request=NewCaseSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = NewCaseSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = services.receive_case(by=request.user, **data.validated_data)
        body = CaseDetailSerializer(case, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        case = self.get_object()
        return Response(CaseEventSerializer(case.events.order_by("seq"), many=True).data)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"])
    def queues(self, request):
        """Counts of the user's work queues."""
        labels = {name: label for name, (label, _) in QUEUES.items()}
        counts = queue_counts(request.user)
        return Response({name: {"label": labels[name], "count": n} for name, n in counts.items()})


def _make_action(name: str):
    spec = ACTION_INPUTS[name]

    @extend_schema(
        request=spec.serializer,
        responses={200: CaseDetailSerializer},
        summary=f"{services.ACTIONS[name].label} ({name})",
    )
    def run(self, request, pk=None):
        case = perform(name, case=self.get_object(), user=request.user, data=request.data)
        prefetch_related_objects([case], *TIMELINE)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    run.__name__ = f"act_{name}"
    return action(detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name)(run)


# One POST endpoint per action. The attribute gets a prefix because some action
# names (dispatch!) are also names of the view's own methods.
for _name in ACTION_INPUTS:
    setattr(CaseViewSet, f"act_{_name}", _make_action(_name))
