"""Each background job's health, as the worker last saw it. Shared by every
worker process (the next due time lives here, so several workers keep one
schedule) and read by /healthz/jobs. No personal data: the last error is the
exception's class and a truncated message."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobHealth(models.Model):
    name = models.CharField(_("任务"), max_length=60, primary_key=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    next_due_at = models.DateTimeField(_("下次运行"), null=True, blank=True)  # None: at the next pass

    class Meta:
        verbose_name = _("后台任务状态")
        verbose_name_plural = _("后台任务状态")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
