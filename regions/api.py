"""REST API for areas and grids. Every queryset comes from a selector, so an
id outside the caller's scope answers 404 exactly like one that does not exist."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.selectors import users_for
from changan.api import CodeCursorPagination, ModelPermissions, ScopedRelatedField
from regions import services
from regions.models import Area, Grid
from regions.selectors import areas_for, grid_for, grids_for


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = (
            "code", "name", "level", "kind", "parent_code",
            "centroid_lon", "centroid_lat", "boundary_synthetic",
        )  # fmt: skip


class GridSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village_id", read_only=True)
    chief = ScopedRelatedField(selector=users_for, allow_null=True, required=False)
    workers = ScopedRelatedField(selector=users_for, many=True, required=False)

    class Meta:
        model = Grid
        fields = (
            "code", "name", "kind", "dedicated_to", "village_code", "households", "chief", "workers",
            "party_branch_name", "party_branch_secretary", "centroid_lon", "centroid_lat",
            "boundary_synthetic",
        )  # fmt: skip
        read_only_fields = ("code", "village_code", "centroid_lon", "centroid_lat", "boundary_synthetic")


class AreaFilter(serializers.Serializer):
    parent = serializers.RegexField(r"^\d{12}$", required=False, help_text="上级区划代码 / parent area code")
    level = serializers.IntegerField(min_value=1, max_value=5, required=False, help_text="级别 / level 1–5")


@extend_schema_view(list=extend_schema(parameters=[AreaFilter]))
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    permission_classes = [ModelPermissions]
    pagination_class = CodeCursorPagination
    queryset = Area.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        params = AreaFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return areas_for(self.request.user, **params.validated_data)


VILLAGE = OpenApiParameter("village", str, description="村(社区)代码 / village code")


@extend_schema_view(list=extend_schema(parameters=[VILLAGE]))
class GridViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    permission_classes = [ModelPermissions]
    pagination_class = CodeCursorPagination
    queryset = Grid.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        village = self.request.query_params.get("village")
        return grids_for(self.request.user, village=village).prefetch_related("workers")

    def perform_update(self, serializer):
        services.update_grid(grid=serializer.instance, by=self.request.user, **serializer.validated_data)


class LocationSerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


@extend_schema(parameters=[LocationSerializer], responses={200: dict})
@api_view(["GET"])
def locate(request: Request) -> Response:
    """Which of the user's grids (and village) a point lies in."""
    params = LocationSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    code = services.locate_grid(params.validated_data["lon"], params.validated_data["lat"])
    grid = grid_for(request.user, code) if code else None
    if grid is None:
        # The same answer outside the city and outside the user's scope.
        return Response({"grid": None, "detail": _("不在您的辖区内 / outside your jurisdiction")})
    return Response(
        {"grid": GridSerializer(grid, context={"request": request}).data, "village": grid.village.name}
    )
