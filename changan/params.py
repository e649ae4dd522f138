"""Dates and whole numbers typed into a query string or a form, read within
bounds every layer below can hold.

``dt.date.fromisoformat("9999-12-31")`` is a valid date, but the day after it
(an exclusive end) or the local midnight of it in UTC overflows, and an
integer beyond 64 bits does not fit any database column: each used to be a
500. Every page and API reads such parameters here (or through the DRF fields
below), so one rule answers with a 400 and a message naming the parameter:

- dates between ``MIN_DATE`` and ``MAX_DATE`` (2000-01-01 … 2100-12-31: the
  platform's data starts long after the first and will not reach the last);
- whole numbers within the bounds the caller gives, by default those of a
  32-bit integer column; digits only (no ``1e3``, no ``1_000``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework import serializers

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
INT32_MAX = 2**31 - 1
ID_MAX = 2**63 - 1  # a BigAutoField primary key
MAX_DIGITS = 20  # longer input is refused before int() looks at it


class BadParameter(ValueError):
    """A parameter that cannot be read; ``message`` is for the person."""

    def __init__(self, name: str, message: str):
        self.name, self.message = name, message
        super().__init__(f"{name}: {message}")

    @property
    def errors(self) -> dict[str, list[str]]:
        return {self.name: [self.message]}


def date_param(value: str | None, *, name: str, default: dt.date | None = None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) within MIN_DATE … MAX_DATE; blank gives ``default``."""
    value = (value or "").strip()
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("日期格式应为 YYYY-MM-DD")) from None
    check_date(day, name=name)
    return day


def datetime_param(value: str | None, *, name: str) -> dt.datetime | None:
    """An ISO date and time whose date lies within MIN_DATE … MAX_DATE (naive
    or with an offset, as given); blank gives None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("时间格式应为 YYYY-MM-DD HH:MM")) from None
    check_date(moment.date(), name=name)
    return moment


def check_date(day: dt.date, *, name: str) -> dt.date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise BadParameter(name, _bounds())
    return day


def int_param(
    value: str | None,
    *,
    name: str,
    default: int | None = None,
    low: int = 0,
    high: int = INT32_MAX,
) -> int | None:
    """A whole number written in digits (an optional minus sign) within
    ``low`` … ``high``; blank gives ``default``."""
    value = (value or "").strip()
    if not value:
        return default
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_DIGITS:
        raise BadParameter(name, _("应为整数"))
    number = int(value)
    if not low <= number <= high:
        raise BadParameter(name, _("应在 %(low)s 至 %(high)s 之间") % {"low": low, "high": high})
    return number


def ids(values: Iterable[str]) -> list[int]:
    """The values that are ids (ASCII digits, 1 … ID_MAX), in order; the rest
    are dropped — a checkbox list never needs to explain a forged entry.
    (``str.isdigit`` alone lets "²" through, which ``int()`` then refuses.)"""
    out = []
    for value in values:
        value = value.strip()
        if value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS and 1 <= int(value) <= ID_MAX:
            out.append(int(value))
    return out


class BoundedDateField(serializers.DateField):
    """DRF's DateField within MIN_DATE … MAX_DATE (filters, action inputs)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        try:
            return check_date(day, name=self.field_name or "date")
        except BadParameter as exc:
            raise serializers.ValidationError(exc.message) from None


class BoundedDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField whose date lies within MIN_DATE … MAX_DATE."""

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)  # made aware: year 1 overflows here
            check_date(moment.date(), name=self.field_name or "time")
        except BadParameter as exc:
            raise serializers.ValidationError(exc.message) from None
        except OverflowError:
            raise serializers.ValidationError(_bounds()) from None
        return moment


def _bounds() -> str:
    return _("日期应在 %(low)s 至 %(high)s 之间") % {"low": MIN_DATE, "high": MAX_DATE}
