"""What the top bar offers a signed-in user: only the pages open to them.

Each app that owns a page in the top bar registers, when it is ready, the
name the base template reads and who may see it; this module knows no app."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

_entries: dict[str, Callable] = {}


def register(name: str, visible_to: Callable) -> None:
    """``visible_to(user)`` says whether the top bar links ``name``."""
    _entries[name] = visible_to


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {name: bool(visible_to(user)) for name, visible_to in _entries.items()}
