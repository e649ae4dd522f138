"""REST API for disputes (矛盾纠纷): list and read the disputes the user may
see, register a case as one, and take each step of 选·进·稳·调·清 — one POST
per step (``/api/v1/disputes/{id}/{step}/``) reading the same inputs as the
pages (``mediation.actions``). Querysets come from ``mediation.selectors``;
changes go through ``mediation.services``.

Answers: bad input 400 with the messages by field; a step this user may not
take now 403 saying why; a dispute outside the user's scope 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mediation import actions, services
from mediation.models import STEP_ORDER, Agreement, Dispute, Obligation, Party, Step
from mediation.selectors import disputes_for


class PartySerializer(serializers.ModelSerializer):
    side_label = serializers.CharField(source="get_side_display", read_only=True)

    class Meta:
        model = Party
        fields = ("id", "side", "side_label", "kind", "name", "address", "grid", "id_masked", "phone_masked",
                  "vulnerable")  # fmt: skip
        read_only_fields = fields


class ObligationSerializer(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name", read_only=True)

    class Meta:
        model = Obligation
        fields = ("id", "party", "party_name", "what", "due_on", "performed_on", "note")
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    obligations = ObligationSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ("number", "partial", "drafted_at", "signed_at", "confirmation_due",
                  "confirmation_applied_on", "confirmation_court", "confirmation_decided_on",
                  "confirmation_result", "confirmation_waived", "obligations")  # fmt: skip
        read_only_fields = fields


class StepStateSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    done = serializers.BooleanField()
    current = serializers.BooleanField()


class DisputeSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    title = serializers.CharField(source="case.title", read_only=True)
    dispute_type_name = serializers.CharField(source="dispute_type.name", read_only=True)
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    mediator_name = serializers.CharField(source="mediator", read_only=True, default=None)

    class Meta:
        model = Dispute
        fields = ("id", "case", "case_number", "title", "dispute_type", "dispute_type_name", "level", "risk",
                  "step", "step_label", "outcome", "mediator", "mediator_name", "registered_at", "started_at",
                  "due_at", "step_due_at", "step_overdue", "cleared_at")  # fmt: skip
        read_only_fields = fields


class DisputeDetailSerializer(DisputeSerializer):
    """A dispute with its parties, the steps done, its deadlines (``due_at``
    the 30 days, ``step_due_at`` the current step's, ``risk_check_due_at``
    the daily check of a high risk, the case's own ``resolve_due_at``, the
    agreement's ``confirmation_due``) and the steps this user may take now."""

    parties = PartySerializer(many=True, read_only=True)
    steps = serializers.SerializerMethodField()
    resolve_due_at = serializers.DateTimeField(source="case.resolve_due_at", read_only=True)
    agreement = serializers.SerializerMethodField()
    visits = serializers.IntegerField(source="visits.count", read_only=True)
    assessments = serializers.IntegerField(source="assessments.count", read_only=True)
    sessions = serializers.IntegerField(source="sessions.count", read_only=True)
    blockers = serializers.SerializerMethodField()
    allowed_steps = serializers.SerializerMethodField()

    class Meta(DisputeSerializer.Meta):
        fields = (*DisputeSerializer.Meta.fields, "source", "summary", "amount", "risk_reasons",
                  "risk_check_due_at", "resolve_due_at", "parties", "steps", "visits", "assessments",
                  "sessions", "agreement", "handed_over_to", "handed_over_at", "blockers",
                  "allowed_steps")  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(StepStateSerializer(many=True))
    def get_steps(self, dispute: Dispute) -> list[dict]:
        at = STEP_ORDER.index(dispute.step)
        return [
            {"step": s, "label": str(Step(s).label), "done": i < at, "current": i == at}
            for i, s in enumerate(STEP_ORDER)
            if s != Step.DONE
        ]

    @extend_schema_field(AgreementSerializer(allow_null=True))
    def get_agreement(self, dispute: Dispute) -> dict | None:
        agreement = Agreement.objects.filter(dispute=dispute).prefetch_related("obligations__party").first()
        return AgreementSerializer(agreement).data if agreement else None

    def get_blockers(self, dispute: Dispute) -> list[str]:
        """What still stands between the dispute and 案结事了, at the clearing step."""
        return services.clear_blockers(dispute) if dispute.step == Step.CLEAR else []

    def get_allowed_steps(self, dispute: Dispute) -> list[str]:
        return services.allowed_steps(dispute, self.context["request"].user)


class DisputePagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class DisputeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Disputes within the user's scope. POST registers a case as a dispute."""

    permission_classes = [IsAuthenticated]
    pagination_class = DisputePagination
    queryset = Dispute.objects.none()

    def get_serializer_class(self):
        if self.action == "create":
            return actions.NewDispute
        return DisputeSerializer if self.action == "list" else DisputeDetailSerializer

    def get_queryset(self):
        return disputes_for(self.request.user).select_related("mediator__committee")

    def _detail(self, pk) -> dict:
        dispute = self.get_queryset().prefetch_related("parties").get(pk=pk)
        return DisputeDetailSerializer(dispute, context={"request": self.request}).data

    @extend_schema(request=actions.NewDispute, responses={201: DisputeDetailSerializer})
    def create(self, request, *args, **kwargs):
        dispute = actions.register(user=request.user, data=request.data)
        return Response(self._detail(dispute.pk), status=status.HTTP_201_CREATED)


def _make_step(name: str):
    spec = actions.STEP_INPUTS[name]

    @extend_schema(
        request=spec.serializer, responses={200: DisputeDetailSerializer}, summary=f"{spec.label} ({name})"
    )
    def run(self, request, pk=None):
        actions.perform(name, dispute=self.get_object(), user=request.user, data=request.data)
        return Response(self._detail(pk))

    run.__name__ = f"step_{name}"
    return action(detail=True, methods=["post"], url_path=name.replace("_", "-"), url_name=name)(run)


# One POST endpoint per step; the attribute's prefix keeps step names (clear!)
# apart from the view's own methods.
for _name in actions.STEP_INPUTS:
    setattr(DisputeViewSet, f"step_{_name}", _make_step(_name))
