"""Fixed-window rate limits kept in the shared cache (Redis in production),
for the public endpoints: a refused request is told why and when to retry."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


def client_ip(request: HttpRequest) -> str:
    # Behind the proxy (TRUST_X_FORWARDED_FOR), the last X-Forwarded-For
    # address is the one the proxy itself saw: what a client writes into the
    # header comes before it. Without a proxy, the header is not believed.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    if forwarded and settings.TRUST_X_FORWARDED_FOR:
        return forwarded
    return request.META.get("REMOTE_ADDR", "")


def hit(limit: Limit, who: str) -> int | None:
    """Count one request by ``who``; return the seconds to wait when the
    limit is exceeded, else None."""
    window = int(time.time()) // limit.seconds
    key = f"rl:{limit.name}:{who}:{window}"
    if cache.add(key, 1, timeout=limit.seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=limit.seconds + 5)
            count = 1
    if count > limit.count:
        return (window + 1) * limit.seconds - int(time.time())
    return None
