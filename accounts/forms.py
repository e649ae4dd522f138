"""The staff login: password, then — for those who turned it on — the
6-digit code from an authenticator app (TOTP, django-otp)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device


class StaffLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名、密码或动态验证码不正确 / wrong username, password or one-time code"),
    }
    otp_token = forms.CharField(label=_("动态验证码"), required=False, max_length=8)

    def clean(self):
        cleaned = super().clean()  # the password (failures count towards the lock-out)
        self.otp_device = None
        user = self.get_user()
        if user is not None and user_has_device(user, confirmed=True):
            token = (cleaned.get("otp_token") or "").strip()
            # django-otp throttles wrong codes per device (growing delays).
            self.otp_device = match_token(user, token) if token else None
            if self.otp_device is None:
                # Counted like a wrong password (the lock-out), and worded like
                # one: the page does not confirm that the password was right.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=self.request
                )
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                      params={"username": self.username_field.verbose_name})  # fmt: skip
        return cleaned
