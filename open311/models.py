"""API keys for Open311 clients (another city system, a partner app)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    return secrets.token_urlsafe(24)


class ApiKey(models.Model):
    name = models.CharField(_("客户端名称"), max_length=100)
    key = models.CharField(_("密钥"), max_length=64, unique=True, default=new_key)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")

    def __str__(self) -> str:
        return self.name
