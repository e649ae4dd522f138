"""Password spraying: one wrong password for each of many accounts, from one
address. django-axes locks a (username, address) pair after
``AXES_FAILURE_LIMIT`` wrong passwords; it has one limit for all its lock-out
parameters, so a second, wider limit per address lives here:

after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failed sign-ins from one address within
``LOGIN_ADDRESS_WINDOW``, every sign-in from that address — whatever the
username, right password or not — is refused for ``LOGIN_ADDRESS_COOLOFF``.
Failures are counted wherever a password is checked with the request (the
login page, which the admin's login uses, and HTTP Basic on the API), in the
shared cache as the other rate limits (``changan.ratelimit``), keyed on the
client address by the same proxy rule.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from changan.ratelimit import Limit, client_ip, hit


def _lock_key(address: str) -> str:
    return f"login-lock:{address}"


def address_locked(request: HttpRequest) -> bool:
    """Whether sign-ins from the request's address are refused now."""
    return cache.get(_lock_key(client_ip(request))) is not None


def count_failure(request: HttpRequest) -> None:
    """Count one failed sign-in from the request's address; the one that
    reaches the limit locks the address."""
    address = client_ip(request)
    window = int(settings.LOGIN_ADDRESS_WINDOW.total_seconds())
    # ``hit`` answers once the count goes past ``count``: past limit − 1 is
    # the limit-th failure, so the next attempt is the first one refused.
    failures = Limit("login-failures", settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1, window)
    if hit(failures, address) is not None:
        cache.set(_lock_key(address), 1, timeout=int(settings.LOGIN_ADDRESS_COOLOFF.total_seconds()))


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed``: a wrong password, a locked pair, a wrong
    one-time code."""
    if request is not None:
        count_failure(request)


class AddressLockBackend:
    """First of the authentication backends: while the address is locked,
    no password is checked at all (the login page shows the locked-out page;
    the API answers 401/403)."""

    def authenticate(self, request, **credentials):
        if request is not None and address_locked(request):
            raise PermissionDenied("too many failed sign-ins from this address")
        return None
