"""What every API endpoint shares: model permissions that also guard reads,
and cursor pagination (stable under inserts, fast on big tables)."""

from django_otp import user_has_device
from drf_spectacular.authentication import BasicScheme
from rest_framework import serializers
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions


def exception_handler(exc, context):
    """DRF's handler, plus: Django's ValidationError from the services → 400;
    a refused workflow action (it carries the allowed actions) → 409."""
    from django.core.exceptions import PermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import exceptions as drf_exceptions
    from rest_framework.exceptions import ValidationError
    from rest_framework.response import Response
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, PermissionDenied) and hasattr(exc, "allowed"):
        return Response({"detail": str(exc), "allowed_actions": exc.allowed}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, PermissionDenied) and str(exc):
        exc = drf_exceptions.PermissionDenied(str(exc))  # a service's refusal says why (DRF's own would not)
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


SECOND_FACTOR_NEEDED = (
    "该账号已开启动态验证码，请从登录页登录 / this account uses a second factor: use the login page"
)


class BasicAuthWithoutSecondFactor(BasicAuthentication):
    """HTTP Basic for scripts and integrations — but not for an account that
    turned on the second factor: a password alone must not open it."""

    def authenticate_credentials(self, userid, password, request=None):
        user, auth = super().authenticate_credentials(userid, password, request)
        if user_has_device(user, confirmed=True):
            raise AuthenticationFailed(SECOND_FACTOR_NEEDED)
        return user, auth


class BasicWithoutSecondFactorScheme(BasicScheme):
    """The OpenAPI description: plain HTTP Basic."""

    target_class = BasicAuthWithoutSecondFactor
