"""A grid worker's day: patrols (巡查) with the path walked, home visits
(走访), and the keys of reports sent from the phone (so a report queued
offline and sent twice is filed once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Patrol(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    path = models.JSONField(_("轨迹"), default=list, blank=True)  # [[lon, lat, unix seconds], …]
    distance_m = models.FloatField(_("里程(米)"), default=0)
    notes = models.TextField(_("巡查情况"), blank=True)

    class Meta:
        verbose_name = _("巡查日志")
        verbose_name_plural = _("巡查日志")
        ordering = ["-started_at"]
        constraints = [
            # One patrol under way per worker at a time.
            models.UniqueConstraint(
                fields=["worker"], condition=models.Q(ended_at=None), name="patrol_one_open_per_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"


class Visit(models.Model):
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="visits"
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.CharField(_("走访户"), max_length=100)
    note = models.TextField(_("走访情况"))
    at = models.DateTimeField(_("时间"))
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.household} {self.at:%Y-%m-%d}"


class FieldReport(models.Model):
    """The phone's key for one report: the same worker's key twice is one case."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "key"], name="fieldreport_worker_key")]

    def __str__(self) -> str:
        return self.key
