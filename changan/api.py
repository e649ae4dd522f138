"""What every API endpoint shares: model permissions that also guard reads,
and cursor pagination (stable under inserts, fast on big tables)."""

from rest_framework.pagination import CursorPagination
from rest_framework.permissions import DjangoModelPermissions


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
