"""A model field that keeps a shapely geometry as WKB.

Polygons are read by shapely in the application (the grid locator, exports),
so plain WKB in a binary column works the same on SQLite and PostgreSQL and
needs no spatial extension. PostGIS can be added later for spatial SQL.
"""

from __future__ import annotations

import shapely
from django.core.exceptions import ValidationError
from django.db import models
from shapely.geometry.base import BaseGeometry


class GeometryField(models.BinaryField):
    description = "A geometry (shapely), stored as WKB"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return shapely.from_wkb(bytes(value))

    def to_python(self, value):
        if value is None or isinstance(value, BaseGeometry):
            return value
        if isinstance(value, (bytes, bytearray, memoryview)):
            return shapely.from_wkb(bytes(value))
        if isinstance(value, str):
            return shapely.from_wkt(value)
        raise ValidationError("不是几何对象 / not a geometry")

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, BaseGeometry):
            return shapely.to_wkb(value)
        return super().get_prep_value(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return connection.Database.Binary(value) if value is not None else None

    def value_to_string(self, obj):
        geom = self.value_from_object(obj)
        return geom.wkt if geom is not None else ""
