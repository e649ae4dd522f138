"""What the intelligence said about each case (智能研判), the rules that route
a category in a place to its lead unit, and every time a person decided
otherwise (the next model's training data)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Sector


class Triage(models.Model):
    """The suggestions made for a case when it arrived, kept as they were:
    the confidence shown to staff and the measure of the models later."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="triage"
    )
    model_version = models.CharField(_("模型版本"), max_length=40)
    # [{"code": "04", "name": "环境保护", "confidence": 0.93}, …] likeliest first
    categories = models.JSONField(_("分类建议"), default=list)
    confidence = models.FloatField(_("分类置信度"), default=0)
    appeal_type = models.CharField(_("诉求类型建议"), max_length=16, blank=True)
    appeal_type_confidence = models.FloatField(_("诉求类型置信度"), default=0)
    # Which fields the suggestion filled in because the case arrived without them.
    prefilled = models.JSONField(_("自动填写"), default=list)
    # Below the threshold a dispatcher must choose (人工研判).
    needs_human = models.BooleanField(_("需人工研判"), default=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("建议主办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    route = models.CharField(_("派单依据"), max_length=200, blank=True)
    # The learned department router's second opinion: [{"sector": …, "confidence": …}]
    sectors = models.JSONField(_("部门路由建议"), default=list)
    # [{"case": id, "number": …, "score": 0.8, "metres": 120}] most similar first
    duplicates = models.JSONField(_("疑似重复"), default=list)
    # A large intake batch (an import) leaves the duplicate check to the worker.
    duplicates_checked = models.BooleanField(_("已查重"), default=True)
    created_at = models.DateTimeField(_("研判时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("智能研判")
        verbose_name_plural = _("智能研判")
        indexes = [
            models.Index(fields=["case"], condition=models.Q(needs_human=True), name="triage_needs_human"),
            models.Index(
                fields=["case"], condition=models.Q(duplicates_checked=False), name="triage_to_check"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.confidence:.2f}"


class RouteTarget(models.TextChoices):
    SECTOR = "sector", _("条线部门（县区分支，无则市直）")
    TOWNSHIP = "township", _("所在乡镇(街道)")
    UNIT = "unit", _("指定单位")


class RoutingRule(models.Model):
    """分类 × 地点 → 主办单位. The most specific rule wins: the deepest
    category, then the deepest area; without a rule the category's own line
    goes to its county branch, and a category without a line to the township."""

    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("分类（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("空 = 所有分类"),
    )
    area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("区域（含下级）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("空 = 全市"),
    )
    target = models.CharField(_("派往"), max_length=12, choices=RouteTarget.choices)
    sector = models.CharField(
        _("条线"), max_length=32, choices=Sector.choices, blank=True, help_text=_("空 = 分类的默认条线")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("指定单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"],
                name="routingrule_one_per_place",
                condition=models.Q(is_active=True),
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '全部分类'} @ {self.area or '全市'} → {self.get_target_display()}"

    def clean(self) -> None:
        # The constraint says so too, but SQLite cannot hold it (NULLs are distinct there).
        same = RoutingRule.objects.filter(category=self.category_id, area=self.area_id, is_active=True)
        if self.is_active and same.exclude(pk=self.pk).exists():
            raise ValidationError(
                _("该分类和区域已有一条启用的规则 / an active rule for this category and area exists")
            )
        if (self.target == RouteTarget.UNIT) != (self.unit_id is not None):
            raise ValidationError(
                _("仅“指定单位”须选择单位 / choose a unit exactly when the target is a unit")
            )


class OverrideField(models.TextChoices):
    CATEGORY = "category", _("分类")
    APPEAL_TYPE = "appeal_type", _("诉求类型")
    UNIT = "unit", _("主办单位")


class Override(models.Model):
    """A person chose otherwise than the suggestion (改判): the case's text
    with the chosen label is training data for the next model."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="overrides")
    field = models.CharField(_("字段"), max_length=16, choices=OverrideField.choices)
    suggested = models.CharField(_("建议"), max_length=40, blank=True)
    chosen = models.CharField(_("选择"), max_length=40)
    model_version = models.CharField(_("模型版本"), max_length=40, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人工改判")
        verbose_name_plural = _("人工改判")
        ordering = ["-at"]
        indexes = [models.Index(fields=["field", "-at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.field}: {self.suggested} → {self.chosen}"
