from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from notify.models import Notification
from notify.selectors import inbox_for
from notify.services import mark_read


class NotificationSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None, read_only=True)

    class Meta:
        model = Notification
        fields = ("id", "kind", "title", "body", "case", "case_number", "created_at", "read_at")
        read_only_fields = fields


class InboxPagination(CursorPagination):
    ordering = "-id"
    page_size = 50


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("unread", bool, description="只看未读 / unread only")])
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The requesting user's inbox (站内通知)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = InboxPagination
    queryset = Notification.objects.none()

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true", "True")
        return inbox_for(self.request.user, unread=unread)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        mark_read(notification=note, by=request.user)
        return Response(NotificationSerializer(note).data)
