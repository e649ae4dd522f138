"""Org units: who handles what, and for which area."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnitKind(models.TextChoices):
    CITY_DEPARTMENT = "city_department", _("市直部门")
    COUNTY_DEPARTMENT = "county_department", _("县区部门")
    TOWNSHIP_OFFICE = "township_office", _("乡镇(街道)")
    VILLAGE_COMMITTEE = "village_committee", _("村(社区)委员会")
    GOVERNANCE_CENTER = "governance_center", _("综治中心")
    MEDIATION_COMMITTEE = "mediation_committee", _("人民调解委员会")
    OTHER = "other", _("其他")


class Sector(models.TextChoices):
    """The line of work (条线) a department belongs to. A county bureau and the
    city department of the same sector are one line, which routing follows."""

    HOUSING = "housing", _("住房和城乡建设")
    URBAN_MANAGEMENT = "urban_management", _("城市管理")
    ECOLOGY = "ecology", _("生态环境")
    TRANSPORT = "transport", _("交通运输")
    EDUCATION = "education", _("教育")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障")
    HEALTH = "health", _("卫生健康")
    MARKET_REGULATION = "market_regulation", _("市场监督管理")
    EMERGENCY = "emergency", _("应急管理")
    PUBLIC_SECURITY = "public_security", _("公安")
    JUSTICE = "justice", _("司法")
    PETITIONS = "petitions", _("信访")
    WATER = "water", _("水利")
    NATURAL_RESOURCES = "natural_resources", _("自然资源和规划")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    AGRICULTURE = "agriculture", _("农业农村")


class OrgUnit(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=OrgUnitKind.choices)
    sector = models.CharField(_("条线"), max_length=32, choices=Sector.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("服务区域"),
        on_delete=models.PROTECT,
        related_name="org_units",
    )
    phone = models.CharField(_("办公电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["area_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="orgunit_unique_name_in_area"),
        ]
        indexes = [models.Index(fields=["area", "kind"])]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> frozenset[int]:
        """This unit and every unit below it (the tree is shallow: a few levels)."""
        found = {self.pk}
        frontier = [self.pk]
        while frontier:
            below = OrgUnit.objects.filter(parent_id__in=frontier).exclude(pk__in=found)
            frontier = list(below.values_list("pk", flat=True))
            found.update(frontier)
        return frozenset(found)
