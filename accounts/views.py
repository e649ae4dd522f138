"""Sign-in and the staff member's own security page (second factor)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts import lockout, services
from accounts.forms import StaffLoginForm


class StaffLoginView(LoginView):
    """The login page (the admin's login sends here too)."""

    form_class = StaffLoginForm

    def post(self, request, *args, **kwargs):
        if lockout.address_locked(request):  # password spraying from this address (accounts.lockout)
            context = {"address_locked": True, "cooloff_timedelta": settings.LOGIN_ADDRESS_COOLOFF}
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)  # this session passed the second factor
        return response


def admin_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('login')}?{request.GET.urlencode()}")


@login_required
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator (TOTP) second factor on or off."""
    enabled = user_has_device(request.user, confirmed=True)
    if request.method == "POST":
        token = request.POST.get("token", "")
        try:
            if enabled:
                services.disable_totp(user=request.user, token=token)
                messages.success(request, "已关闭动态验证码 / second factor turned off")
            else:
                otp_login(request, services.confirm_totp(user=request.user, token=token))
                messages.success(request, "已开启动态验证码，下次登录时需要输入 / second factor on")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("security")
    context = {"enabled": enabled}
    if not enabled:
        device = services.pending_totp(request.user)
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        context["qr_svg"] = mark_safe(image.to_string(encoding="unicode"))  # our own SVG, no user text
        context["secret"] = _spaced(device.bin_key)
    return render(request, "registration/security.html", context)


def _spaced(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
