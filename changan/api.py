"""What every API endpoint shares: model permissions that also guard reads,
and cursor pagination (stable under inserts, fast on big tables)."""

from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions


def exception_handler(exc, context):
    """DRF's handler, plus: Django's ValidationError from the services → 400;
    a refused workflow action (it carries the allowed actions) → 409."""
    from django.core.exceptions import PermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import ValidationError
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, PermissionDenied) and hasattr(exc, "allowed"):
        return Response({"detail": str(exc), "allowed_actions": exc.allowed}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_handler(exc, context)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id among those the requesting user may see.
    An id outside the scope gets the same "does not exist" error as an id
    that does not exist, so guessing ids reveals nothing."""

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(self.context["request"].user)


class ModelPermissions(DjangoModelPermissions):
    """Reading needs the model's view permission too (DRF's default lets any
    authenticated user read)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class CodeCursorPagination(CursorPagination):
    ordering = "code"
    page_size_query_param = "page_size"
    max_page_size = 1000


class IdCursorPagination(CodeCursorPagination):
    ordering = "id"
