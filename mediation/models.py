"""A dispute (矛盾纠纷) is a case of kind ``dispute`` with these records of
its own: the parties, the mediator chosen from the pool, and one record per
step of the five-step method 选·进·稳·调·清. The case core's lifecycle and
event log carry it; these models hold data and invariants, the steps'
rules live in ``services/``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleCode
from changan import clock
from orgs.models import OrgUnitKind


class DisputeType(models.Model):
    """纠纷类型, configurable in the admin; ``category`` is the case class a
    dispute of this type is filed under."""

    code = models.CharField(_("代码"), max_length=32, primary_key=True)
    name = models.CharField(_("名称"), max_length=40)
    category = models.ForeignKey(
        "cases.Category", verbose_name=_("对应案件分类"), null=True, blank=True, on_delete=models.SET_NULL
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("纠纷类型")
        verbose_name_plural = _("纠纷类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class MediatorKind(models.TextChoices):
    # In the order mediators are preferred: professional and industry
    # mediation first, the committees of the village and township behind.
    PROFESSIONAL = "professional", _("专业调解")
    INDUSTRY = "industry", _("行业性调解")
    TOWNSHIP = "township", _("乡镇(街道)人民调解委员会")
    VILLAGE = "village", _("村(社区)人民调解委员会")


class Mediator(models.Model):
    """A mediator of the pool (调解员库): a staff account in a mediation
    committee, with what they know and where they live (for conflicts of
    interest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="mediator"
    )
    committee = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属调解组织"), on_delete=models.PROTECT, related_name="mediators"
    )
    kind = models.CharField(_("调解力量类型"), max_length=16, choices=MediatorKind.choices)
    expertise = models.ManyToManyField(DisputeType, verbose_name=_("擅长纠纷类型"), blank=True)
    home_area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("居住村(社区)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    home_grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("居住网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    max_load = models.PositiveSmallIntegerField(_("同时承办上限"), default=8)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["committee_id", "user_id"]

    def __str__(self) -> str:
        return self.user.full_name or self.user.username

    def clean(self) -> None:
        # The case goes to the committee and its staff handle it: the account
        # must belong to that committee and carry the mediator role.
        errors = {}
        if self.committee_id and self.committee.kind != OrgUnitKind.MEDIATION_COMMITTEE:
            errors["committee"] = _("须为调解委员会 / must be a mediation committee")
        if self.user_id and self.committee_id and self.user.org_unit_id != self.committee_id:
            errors["user"] = _("账号所属单位须为该调解委员会 / the account must belong to the committee")
        elif self.user_id and not self.user.has_role(RoleCode.MEDIATOR):
            errors["user"] = _("账号须有调解员角色 / the account needs the mediator role")
        if errors:
            raise ValidationError(errors)


class MediatorTie(models.Model):
    """A relation the mediator declared (回避申报): a relative, a business
    partner … A party matching it excludes the mediator."""

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="ties")
    person_name = models.CharField(_("姓名/名称"), max_length=100)
    id_digest = models.CharField(max_length=64, blank=True, editable=False)
    relation = models.CharField(_("关系"), max_length=40)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")

    def __str__(self) -> str:
        return f"{self.person_name}（{self.relation}）"


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员排查")
    QR = "qr", _("码上调(扫码)")
    HOTLINE = "hotline", _("12345热线")
    PETITION = "petition", _("信访")
    POLICE_110 = "police_110", _("110转办")
    COURT = "court", _("法院委派")
    WALK_IN = "walk_in", _("当事人申请")


class Level(models.TextChoices):
    """Where the dispute is settled (小事不出村、大事不出镇、矛盾不上交)."""

    VILLAGE = "village", _("简易：村(社区)")
    TOWNSHIP = "township", _("一般：乡镇(街道)")
    COUNTY = "county", _("复杂：县(区)，领导包案")


class Risk(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class Step(models.TextChoices):
    """The five steps, in order; ``done`` after the case is cleared."""

    CHOOSE = "choose", _("选：选定调解力量")
    ENTER = "enter", _("进：入户走访")
    STABILISE = "stabilise", _("稳：风险评估稳控")
    MEDIATE = "mediate", _("调：调解")
    CLEAR = "clear", _("清：履行回访")
    DONE = "done", _("案结事了")


STEP_ORDER = list(Step.values)


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成协议")
    PARTIAL = "partial", _("部分达成协议")
    FAILED = "failed", _("调解不成")


class Route(models.TextChoices):
    """Where a dispute goes when mediation fails (告知其他途径)."""

    LITIGATION = "litigation", _("诉讼")
    ARBITRATION = "arbitration", _("仲裁")
    ADMINISTRATIVE = "administrative", _("行政途径")


class Dispute(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="dispute")
    dispute_type = models.ForeignKey(DisputeType, verbose_name=_("纠纷类型"), on_delete=models.PROTECT)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    level = models.CharField(_("调处层级"), max_length=10, choices=Level.choices, default=Level.VILLAGE)
    amount = models.DecimalField(_("争议金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    summary = models.TextField(_("纠纷简要情况"))
    risk = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    risk_reasons = models.TextField(_("风险理由"), blank=True)
    step = models.CharField(_("当前步骤"), max_length=10, choices=Step.choices, default=Step.CHOOSE)
    mediator = models.ForeignKey(
        Mediator,
        verbose_name=_("主持调解员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"), default=clock.now)
    started_at = models.DateTimeField(_("开始调解"), null=True, blank=True)  # the mediator was chosen
    due_at = models.DateTimeField(_("调解期限"), null=True, blank=True)
    # The current step's time limit (working days, MEDIATION_STEP_WORKDAYS).
    step_due_at = models.DateTimeField(_("本步骤时限"), null=True, blank=True)
    step_overdue = models.BooleanField(_("本步骤超时"), default=False)
    # The next check of a high risk (每日跟踪) until the level drops.
    risk_check_due_at = models.DateTimeField(_("下次风险跟踪"), null=True, blank=True)
    outcome = models.CharField(_("调解结果"), max_length=10, choices=Outcome.choices, blank=True)
    concluded_at = models.DateTimeField(_("调解结束时间"), null=True, blank=True)
    route = models.CharField(_("告知途径"), max_length=16, choices=Route.choices, blank=True)
    handed_over_at = models.DateTimeField(_("移交时间"), null=True, blank=True)
    handed_over_to = models.CharField(_("移交至"), max_length=100, blank=True)
    cleared_at = models.DateTimeField(_("案结事了时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["mediator", "step"]),
            models.Index(
                fields=["risk_check_due_at"], name="dispute_risk_sweep", condition=models.Q(risk="high")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.dispute_type}"

    @property
    def step_index(self) -> int:
        return STEP_ORDER.index(self.step)


class Side(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    THIRD = "third", _("第三人")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("单位")


class Party(models.Model):
    """当事人. Contact and ID numbers are stored encrypted and shown masked;
    their digests find a party again (and a mediator's declared ties)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=12, choices=Side.choices)
    kind = models.CharField(_("类型"), max_length=14, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    gender = models.CharField(_("性别"), max_length=2, blank=True, choices=[("男", _("男")), ("女", _("女"))])
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=10, blank=True)
    occupation = models.CharField(_("职业/法定代表人"), max_length=60, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("居住网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    id_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=24, blank=True)
    id_digest = models.CharField(max_length=64, blank=True, editable=False)
    phone_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    vulnerable = models.BooleanField(_("弱势群体(老幼病残孕等)"), default=False)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "side", "pk"]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """进: a visit before mediation (走访) or a follow-up after it (回访)."""

    class Purpose(models.TextChoices):
        INVESTIGATE = "investigate", _("入户走访")
        FOLLOW_UP = "follow_up", _("回访")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="visits")
    purpose = models.CharField(_("类型"), max_length=12, choices=Purpose.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+"
    )
    companions = models.CharField(_("同行人员"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    met = models.CharField(_("走访对象"), max_length=200)
    findings = models.TextField(_("了解情况"))
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 6)]
    )
    photos = models.ManyToManyField("cases.Attachment", blank=True, related_name="+")

    class Meta:
        verbose_name = _("走访/回访记录")
        verbose_name_plural = _("走访/回访记录")
        ordering = ["dispute", "at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.at:%Y-%m-%d}"


class RiskAssessment(models.Model):
    """稳: what could go wrong, how bad, and what is done to contain it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="assessments")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    violence = models.BooleanField(_("有暴力倾向或过激言行"), default=False)
    escalation = models.BooleanField(_("有激化升级迹象(扬言上访、极端行为等)"), default=False)
    group_size = models.PositiveIntegerField(_("涉及人数"), default=0)
    vulnerable = models.BooleanField(_("涉及弱势群体"), default=False)
    level = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices)
    reasons = models.TextField(_("评估理由"))
    measures = models.TextField(_("稳控措施"))

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["dispute", "at"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.at:%Y-%m-%d}"


class Session(models.Model):
    """调: one mediation session and its minutes (调解笔录)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    attendees = models.CharField(_("参加人员"), max_length=300)
    minutes = models.TextField(_("调解笔录"))

    class Meta:
        verbose_name = _("调解笔录")
        verbose_name_plural = _("调解笔录")
        ordering = ["dispute", "at"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.at:%Y-%m-%d}"


class Agreement(models.Model):
    """调解协议书 (人民调解法 第28–29条): takes effect when the parties and the
    mediator have signed and the committee has sealed it."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="agreement")
    number = models.CharField(_("协议书编号"), max_length=40, unique=True)
    # The committee that made it (its seal is on it), whatever the mediator does later.
    committee = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("调解委员会"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField(_("纠纷主要事实、争议事项及各方责任"))
    terms = models.TextField(_("达成协议的内容"))
    performance = models.TextField(_("履行方式、地点、期限"))
    partial = models.BooleanField(_("部分达成"), default=False)
    drafted_at = models.DateTimeField(_("拟定时间"))
    signed_at = models.DateTimeField(_("签署生效时间"), null=True, blank=True)
    # 司法确认: applied for within 30 days of the agreement taking effect.
    confirmation_due = models.DateField(_("申请司法确认截止日"), null=True, blank=True)
    confirmation_warn_on = models.DateField(_("司法确认提醒日"), null=True, blank=True)
    confirmation_warned = models.BooleanField(default=False)
    confirmation_applied_on = models.DateField(_("申请司法确认日期"), null=True, blank=True)
    confirmation_court = models.CharField(_("受理法院"), max_length=100, blank=True)
    confirmation_decided_on = models.DateField(_("裁定日期"), null=True, blank=True)
    confirmation_result = models.CharField(
        _("司法确认结果"),
        max_length=12,
        blank=True,
        choices=[("confirmed", _("确认有效")), ("rejected", _("驳回申请"))],
    )
    confirmation_waived = models.BooleanField(_("当事人不申请司法确认"), default=False)

    class Meta:
        verbose_name = _("调解协议书")
        verbose_name_plural = _("调解协议书")

    def __str__(self) -> str:
        return self.number


class Obligation(models.Model):
    """What one party agreed to do, by when (履行事项)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    party = models.ForeignKey(Party, verbose_name=_("履行方"), on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("履行事项"), max_length=300)
    due_on = models.DateField(_("履行期限"))
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)
    note = models.CharField(_("履行情况"), max_length=300, blank=True)
    overdue_noted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("履行事项")
        verbose_name_plural = _("履行事项")
        ordering = ["agreement", "due_on", "pk"]

    def __str__(self) -> str:
        return self.what


class Appointment(models.Model):
    """A visit, session or follow-up the mediator has planned (约定): the
    workspace lists today's; recording the visit or session marks it done."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("入户走访")
        SESSION = "session", _("调解")
        FOLLOW_UP = "follow_up", _("回访")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        verbose_name = _("工作安排")
        verbose_name_plural = _("工作安排")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
