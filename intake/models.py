"""Places people report from: registered sites, and the version of each
place's QR code (淇和码) so a printed code can be revoked."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from changan import clock


class SiteKind(models.TextChoices):
    MARKET = "market", _("市场")
    SCHOOL = "school", _("学校")
    CONSTRUCTION = "construction", _("建筑工地")
    HOSPITAL = "hospital", _("医院")
    PARK = "park", _("公园广场")
    OTHER = "other", _("其他")


class Site(models.Model):
    """A registered site with its own QR code (a market, a school …)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=SiteKind.choices)
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="sites"
    )
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["grid_id", "name"]

    def __str__(self) -> str:
        return self.name


class PlaceKind(models.TextChoices):
    GRID = "grid", _("网格")
    VILLAGE = "village", _("村(社区)")
    SITE = "site", _("场所")


class PlaceCode(models.Model):
    """The current version of a place's QR code. Printing a code creates the
    row (version 1); revoking bumps the version, so codes printed before stop
    working and show the friendly "choose your place" page instead."""

    kind = models.CharField(_("类型"), max_length=10, choices=PlaceKind.choices)
    ref = models.CharField(_("编码"), max_length=20)  # grid code, village code or site id
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("二维码")
        verbose_name_plural = _("二维码")
        constraints = [models.UniqueConstraint(fields=["kind", "ref"], name="placecode_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref} v{self.version}"


class Submission(models.Model):
    """One report form submission: the form's idempotency key, so a double
    tap or a retry on a flaky network creates exactly one case. The key is
    bound to the browser session that used it (a digest of the session key):
    the same key from anyone else grants nothing."""

    key = models.CharField(max_length=64, unique=True)
    session = models.CharField(max_length=64, blank=True, default="")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.key


class StagedPhoto(models.Model):
    """A photo already accepted on a report form that came back to the person
    (another photo refused, the SMS code step): kept by the form's key so it
    need not be chosen again. Moved onto the case on submit; the worker
    removes what is left after a day."""

    key = models.CharField(max_length=64, db_index=True)
    jpeg = models.BinaryField()
    thumbnail = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.key} #{self.pk}"


class PhoneCheck(models.Model):
    """An SMS code (验证码) sent to a phone: only digests are kept, the code
    is valid for a few minutes and allows a few wrong tries."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    sent_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.phone_digest[:8]}… {self.sent_at:%Y-%m-%d %H:%M}"
