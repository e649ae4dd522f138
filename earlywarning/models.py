"""探照灯: what the nightly early-warning run found. A ``Run`` is one day
judged; a ``Signal`` is one finding of that run — a count series above its
bound, a space–time cluster, an entity or a complainant drawing more cases
than before, an escalation keyword — with the numbers behind it and the
cases it rests on. Analysts confirm or dismiss signals; both decisions are
kept, because they are what the engine's precision will be measured by."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Run(models.Model):
    day = models.DateField(_("研判日期"), unique=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("读取案件数"), default=0)
    series = models.PositiveIntegerField(_("检验序列数"), default=0)
    signals = models.PositiveIntegerField(_("信号数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("预警运行")
        verbose_name_plural = _("预警运行")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}"


class SignalKind(models.TextChoices):
    SERIES = "series", _("区域×类别异常")  # an area × category count series above its bound
    CLUSTER = "cluster", _("时空聚集")  # space–time scan
    ENTITY = "entity", _("同一对象集中反映")  # the same employer, site or address
    REPORTER = "reporter", _("重复反映升级")  # a complainant calling more and more
    KEYWORD = "keyword", _("敏感词")  # 跳楼, 讨薪, 聚集, 上访 …


class Decision(models.TextChoices):
    OPEN = "open", _("待研判")
    CONFIRMED = "confirmed", _("确认为风险")
    DISMISSED = "dismissed", _("排除")


class Signal(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="found")
    day = models.DateField(_("研判日期"), db_index=True)
    kind = models.CharField(_("信号类型"), max_length=12, choices=SignalKind.choices)
    method = models.CharField(_("方法"), max_length=32)
    # Where: the smallest area holding what was found (scoping goes by it).
    area = models.ForeignKey("regions.Area", verbose_name=_("区域"), on_delete=models.PROTECT)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT
    )  # None: all categories
    entity = models.CharField(_("对象"), max_length=100, blank=True)
    window_days = models.PositiveSmallIntegerField(_("时间窗（天）"), default=1)
    observed = models.FloatField(_("实际数"))
    expected = models.FloatField(_("期望数"))
    upperbound = models.FloatField(_("阈值"), null=True, blank=True)
    score = models.FloatField(_("强度"))
    p_value = models.FloatField(_("P值"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排序"))
    explained_by = models.ForeignKey(
        "self", verbose_name=_("由更具体的信号解释"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Chart series, cluster geometry, keyword hits, reasons: what the page shows.
    detail = models.JSONField(_("明细"), default=dict, blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="warning_signals", verbose_name=_("相关案件"))
    decision = models.CharField(_("研判结论"), max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("研判人"), null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    reason = models.TextField(_("研判说明"), blank=True)

    class Meta:
        verbose_name = _("预警信号")
        verbose_name_plural = _("预警信号")
        ordering = ["day", "rank"]
        indexes = [models.Index(fields=["day", "area"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision="open") | models.Q(decided_at__isnull=False),
                name="signal_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="dismissed") | ~models.Q(reason=""),
                name="signal_dismissal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.rank} {self.get_kind_display()} {self.area_id}"

    @property
    def chart_id(self) -> str:
        return f"chart-{self.pk}"

    def clean(self) -> None:
        if self.decision == Decision.DISMISSED and not self.reason.strip():
            raise ValidationError({"reason": _("排除信号须说明理由 / a dismissal needs a reason")})
