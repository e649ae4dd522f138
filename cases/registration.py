"""Who may register (登记) a case: from which channel, of which kind, with
which urgency, and where.

One rule for every door a staff member registers through — the API
(``POST /api/v1/cases/``), the grid worker's phone page (``/field/``) and any
page to come — because ``cases.services.receive_cases`` checks it for each
case a staff user registers. Cases that arrive with no staff user behind them
(a resident's QR report, an Open311 client, a sensor feed) are not registered
by a role and are not checked here; the place still has to exist.

The table follows the practice the platform models:

- the 综治中心/12345 受理员 (dispatcher) registers what reaches the centre:
  calls, web messages, 110 hand-overs and transfers from above;
- the 网格员 (grid worker) reports what they find on patrol, from the
  grid-worker channel and only inside the grids they work or lead; marking a
  case 复杂 (a 15-working-day clock) is the dispatcher's call at acceptance;
- 承办人员, 调解员, 安全检查员, 分析员, 领导 and 系统管理员 register nothing:
  they receive, handle, read or configure. (A superuser is not limited.)

The user's data scope is checked on top of this, for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import RoleCode
from cases.models import CaseKind, Channel, Urgency
from regions.selectors import grids_of_worker


@dataclass(frozen=True)
class Registration:
    """What one role may register."""

    channels: frozenset[str]
    kinds: frozenset[str]
    urgencies: frozenset[str]
    # Only at a point inside one of the user's own grids (网格员).
    own_grids_only: bool = False


BY_ROLE: dict[str, Registration] = {
    RoleCode.DISPATCHER: Registration(
        channels=frozenset({Channel.HOTLINE, Channel.WEB, Channel.TRANSFER_110, Channel.TRANSFER_UP}),
        kinds=frozenset({CaseKind.APPEAL, CaseKind.DISPUTE, CaseKind.HAZARD}),
        urgencies=frozenset(Urgency.values),
    ),
    RoleCode.GRID_WORKER: Registration(
        channels=frozenset({Channel.GRID_WORKER}),
        kinds=frozenset({CaseKind.GRID_EVENT, CaseKind.APPEAL, CaseKind.DISPUTE, CaseKind.HAZARD}),
        urgencies=frozenset({Urgency.URGENT, Urgency.FAST, Urgency.ORDINARY}),
        own_grids_only=True,
    ),
}


def rules_for(user) -> list[Registration]:
    """The registration rules of the user's roles (none: the user registers nothing)."""
    return [BY_ROLE[code] for code in sorted(user.role_codes) if code in BY_ROLE]


def check_registration(user, *, channel: str, kind: str, urgency: str, grid_code: str) -> None:
    """Raise PermissionDenied, saying why, unless one of the user's roles may
    register a case of ``kind`` from ``channel`` with ``urgency`` at the point
    located in ``grid_code`` ("" when the point lies in no grid). The data
    scope is checked separately."""
    if user.is_superuser:
        return
    rules = rules_for(user)
    if not rules:
        raise PermissionDenied(_("您的角色不能登记案件"))
    rules = [r for r in rules if channel in r.channels]
    if not rules:
        label = Channel(channel).label
        raise PermissionDenied(_("您的角色不能登记来自「%(channel)s」的案件") % {"channel": label})
    rules = [r for r in rules if kind in r.kinds]
    if not rules:
        raise PermissionDenied(_("您的角色不能登记「%(kind)s」类案件") % {"kind": CaseKind(kind).label})
    rules = [r for r in rules if urgency in r.urgencies]
    if not rules:
        message = _("您的角色不能把案件登记为「%(urgency)s」，请由受理员受理时确定")
        raise PermissionDenied(message % {"urgency": Urgency(urgency).label})
    if all(r.own_grids_only for r in rules) and not (
        grid_code and grids_of_worker(user).filter(pk=grid_code).exists()
    ):
        raise PermissionDenied(_("网格员只能上报本人负责网格内的事件"))
