"""API keys for Open311 clients (another city system, a partner app).

A key is a secret: only its digest is stored (like a password), the key
itself is shown once, when it is made. What a key may read is its scope:
the public view, or also its own submissions, or also every case of an
area (a partner such as a county's own 12345 system)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from changan import clock


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_digest(key: str) -> str:
    """SHA-256 of a key: keys are 192 random bits, so no salt or stretching is needed."""
    return hashlib.sha256(key.encode()).hexdigest()


class KeyScope(models.TextChoices):
    PUBLIC = "public", _("公开信息")
    OWN = "own", _("公开信息及本密钥提交的诉求")
    AREA = "area", _("公开信息、本密钥提交的诉求及指定区域的诉求")


class ApiKey(models.Model):
    name = models.CharField(_("客户端名称"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so an administrator can tell keys apart.
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    scope = models.CharField(_("可读范围"), max_length=8, choices=KeyScope.choices, default=KeyScope.PUBLIC)
    area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("可读范围为“指定区域”时必填；该区域及其下级的诉求（矛盾纠纷、举报除外）"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def clean(self) -> None:
        if self.scope == KeyScope.AREA and self.area_id is None:
            raise ValidationError({"area": _("可读范围为“指定区域”时须选择区域")})

    def set_key(self, key: str) -> None:
        self.digest, self.prefix = key_digest(key), key[:6]

    @classmethod
    def active(cls, key: str) -> ApiKey | None:
        return cls.objects.filter(digest=key_digest(key), is_active=True).first() if key else None


class Submission(models.Model):
    """A case filed through Open311 with a key: the key's own submissions."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.key} → {self.case_id}"
