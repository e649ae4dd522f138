"""Keyset pagination for list pages: the next page starts after the last
row's (sort key, id), so page 1,000 costs what page 1 does — no OFFSET over
a million rows. The cursor is signed, so it cannot be edited into a filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "changan.keyset"


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str  # "" on the last page


def page_of(qs: QuerySet, *, key: str, descending: bool, cursor: str = "", size: int = 50) -> Page:
    """One page of ``qs`` ordered by ``key`` (a non-null field) then id."""
    sign = "-" if descending else ""
    qs = qs.order_by(f"{sign}{key}", f"{sign}pk")
    if cursor:
        try:
            value, pk = signing.loads(cursor, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError):
            value = pk = None
        if pk is not None:
            value = dt.datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else value
            op = "lt" if descending else "gt"
            # The redundant first condition lets the index scan start at the
            # cursor; the OR alone would make PostgreSQL walk from the top.
            qs = qs.filter(**{f"{key}__{op}e": value})
            qs = qs.filter(Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"pk__{op}": pk}))
    rows = list(qs[: size + 1])
    items = rows[:size]
    if len(rows) <= size:
        return Page(items, "")
    last = items[-1]
    value = getattr(last, key)
    value = value.isoformat() if isinstance(value, dt.datetime) else value
    return Page(items, signing.dumps([value, last.pk], salt=SALT))
