"""Writes of the Open311 app: keys for its clients."""

from __future__ import annotations

from open311.models import ApiKey, KeyScope, new_key
from regions.models import Area


def issue_key(*, name: str, scope: str = KeyScope.PUBLIC, area: Area | None = None) -> tuple[ApiKey, str]:
    """A new key and its secret, which is never stored: hand it over now."""
    key = new_key()
    api_key = ApiKey(name=name, scope=scope, area=area)
    api_key.set_key(key)
    api_key.full_clean()
    api_key.save()
    return api_key, key
