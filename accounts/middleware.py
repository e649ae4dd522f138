"""Limits on a staff member's session.

- A session signed in with a password only (before the second factor was
  turned on, or taken from another device) does not carry on once the account
  has a second factor: it is signed out and asked to sign in again.
- A session ends after a while without use, and some hours after signing in
  whatever the use (``SessionLimits``). Residents have no accounts: their
  session only holds phones verified in the last 30 minutes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django_otp import user_has_device

from changan import clock


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


# Keys in the session of a signed-in user: when they signed in and when they
# were last seen (seconds since the epoch, from changan.clock).
SIGNED_IN_KEY, SEEN_KEY = "changan_signed_in", "changan_seen"
SEEN_EVERY = 60  # refresh the last-seen time at most once a minute: not a session write per request


def note_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``): start both clocks afresh."""
    moment = int(clock.now().timestamp())
    request.session[SIGNED_IN_KEY] = moment
    request.session[SEEN_KEY] = moment


class SessionLimits:
    """Signs a staff member out after ``STAFF_SESSION_IDLE_MINUTES`` without a
    request (a console left open in an office), and in any case
    ``SESSION_COOKIE_AGE`` seconds after signing in, however busy (Django's
    own expiry slides forward each time the session is saved).

    A page asks to sign in again, with a message saying why; htmx is sent
    there whole (``HX-Redirect``); an API request, and the sign-in page
    itself, go on signed out (the API answers 403 as to anyone signed out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(clock.now().timestamp())
            reason = self._expired(request.session, now)
            if reason is not None:
                return self._sign_out(request, reason)
        return self.get_response(request)

    @staticmethod
    def _expired(session, now: int) -> str | None:
        signed_in, seen = session.get(SIGNED_IN_KEY), session.get(SEEN_KEY)
        if signed_in is None or seen is None:  # a session from before these limits
            session[SIGNED_IN_KEY] = signed_in if signed_in is not None else now
            session[SEEN_KEY] = now
            return None
        idle = settings.STAFF_SESSION_IDLE_MINUTES * 60
        if idle and now - seen > idle:
            return "idle"
        if now - signed_in > settings.SESSION_COOKIE_AGE:
            return "age"
        if now - seen >= SEEN_EVERY:
            session[SEEN_KEY] = now
        return None

    def _sign_out(self, request, reason: str):
        logout(request)
        login = resolve_url(settings.LOGIN_URL)
        if request.path.startswith("/api/") or request.path == login:  # signing in again goes on
            return self.get_response(request)
        if reason == "idle":
            text = _("您已 %(n)d 分钟未操作，为安全起见已退出登录，请重新登录。") % {
                "n": settings.STAFF_SESSION_IDLE_MINUTES
            }
        else:
            text = _("登录已超过 %(n)d 小时，请重新登录。") % {"n": settings.SESSION_COOKIE_AGE // 3600}
        messages.warning(request, text)
        target = f"{login}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
