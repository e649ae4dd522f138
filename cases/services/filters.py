"""Saved list filters (常用筛选): a user's named queries for the work list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from cases.models import SavedFilter
from cases.services.records import require

MAX_SAVED_FILTERS = 30


def save_filter(*, user, name: str, query: str) -> SavedFilter:
    """Save (or replace) a named list filter for the user (常用筛选)."""
    name, query = name.strip()[:40], query.strip()[:1000]
    require(name, "请给筛选起个名字 / the filter needs a name")
    query = QueryDict(query).copy()
    query.pop("cursor", None)
    query = query.urlencode()  # percent-encoding may make it longer than what was typed
    if len(query) > SavedFilter._meta.get_field("query").max_length:
        raise ValidationError(_("筛选条件太长"))
    saved, created = SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": query})
    if created and SavedFilter.objects.filter(user=user).count() > MAX_SAVED_FILTERS:
        saved.delete()
        raise ValidationError(
            f"最多保存 {MAX_SAVED_FILTERS} 个筛选 / at most {MAX_SAVED_FILTERS} saved filters"
        )
    return saved


def delete_filter(*, user, pk: int) -> None:
    SavedFilter.objects.filter(user=user, pk=pk).delete()
