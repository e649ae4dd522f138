"""The loop every reminder sweep of the worker shares: each due item in its
own transaction, claimed under a lock (re-checked there, then flagged), its
event appended to the case's timeline and the people told — so two workers,
or a pass repeated after a crash, never remind twice. The case timers' batch
pass (``timers``) and the mediation sweep are built on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import transaction

Item = TypeVar("Item")
Claimed = TypeVar("Claimed")


def sweep_each(
    items: Iterable[Item], *, claim: Callable[[Item], Claimed | None], fire: Callable[[Claimed], None]
) -> int:
    """For each of ``items``: ``claim`` it — lock, re-check, flag — and get
    what to fire on (``None`` when it is no longer due or another worker has
    it), then ``fire`` (log and notify), in one transaction. Returns how many
    fired."""
    fired = 0
    for item in items:
        with transaction.atomic():
            claimed = claim(item)
            if claimed is None:
                continue
            fire(claimed)
            fired += 1
    return fired
