"""A value built from the database and kept in each process (the grid
locator, the working calendar), rebuilt when its data change.

Whether the data changed is a version stamp in the shared cache: writers call
``invalidate()`` (now, and again on commit, so a stamp computed by another
process before the commit does not outlive it); readers compare the stamp
with the one their copy was built for. A missing stamp is recomputed from the
database and kept for a few seconds, so a write that bypassed ``invalidate``
is still seen soon.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


class Rebuilt(Generic[T]):
    def __init__(self, key: str, *, stamp: Callable[[], str], build: Callable[[], T], timeout: int = 10):
        self.key, self.stamp, self.build, self.timeout = key, stamp, build, timeout
        self._lock = threading.Lock()
        self._current: tuple[str, T] | None = None

    def version(self) -> str:
        version = cache.get(self.key)
        if version is None:
            version = self.stamp()
            cache.set(self.key, version, timeout=self.timeout)
        return version

    def get(self) -> T:
        version = self.version()
        current = self._current
        if current is not None and current[0] == version:
            return current[1]
        with self._lock:
            if self._current is not None and self._current[0] == version:
                return self._current[1]
            value = self.build()
            self._current = (version, value)
            return value

    def invalidate(self) -> None:
        cache.delete(self.key)
        transaction.on_commit(lambda: cache.delete(self.key))
