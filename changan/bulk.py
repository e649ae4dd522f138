"""Fast multi-row INSERT for the hot intake path.

Django's ``bulk_create`` prepares every value of every row through each
field's conversion methods, which costs more than the database work itself on
a batch of cases. On PostgreSQL this inserts with psycopg's pipelined
``executemany`` and plain Python values (str, int, bool, aware datetimes,
bytes and JSON are what our models hold); elsewhere it is ``bulk_create``.
Primary keys are set on the objects either way.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from django.db import connection, models


def insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    from psycopg.types.json import Jsonb

    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    for obj in objs:  # defaults Django would apply (auto_now and the like)
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                f.pre_save(obj, add=True)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(meta.pk.column)}"
    )
    json_fields = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}

    def value(i: int, v):
        if v is None:
            return None
        if i in json_fields:
            return Jsonb(v)
        if isinstance(v, enum.Enum):  # TextChoices/IntegerChoices members
            return v.value
        return v

    rows = [tuple(value(i, getattr(obj, f.attname)) for i, f in enumerate(fields)) for obj in objs]
    connection.ensure_connection()
    with connection.connection.cursor() as cur:
        cur.executemany(sql, rows, returning=True)
        for obj in objs:
            obj.pk = cur.fetchone()[0]
            obj._state.adding = False
            obj._state.db = "default"
            cur.nextset()
