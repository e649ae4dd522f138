"""The time the services see: the one place the project reads "now" and
"today" (a test walks the source and fails on any other read of the real
time).

Normally the real time. A simulation (the demo city's year of cases) freezes
it with ``frozen_at`` so that events carry the times they happened. The test
settings may shift it by whole days (``CLOCK_SHIFT_DAYS``, from the
environment variable ``CHANGAN_CLOCK_SHIFT_DAYS``) so that the suite can be
run a year ahead; the production settings never do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("changan_clock", default=None)


def now() -> dt.datetime:
    """The current moment, aware (UTC)."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    if not settings.configured:  # a plain script with no Django settings (a benchmark)
        return dt.datetime.now(dt.UTC)
    return timezone.now() + shift()


def shift() -> dt.timedelta:
    """How far the clock runs ahead of the real time (only ever set in tests)."""
    return dt.timedelta(days=getattr(settings, "CLOCK_SHIFT_DAYS", 0) if settings.configured else 0)


def localtime(value: dt.datetime | None = None) -> dt.datetime:
    """``value`` (default: now) in the current time zone (the machine's, for a
    plain script with no Django settings)."""
    value = now() if value is None else value
    return timezone.localtime(value) if settings.configured else value.astimezone()


def today() -> dt.date:
    """The local date of now, in the current time zone."""
    return localtime().date()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
