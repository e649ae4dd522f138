"""Writes about staff accounts: turning the TOTP second factor on and off."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "身份验证器"


def pending_totp(user) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed), made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_totp(*, user, token: str) -> TOTPDevice:
    """Turn the second factor on once the app shows the right code."""
    device = pending_totp(user)
    if not device.verify_token(token.strip()):
        raise ValidationError("动态验证码不对，请核对手机时间后重试 / wrong code (check the phone's clock)")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


@transaction.atomic
def disable_totp(*, user, token: str) -> None:
    """Turn it off; a current code proves the person still holds the phone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return
    if not device.verify_token(token.strip()):
        raise ValidationError("动态验证码不对 / wrong code")
    TOTPDevice.objects.filter(user=user).delete()
