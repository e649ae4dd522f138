"""What triage adds to a case's page and to the case API's detail: the
智能研判 card and the ``triage`` field, both with only the duplicate
candidates the viewer may see. Registered with ``cases.hooks`` in
``TriageConfig.ready``."""

from __future__ import annotations

from collections.abc import Sequence

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.hooks import Panel
from cases.models import AppealType, Case
from triage.selectors import triage_for


def panel(user, case: Case, actions: Sequence[str]) -> Panel | None:
    """The 智能研判 card; its buttons take the actions the user may take."""
    found = triage_for(user, case)
    if found is None:
        return None
    appeal_type = found.triage.appeal_type
    return Panel(
        "triage/_panel.html",
        {
            "triage": found,
            "appeal_type_label": AppealType(appeal_type).label if appeal_type in AppealType.values else "",
            "may_accept": "accept" in actions,
            "may_dispatch": "dispatch" in actions,
            "may_merge": "merge" in actions,
        },
    )


class TriageSerializer(serializers.Serializer):
    """智能研判: what the models suggested when the case arrived."""

    model_version = serializers.CharField()
    categories = serializers.ListField(
        child=serializers.DictField(), help_text="[{code, name, confidence}] top 3"
    )
    confidence = serializers.FloatField()
    needs_human = serializers.BooleanField()
    prefilled = serializers.ListField(child=serializers.CharField())
    appeal_type = serializers.CharField()
    appeal_type_confidence = serializers.FloatField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None)
    route = serializers.CharField()
    sectors = serializers.ListField(child=serializers.DictField(), help_text="[{sector, confidence}]")
    duplicates = serializers.ListField(
        child=serializers.DictField(), help_text="[{case, number, score, metres}]"
    )


@extend_schema_field(TriageSerializer(allow_null=True))
class TriageField(serializers.Field):
    """The case detail's ``triage``: null when the case was never triaged."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, case: Case) -> dict | None:
        found = triage_for(self.context["request"].user, case)
        if found is None:
            return None
        data = TriageSerializer(found.triage).data
        data["duplicates"] = [d for _, d in found.duplicates]  # only the ones this user may see
        # Where it should go now, by its category as it stands (what the page offers).
        unit = found.route.unit
        data.update(
            unit=unit.pk if unit else None, unit_name=unit.name if unit else None, route=found.route.reason
        )
        return data


def api_fields() -> dict[str, serializers.Field]:
    return {"triage": TriageField()}
