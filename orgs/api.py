from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from accounts.scope import scope_of
from changan.api import IdCursorPagination, ModelPermissions
from orgs.models import OrgUnit
from orgs.selectors import org_units_for
from regions.models import Area


class OrgUnitSerializer(serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())

    class Meta:
        model = OrgUnit
        fields = ("id", "name", "kind", "sector", "parent", "area", "phone", "is_active")

    def validate_area(self, area: Area) -> Area:
        if not scope_of(self.context["request"].user).covers_area(area.code):
            raise ValidationError(_("该区域不在您的数据范围内 / this area is outside your data scope"))
        return area

    def validate_parent(self, parent: OrgUnit | None) -> OrgUnit | None:
        user = self.context["request"].user
        if parent is not None and not org_units_for(user).filter(pk=parent.pk).exists():
            raise ValidationError(_("上级单位不在您的数据范围内 / parent unit is outside your data scope"))
        return parent


class OrgUnitViewSet(viewsets.ModelViewSet):
    serializer_class = OrgUnitSerializer
    permission_classes = [ModelPermissions]
    pagination_class = IdCursorPagination
    queryset = OrgUnit.objects.none()

    def get_queryset(self):
        return org_units_for(self.request.user)
