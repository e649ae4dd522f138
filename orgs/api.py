from __future__ import annotations

from rest_framework import serializers, viewsets

from changan.api import IdCursorPagination, ModelPermissions, ScopedRelatedField
from orgs import services
from orgs.models import OrgUnit
from orgs.selectors import org_units_for
from regions.selectors import areas_for


class OrgUnitSerializer(serializers.ModelSerializer):
    area = ScopedRelatedField(selector=areas_for)
    parent = ScopedRelatedField(selector=org_units_for, allow_null=True, required=False)

    class Meta:
        model = OrgUnit
        fields = ("id", "name", "kind", "sector", "parent", "area", "phone", "is_active")


class OrgUnitViewSet(viewsets.ModelViewSet):
    serializer_class = OrgUnitSerializer
    permission_classes = [ModelPermissions]
    pagination_class = IdCursorPagination
    queryset = OrgUnit.objects.none()

    def get_queryset(self):
        return org_units_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.create_unit(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        services.update_unit(unit=serializer.instance, by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_unit(unit=instance, by=self.request.user)
