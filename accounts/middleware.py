"""A session signed in with a password only (before the second factor was
turned on, or taken from another device) does not carry on once the account
has a second factor: it is signed out and asked to sign in again."""

from __future__ import annotations

from django.contrib.auth import logout
from django.shortcuts import redirect
from django_otp import user_has_device


class SecondFactorRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and user_has_device(user, confirmed=True)
        ):
            logout(request)
            if not request.path.startswith("/api/"):
                return redirect(f"/login/?next={request.path}")
        return self.get_response(request)
