"""Which steps a user may take on a dispute now: each step's guard is the
one its service runs first (after locking), so the pages and the API offer
exactly what the services would accept — short of the form's contents."""

from __future__ import annotations

from collections.abc import Callable

from mediation.models import Dispute
from mediation.services.base import StepRefused
from mediation.services.choose import check_choose
from mediation.services.clear import (
    check_clear,
    check_confirmation,
    check_follow_up,
    check_hand_over,
    check_perform,
)
from mediation.services.enter import check_plan, check_sign_case, check_visit
from mediation.services.mediate import check_conclude, check_extend, check_session, check_sign_agreement
from mediation.services.stabilise import check_assess

# The steps by name (the pages' and the API's), in the order of the method.
STEP_CHECKS: dict[str, Callable[[Dispute, object], None]] = {
    "choose": check_choose,  # 选
    "sign_case": check_sign_case,
    "plan": check_plan,
    "visit": check_visit,  # 进
    "assess": check_assess,  # 稳
    "session": check_session,  # 调
    "conclude": check_conclude,
    "sign_agreement": check_sign_agreement,
    "extend": check_extend,
    "perform": check_perform,  # 清
    "follow_up": check_follow_up,
    "confirmation": check_confirmation,
    "hand_over": check_hand_over,
    "clear": check_clear,
}


def allowed_steps(dispute: Dispute, user) -> list[str]:
    """The steps ``user`` may take on ``dispute`` now, in order."""
    allowed = []
    for name, check in STEP_CHECKS.items():
        try:
            check(dispute, user)
        except StepRefused:
            continue
        allowed.append(name)
    return allowed
