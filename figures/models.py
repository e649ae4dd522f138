"""Rollup tables for the data center (数据中心): counts kept up to date by
the case services in the same transaction as each event, so the dashboard
sums a few thousand rows instead of scanning the case table.

Every count belongs to the day (and month) the case was **received**, so a
rate such as 响应率 compares like with like: of the cases received that day,
how many were answered in time. A row per period, township and category
family (area figures), and per period and lead unit (department figures)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MEASURES = (
    "received",  # 受理量
    "assigned",  # 派至本单位 (unit rows only)
    "responded",  # 已响应: first contact, reply or answer
    "responded_on_time",  # 按时响应: … within the response time limit
    "closed",  # 已办结 (first closing of a case)
    "closed_on_time",  # 按期办结
    "rated",  # 已评价 (a case's latest rating counts)
    "solved",  # 评价为已解决
    "satisfied",  # 评价为基本满意及以上
    "reopened",  # 重办
)


class Period(models.TextChoices):
    DAY = "d", _("日")
    MONTH = "m", _("月")


class Measures(models.Model):
    received = models.IntegerField(default=0, db_default=0)
    assigned = models.IntegerField(default=0, db_default=0)
    responded = models.IntegerField(default=0, db_default=0)
    responded_on_time = models.IntegerField(default=0, db_default=0)
    closed = models.IntegerField(default=0, db_default=0)
    closed_on_time = models.IntegerField(default=0, db_default=0)
    rated = models.IntegerField(default=0, db_default=0)
    solved = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)
    reopened = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class AreaTally(Measures):
    kind = models.CharField(max_length=1, choices=Period.choices)
    period = models.DateField()  # the day, or the first day of the month
    area = models.CharField(max_length=12)  # township (乡镇/街道) code
    family = models.CharField(max_length=2, blank=True)  # first-level category, "" unclassified

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "period", "area", "family"], name="areatally_key")
        ]
        indexes = [models.Index(fields=["kind", "period", "area"])]

    def __str__(self) -> str:
        return f"{self.kind}{self.period} {self.area} {self.family}"


class UnitTally(Measures):
    kind = models.CharField(max_length=1, choices=Period.choices)
    period = models.DateField()
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "period", "unit"], name="unittally_key")]

    def __str__(self) -> str:
        return f"{self.kind}{self.period} unit {self.unit_id}"


class GridTally(models.Model):
    """Cases received per grid per month: the heat map."""

    period = models.DateField()
    grid = models.CharField(max_length=15)
    received = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "grid"], name="gridtally_key")]
        indexes = [models.Index(fields=["period", "grid"])]

    def __str__(self) -> str:
        return f"{self.period} {self.grid}"
