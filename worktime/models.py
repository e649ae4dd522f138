"""The working-time calendar as data, editable in the admin."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day that differs from the Monday–Friday rule: a public holiday (off)
    or a make-up workday (调休, on) from the State Council's yearly notice."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：调休上班日；不勾选：放假"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：春节、国庆节调休"))
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("按法定假日推算，待国务院办公厅通知发布后核对")
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class WorkingPeriod(models.Model):
    """One daily working period (e.g. 08:30–12:00). Working time is the sum
    of the periods on each workday."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start >= self.end:
            raise ValidationError(_("结束时间须晚于开始时间 / the end must be after the start"))
        overlapping = WorkingPeriod.objects.exclude(pk=self.pk).filter(start__lt=self.end, end__gt=self.start)
        if overlapping.exists():
            raise ValidationError(_("与已有时段重叠 / overlaps another period"))
