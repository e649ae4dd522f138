"""The events mediation appends to a dispute's case (``cases.services.kinds``),
declared with who may append each: the coordinator (综治中心) choosing the
mediator, the dispute's mediator recording a step, or the worker's sweep.
Declared in ``MediationConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services as cases
from cases.models import Case
from mediation.models import Dispute
from mediation.services.base import is_coordinator

LABELS = {  # on the case's timeline
    "mediator_choose": gettext_lazy("选定调解员"),
    "mediation_deadline": gettext_lazy("调解期限"),
    "mediation_visit": gettext_lazy("入户走访"),
    "risk_assess": gettext_lazy("风险评估"),
    "risk_check_due": gettext_lazy("高风险每日跟踪"),
    "mediation_session": gettext_lazy("调解"),
    "mediation_extend": gettext_lazy("调解延期"),
    "dispute_conclude": gettext_lazy("调解结果"),
    "agreement_sign": gettext_lazy("协议书签署生效"),
    "obligation_perform": gettext_lazy("协议履行"),
    "obligation_overdue": gettext_lazy("协议未按期履行"),
    "mediation_follow_up": gettext_lazy("回访"),
    "confirmation_apply": gettext_lazy("申请司法确认"),
    "confirmation_decide": gettext_lazy("司法确认裁定"),
    "confirmation_waive": gettext_lazy("不申请司法确认"),
    "confirmation_warn": gettext_lazy("司法确认期限提醒"),
    "dispute_hand_over": gettext_lazy("移交"),
    "step_overdue": gettext_lazy("调解步骤超时"),
    "dispute_clear": gettext_lazy("案结事了"),
}
BY_COORDINATOR = ("mediator_choose", "mediation_deadline")
BY_MEDIATOR = (
    "mediation_visit",
    "risk_assess",
    "mediation_session",
    "mediation_extend",
    "dispute_conclude",
    "agreement_sign",
    "obligation_perform",
    "mediation_follow_up",
    "confirmation_apply",
    "confirmation_decide",
    "confirmation_waive",
    "dispute_hand_over",
    "dispute_clear",
)
BY_WORKER = ("risk_check_due", "confirmation_warn", "obligation_overdue", "step_overdue")


def _dispute(case: Case) -> Dispute:
    dispute = Dispute.objects.filter(case=case).select_related("mediator").first()
    if dispute is None:
        raise cases.EventRefused(_("该案件不是已登记的矛盾纠纷"))
    return dispute


def by_coordinator(case: Case, by) -> None:
    _dispute(case)
    if not is_coordinator(by, case):
        raise cases.EventRefused(_("只有综治中心受理员可以记录"))


def by_mediator(case: Case, by) -> None:
    dispute = _dispute(case)
    mine = by is not None and (by.is_superuser or (dispute.mediator and dispute.mediator.user_id == by.pk))
    if not mine:
        raise cases.EventRefused(_("只有主持调解员可以记录"))


def by_worker(case: Case, by) -> None:
    _dispute(case)
    if by is not None:
        raise cases.EventRefused(_("该记录由系统生成"))


def declare() -> None:
    """Declare every event mediation appends, with its label on the timeline."""
    for names, check in (
        (BY_COORDINATOR, by_coordinator),
        (BY_MEDIATOR, by_mediator),
        (BY_WORKER, by_worker),
    ):
        for name in names:
            cases.declare_event(name, LABELS[name], check)
