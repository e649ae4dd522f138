"""REST API for areas and grids. Every queryset comes from a selector, so an
id outside the caller's scope answers 404 exactly like one that does not exist."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.scope import scope_of
from changan.api import CodeCursorPagination, ModelPermissions
from regions.models import Area, Grid
from regions.selectors import areas_for, grids_for
from regions.services import locate_grid


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent_id", read_only=True, allow_null=True)
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = (
            "code",
            "name",
            "level",
            "kind",
            "parent_code",
            "centroid_lon",
            "centroid_lat",
            "boundary_synthetic",
        )


class GridSerializer(serializers.ModelSerializer):
    village_code = serializers.CharField(source="village_id", read_only=True)

    class Meta:
        model = Grid
        fields = (
            "code", "name", "kind", "dedicated_to", "village_code", "households", "chief", "workers",
            "party_branch_name", "party_branch_secretary", "centroid_lon", "centroid_lat",
            "boundary_synthetic",
        )  # fmt: skip
        read_only_fields = ("code", "village_code", "centroid_lon", "centroid_lat", "boundary_synthetic")

    def validate_chief(self, user):
        return _in_scope_user(self.context["request"], user)

    def validate_workers(self, users):
        return [_in_scope_user(self.context["request"], u) for u in users]


def _in_scope_user(request: Request, user):
    from accounts.selectors import users_for

    if user is not None and not users_for(request.user).filter(pk=user.pk).exists():
        raise ValidationError(_("该人员不在您的数据范围内 / this person is outside your data scope"))
    return user


@extend_schema(
    parameters=[
        OpenApiParameter("parent", str, description="上级区划代码 / parent area code"),
        OpenApiParameter("level", int, description="级别 1–5 / level 1–5"),
    ]
)
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    permission_classes = [ModelPermissions]
    pagination_class = CodeCursorPagination
    queryset = Area.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        qs = areas_for(self.request.user)
        if parent := self.request.query_params.get("parent"):
            qs = qs.filter(parent_id=parent)
        if level := self.request.query_params.get("level"):
            if not level.isdigit():
                raise ValidationError({"level": _("级别必须是数字 / level must be a number")})
            qs = qs.filter(level=int(level))
        return qs


@extend_schema(parameters=[OpenApiParameter("village", str, description="村(社区)代码 / village code")])
class GridViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GridSerializer
    permission_classes = [ModelPermissions]
    pagination_class = CodeCursorPagination
    queryset = Grid.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        qs = grids_for(self.request.user).prefetch_related("workers")
        if village := self.request.query_params.get("village"):
            qs = qs.filter(village_id=village)
        return qs


class LocationSerializer(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


@extend_schema(parameters=[LocationSerializer], responses={200: dict})
@api_view(["GET"])
def locate(request: Request) -> Response:
    """Which grid (and village, township, county) a point lies in."""
    params = LocationSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    code = locate_grid(params.validated_data["lon"], params.validated_data["lat"])
    if not code:
        return Response({"grid": None, "detail": _("不在辖区内 / outside jurisdiction")})
    if not scope_of(request.user).covers_area(code):
        return Response({"grid": None, "detail": _("不在您的数据范围内 / outside your data scope")})
    grid = Grid.objects.select_related("village").get(code=code)
    return Response(
        {"grid": GridSerializer(grid, context={"request": request}).data, "village": grid.village.name}
    )
