"""The case core: one case model for appeals, grid events, disputes and
hazards, and its append-only event log. Workflow lives in ``services/``;
these models hold data and invariants only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from changan import clock
from orgs.models import Sector


class Category(models.Model):
    """A class of the 3-level taxonomy (一级/二级/三级分类)."""

    code = models.CharField(_("编码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.PositiveSmallIntegerField(
        _("级别"), choices=[(1, _("一级")), (2, _("二级")), (3, _("三级"))]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sector = models.CharField(_("默认条线"), max_length=32, choices=Sector.choices, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("案件分类")
        verbose_name_plural = _("案件分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.level == 1) != (self.parent_id is None):
            raise ValidationError(_("一级分类没有上级，其他级别必须有上级 / only level 1 has no parent"))
        if self.parent_id and not self.code.startswith(self.parent_id):
            raise ValidationError(_("编码须以上级编码开头 / the code must start with the parent's code"))


class CaseKind(models.TextChoices):
    APPEAL = "appeal", _("诉求")
    GRID_EVENT = "grid_event", _("网格事件")
    DISPUTE = "dispute", _("矛盾纠纷")
    HAZARD = "hazard", _("隐患")


class Channel(models.TextChoices):
    QR = "qr", _("扫码/手机")
    HOTLINE = "hotline", _("热线电话")
    GRID_WORKER = "grid_worker", _("网格员上报")
    WEB = "web", _("网站")
    API = "api", _("Open311/接口")
    SENSOR = "sensor", _("感知设备")
    TRANSFER_110 = "transfer_110", _("110转办")
    TRANSFER_UP = "transfer_up", _("上级转办")


class AppealType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")  # 12345: 2 hours
    FAST = "fast", _("快办")  # 24 hours
    ORDINARY = "ordinary", _("一般")  # 7 working days
    COMPLEX = "complex", _("复杂")  # 15 working days


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    ACCEPTED = "accepted", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("处置中")
    SUSPENDED = "suspended", _("挂起")
    REPLIED = "replied", _("待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.SUSPENDED,
    Status.REPLIED,
)
# Statuses in which the unit's resolution clock runs: it stops when the unit
# replies (verification is the centre's job) and while a case is suspended.
RUNNING_STATUSES = (Status.DISPATCHED, Status.HANDLING)


class Publicity(models.TextChoices):
    """Whether the public may see a case (公开), FixMyStreet-style: staff
    decide per case; until they do, ``CASE_PUBLIC_BY_DEFAULT`` decides. Only
    cases of a public kind and channel can ever be public (``cases.public``)."""

    DEFAULT = "default", _("按默认")
    PUBLIC = "public", _("公开")
    PRIVATE = "private", _("不公开")


class Tier(models.IntegerChoices):
    ONE_DEPARTMENT = 1, _("单部门办理")
    SEVERAL_DEPARTMENTS = 2, _("多部门联办")
    LEADER = 3, _("领导包案")


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    NEUTRAL = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    kind = models.CharField(_("类别"), max_length=16, choices=CaseKind.choices, default=CaseKind.APPEAL)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    appeal_type = models.CharField(_("诉求类型"), max_length=16, choices=AppealType.choices, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("内容"))
    # Segmented words of title, description and address (cases.search).
    search_text = models.TextField(blank=True, editable=False)
    # The text's duplicate fingerprint (intel.duplicates): compared with a new
    # case's without re-reading every candidate's text.
    fingerprint = models.CharField(max_length=400, blank=True, editable=False, db_default="")
    urgency = models.CharField(
        _("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY
    )

    # Place: the area code is what every scope and rollup filters on.
    area = models.ForeignKey(
        "regions.Area", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="cases"
    )
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)

    # Reporter: optional; contact details encrypted, shown masked.
    reporter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    reporter_phone_encrypted = models.BinaryField(_("联系电话(加密)"), null=True, blank=True, editable=False)
    reporter_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Finds the same reporter's cases without decrypting (changan.crypto.digest).
    reporter_phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # The phone was confirmed by an SMS code: the report carries more weight,
    # the reporter gets SMS on each public step and can follow it on any phone.
    reporter_verified = models.BooleanField(_("电话已验证"), default=False)

    # Handling.
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    tier = models.PositiveSmallIntegerField(_("办理层级"), choices=Tier.choices, default=Tier.ONE_DEPARTMENT)
    lead_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("当前办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    extension_requested = models.BooleanField(_("申请延期中"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    publicity = models.CharField(
        _("公开"), max_length=8, choices=Publicity.choices, default=Publicity.DEFAULT, db_default="default"
    )
    me_too = models.PositiveIntegerField(_("“我也遇到”人次"), default=0)
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), choices=Satisfaction.choices, null=True, blank=True
    )
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)

    # Times and deadlines (the timers the worker sweeps).
    received_at = models.DateTimeField(_("登记时间"), default=clock.now)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("联系反映人时间"), null=True, blank=True)
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    respond_due_at = models.DateTimeField(_("响应时限"), null=True, blank=True)
    resolve_warn_at = models.DateTimeField(_("办理预警时间"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    sign_overdue = models.BooleanField(_("签收超时"), default=False)
    resolve_warned = models.BooleanField(_("已预警"), default=False)
    resolve_overdue = models.BooleanField(_("办理超时"), default=False)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["lead_unit", "status"]),
            # The work list pages newest first (keyset on received_at, id).
            models.Index(fields=["-received_at", "-id"], name="case_received_desc"),
            # Similar reports (duplicates, "me too"): a village's or nearby
            # grids' reports of the last weeks.
            models.Index(fields=["area", "-received_at"], name="case_area_received"),
            models.Index(fields=["grid", "-received_at"], name="case_grid_received"),
            # Data scopes are area-code prefixes (LIKE '410611%'): on PostgreSQL
            # a pattern-ops index answers them in any collation.
            models.Index(
                fields=["status", "area"],
                name="case_status_area_prefix",
                opclasses=["varchar_ops", "text_pattern_ops"],
            ),
            models.Index(
                fields=["area"],
                name="case_to_rate_area",
                opclasses=["text_pattern_ops"],
                condition=models.Q(status=Status.CLOSED, satisfaction=None),
            ),
            # Partial indexes keep the worker's sweeps cheap: only open cases
            # whose timer has not fired yet are in them.
            models.Index(
                fields=["resolve_warn_at"],
                name="case_warn_sweep",
                condition=models.Q(resolve_warned=False, status__in=RUNNING_STATUSES),
            ),
            models.Index(
                fields=["resolve_due_at"],
                name="case_overdue_sweep",
                condition=models.Q(resolve_overdue=False, status__in=RUNNING_STATUSES),
            ),
            models.Index(
                fields=["sign_due_at"],
                name="case_sign_sweep",
                condition=models.Q(sign_overdue=False, status=Status.DISPATCHED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")
    WHISTLE = "whistle", _("吹哨报到")


class CaseUnit(models.Model):
    """A unit taking part in a case: the lead, co-handlers, and units a
    whistle (吹哨) called in, which must acknowledge (报到) in time."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=10, choices=UnitRole.choices)
    active = models.BooleanField(_("有效"), default=True)
    ack_due_at = models.DateTimeField(_("报到时限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("参办单位")
        verbose_name_plural = _("参办单位")
        constraints = [models.UniqueConstraint(fields=["case", "unit", "role"], name="case_unit_role_unique")]
        indexes = [
            models.Index(fields=["unit", "active"]),
            models.Index(
                fields=["ack_due_at"],
                name="whistle_ack_sweep",
                condition=models.Q(role="whistle", active=True, acknowledged_at=None, escalated_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.unit_id}:{self.role}"


EVENT_LABELS = {
    "receive": _("登记"),
    "accept": _("受理"),
    "reject": _("不予受理"),
    "answer": _("直接答复"),
    "self_handle": _("自办"),
    "dispatch": _("派遣"),
    "sign": _("签收"),
    "return": _("退回"),
    "reassign": _("改派"),
    "contact": _("联系反映人"),
    "request_extension": _("申请延期"),
    "grant_extension": _("批准延期"),
    "refuse_extension": _("驳回延期"),
    "suspend": _("挂起"),
    "resume": _("恢复办理"),
    "reply": _("反馈"),
    "verify": _("核查"),
    "rate": _("评价"),
    "reopen": _("重办"),
    "merge": _("合并"),
    "merged_in": _("并入重复件"),
    "supervise": _("督办"),
    "set_publicity": _("公开设置"),
    "escalate": _("升级"),
    "whistle": _("吹哨"),
    "acknowledge": _("报到"),
    "warn": _("超期预警"),
    "overdue": _("超期"),
    "sign_overdue": _("签收超时"),
    "whistle_overdue": _("吹哨未报到"),
    "follow_up": _("反映人补充说明"),
    "me_too": _("我也遇到"),
    "dispute_register": _("登记矛盾纠纷"),  # (the core's: register_dispute)
}

# The labels of the events apps above the core declare (cases.services.kinds.declare_event).
DECLARED_LABELS: dict[str, str] = {}


class CaseEvent(models.Model):
    """One action on a case. Append-only: rows are never updated or deleted
    (the database refuses it with a trigger); timelines and figures are
    computed from them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    note = models.TextField(_("说明"), blank=True)
    # Deadline changes ({"resolve_due_at": [old, new]}), attachments, targets…
    data = models.JSONField(_("数据"), default=dict, blank=True)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("案件日志")
        verbose_name_plural = _("案件日志")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("案件日志只能追加 / case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("案件日志只能追加 / case events are append-only")

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action) or DECLARED_LABELS.get(self.action, self.action))


class TimeUnit(models.TextChoices):
    WORKING_MINUTES = "working_minutes", _("工作分钟")
    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_MINUTES = "natural_minutes", _("自然分钟")


class TimeLimitRule(models.Model):
    """Time limits for a category × urgency × region; the most specific rule
    that matches a case wins (deeper category, then deeper area, then one
    naming the urgency)."""

    category = models.ForeignKey(
        Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.CASCADE
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sign_minutes = models.PositiveIntegerField(_("签收时限(工作分钟)"), default=60)
    respond_minutes = models.PositiveIntegerField(_("响应时限(自然分钟)"), default=24 * 60)
    resolve_amount = models.PositiveIntegerField(_("办理时限"))
    resolve_unit = models.CharField(_("时限单位"), max_length=16, choices=TimeUnit.choices)
    warn_share = models.FloatField(_("预警比例"), default=0.8, help_text=_("用去此比例的时限时预警，如 0.8"))
    whistle_ack_minutes = models.PositiveIntegerField(_("吹哨报到时限(工作分钟)"), default=60)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        ordering = ["category_id", "area_id", "urgency"]

    def __str__(self) -> str:
        scope = " / ".join(
            str(x)
            for x in (self.category, self.area, self.get_urgency_display() if self.urgency else None)
            if x
        )
        return f"{scope or _('默认')}: {self.resolve_amount} {self.get_resolve_unit_display()}"

    def clean(self) -> None:
        if not 0 < self.warn_share < 1:
            raise ValidationError({"warn_share": _("须在 0 和 1 之间 / must be between 0 and 1")})


class CaseNumberCounter(models.Model):
    """The last number handed out per day; incremented with one atomic
    UPSERT, so two transactions never get the same number."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"cases/{instance.case.number[:6]}/{instance.case.number}/{filename}"


class Attachment(models.Model):
    """A photo on a case (from the reporter or staff), stored re-encoded
    without EXIF, with a thumbnail."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    image = models.FileField(_("图片"), upload_to=_attachment_path)
    thumbnail = models.FileField(_("缩略图"), upload_to=_attachment_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    source = models.CharField(_("来源"), max_length=20, default="reporter")
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.image.name


class SavedFilter(models.Model):
    """A staff member's named list filter (常用筛选), kept as its query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("筛选条件"), max_length=1000)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedfilter_unique_name")]

    def __str__(self) -> str:
        return self.name
