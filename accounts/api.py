from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.scope import scope_of


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    org_unit = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    scope_prefix = serializers.CharField(allow_null=True)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who am I, with which roles, and which area prefix my data scope covers."""
    user = request.user
    scope = scope_of(user)
    return Response(
        MeSerializer(
            {
                "username": user.username,
                "full_name": user.full_name,
                "org_unit": str(user.org_unit) if user.org_unit_id else None,
                "roles": sorted(user.role_codes),
                "scope_prefix": None if scope.is_global else scope.area_prefix,
            }
        ).data
    )
