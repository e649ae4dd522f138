"""A case becomes a dispute (矛盾纠纷): the one change mediation makes to the
case itself — its kind, and for a complex dispute the leader who takes it on
(包案) — made here like every other action: the case locked, checked, changed
and its event recorded in one transaction. Mediation's own records (parties,
steps) live in ``mediation``; its events go through ``cases.services.kinds``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RoleCode, User
from accounts.scope import scope_of
from cases.models import Case, CaseEvent, CaseKind, Tier
from cases.services.kinds import EventRefused
from cases.services.records import lock, record
from cases.services.rules import ACTIONS


@transaction.atomic
def register_dispute(
    *, case: Case, by, leader: User | None = None, note: str = "", data: dict | None = None
) -> Case:
    """登记矛盾纠纷: the accepted case becomes a dispute, once, by the
    dispatcher who would send it on (to its mediation committee); with a
    ``leader`` (whose scope covers the case) it is taken on by them."""
    case = lock(case)
    dispatch = ACTIONS["dispatch"]  # the same desk, the same moment: accepted, not yet sent on
    if case.status not in dispatch.sources or not dispatch.who(by, case):
        raise EventRefused(_("只有综治中心受理员可以将待派遣的案件登记为矛盾纠纷"))
    if CaseEvent.objects.filter(case=case, action="dispute_register").exists():
        raise EventRefused(_("该案件已登记为矛盾纠纷"))
    if leader is not None and not (
        leader.has_role(RoleCode.LEADER) and scope_of(leader).covers_area(case.area_id)
    ):
        raise ValidationError({"leader": _("所选领导的数据范围不包含本案，不能包案")})
    case.kind = CaseKind.DISPUTE
    if leader is not None:
        case.tier, case.leader = Tier.LEADER, leader
    case.save(update_fields=["kind", "tier", "leader"])
    record(case, "dispute_register", by, from_status=case.status, note=note, data=data)
    return case
