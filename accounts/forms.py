"""The staff login: password, then — for those who turned it on — the
6-digit code from an authenticator app (TOTP, django-otp)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device


class StaffLoginForm(AuthenticationForm):
    otp_token = forms.CharField(label=_("动态验证码"), required=False, max_length=8)

    def clean(self):
        cleaned = super().clean()  # the password (failures count towards the lock-out)
        self.otp_device = None
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                raise ValidationError(
                    _("请输入身份验证器上的 6 位动态码 / enter the code from your authenticator app"),
                    code="otp_required",
                )
            # django-otp throttles wrong codes per device (growing delays).
            self.otp_device = match_token(user, token)
            if self.otp_device is None:
                raise ValidationError(_("动态验证码不对或已过期 / wrong or expired code"), code="otp_wrong")
        return cleaned
