"""Places: administrative areas (12-digit codes) and grids.

Codes are primary keys: they are what every other record carries (a case's
area code, a unit's area), they are hierarchical, so "everything inside 淇县"
is ``code LIKE '410622%'`` on any table, and they are the natural shard key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions import codes
from regions.fields import GeometryField


class AreaLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级")
    VILLAGE = 5, _("村级")


TOWNSHIP_KIND_LABELS = {
    "subdistrict": _("街道"),
    "town": _("镇"),
    "township": _("乡"),
    "township_like": _("类似乡级单位"),
    "other": _("其他"),
}
VILLAGE_KIND_LABELS = {
    "community": _("社区"),
    "village": _("村"),
    "village_like": _("类似村级单位"),
    "other": _("其他"),
}


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    boundary = GeometryField(_("边界"), null=True, blank=True)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    boundary_synthetic = models.BooleanField(
        _("边界为生成数据"),
        default=False,
        help_text=_("演示用的合成边界，不是官方边界 / generated for the demo, not official"),
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="area_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        try:
            codes.validate_area_code(self.code)
        except codes.CodeError as exc:
            raise ValidationError({"code": str(exc)}) from exc
        if self.level != codes.level_of(self.code):
            raise ValidationError({"level": _("级别与区划代码不符 / level does not match the code")})
        if (self.parent_id or None) != codes.parent_code_of(self.code) and self.level > AreaLevel.PROVINCE:
            raise ValidationError(
                {"parent": _("上级必须是代码所示的上级单位 / parent must be the code's parent")}
            )

    @property
    def prefix(self) -> str:
        """Leading digits shared by everything inside this area."""
        return codes.prefix_of(self.code, self.level)

    @property
    def kind(self) -> str:
        """街道/镇/乡… for a township, 社区/村… for a village-level unit."""
        if self.level == AreaLevel.TOWNSHIP:
            return str(TOWNSHIP_KIND_LABELS[codes.township_kind(self.code)])
        if self.level == AreaLevel.VILLAGE:
            return str(VILLAGE_KIND_LABELS[codes.village_kind(self.code)])
        return self.get_level_display()


class GridKind(models.TextChoices):
    BASIC = "basic", _("基础网格")
    MICRO = "micro", _("微网格")
    DEDICATED = "dedicated", _("专属网格")  # a school, market, hospital, industrial park…


class Grid(models.Model):
    code = models.CharField(_("网格编码"), max_length=15, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=GridKind.choices, default=GridKind.BASIC)
    dedicated_to = models.CharField(
        _("专属对象"), max_length=100, blank=True, help_text=_("专属网格覆盖的单位，如学校、市场")
    )
    village = models.ForeignKey(
        Area,
        verbose_name=_("所属村(社区)"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": AreaLevel.VILLAGE},
    )
    boundary = GeometryField(_("边界"), null=True, blank=True)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    boundary_synthetic = models.BooleanField(_("边界为生成数据"), default=False)
    households = models.PositiveIntegerField(_("户数"), default=0)
    chief = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("网格长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids_led",
    )
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), blank=True, related_name="grids_worked"
    )
    party_branch_name = models.CharField(_("网格党支部"), max_length=100, blank=True)
    party_branch_secretary = models.CharField(_("党支部书记"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def clean(self) -> None:
        try:
            codes.validate_grid_code(self.code)
        except codes.CodeError as exc:
            raise ValidationError({"code": str(exc)}) from exc
        if self.village_id and self.code[:12] != self.village_id:
            raise ValidationError(
                {"code": _("网格编码须以所属村(社区)代码开头 / must start with the village code")}
            )
        if self.boundary is not None and (
            not self.boundary.is_valid or self.boundary.geom_type not in ("Polygon", "MultiPolygon")
        ):
            raise ValidationError({"boundary": _("边界几何无效 / invalid geometry")})

    @property
    def area_code(self) -> str:
        return self.code[:12]
