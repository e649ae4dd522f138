"""The five-step mediation 选·进·稳·调·清, one service per step, each with
the record the step requires. A dispute rides the case core: registering
it makes the case kind ``dispute``; choosing the mediator dispatches the
case to their committee; the mediator signs for it like any handler; the
steps write their events into the case's one event log (the figures read
them from there); clearing the dispute replies on the case, and the
dispatcher's verification closes (archives) it.

Steps move forward by themselves when their record is complete (a visit
completes 进, an assessment 稳, a signed agreement or a failure 调); a step
whose record is missing refuses the next one and says what is missing.

One module per step — ``choose`` (选, with registration), ``enter`` (进),
``stabilise`` (稳), ``mediate`` (调), ``clear`` (清) — the worker's pass in
``sweep``, what they share in ``base``, and which steps a user may take now
in ``steps``. Callers use this package:
``from mediation import services; services.record_visit(...)`` (the
functions ``clear`` and ``sweep`` are the package's names for those two
services, not the modules)."""

from mediation.services.base import StepRefused, is_coordinator
from mediation.services.choose import (
    SOURCE_OF_CHANNEL,
    PartyInput,
    check_register,
    choose_mediator,
    mask_id,
    normalise_id,
    register,
)
from mediation.services.clear import (
    clear,
    clear_blockers,
    hand_over,
    record_confirmation,
    record_follow_up,
    record_performance,
)
from mediation.services.enter import plan, record_visit, sign_for
from mediation.services.mediate import (
    Conclusion,
    ObligationInput,
    conclude,
    extend,
    record_session,
    sign_agreement,
)
from mediation.services.stabilise import RISK_RANK, assess_risk, minimum_level, police_liaison
from mediation.services.steps import STEP_CHECKS, allowed_steps
from mediation.services.sweep import SweepReport, sweep

__all__ = [
    "RISK_RANK",
    "SOURCE_OF_CHANNEL",
    "STEP_CHECKS",
    "Conclusion",
    "ObligationInput",
    "PartyInput",
    "StepRefused",
    "SweepReport",
    "allowed_steps",
    "assess_risk",
    "check_register",
    "choose_mediator",
    "clear",
    "clear_blockers",
    "conclude",
    "extend",
    "hand_over",
    "is_coordinator",
    "mask_id",
    "minimum_level",
    "normalise_id",
    "plan",
    "police_liaison",
    "record_confirmation",
    "record_follow_up",
    "record_performance",
    "record_session",
    "record_visit",
    "register",
    "sign_agreement",
    "sign_for",
    "sweep",
]
