"""Staff accounts and roles. Citizens and enterprises never have accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    DISPATCHER = "dispatcher", _("受理调度员")  # 综治中心/12345 受理员
    HANDLER = "handler", _("承办人员")  # 承办单位
    GRID_WORKER = "grid_worker", _("网格员")
    MEDIATOR = "mediator", _("调解员")
    INSPECTOR = "inspector", _("安全检查员")
    ANALYST = "analyst", _("分析员")
    LEADER = "leader", _("领导")
    ADMINISTRATOR = "administrator", _("系统管理员")


class Role(models.Model):
    """A staff role. The rows are fixed (created by a migration from RoleCode);
    what each role may do is defined in code (``accounts.permissions``)."""

    code = models.CharField(_("代码"), max_length=32, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("工作电话"), max_length=32, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    scope_area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("数据范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("可查看的区域；留空则为所属单位的服务区域"),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_codes
