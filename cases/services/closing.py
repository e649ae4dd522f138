"""The end of a case's journey: the unit's reply (反馈), the dispatcher's
check (核查) that closes it or sends it back, the rating (评价, 回访) and
reopening (重办)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from cases.models import Case, Satisfaction, Status
from cases.services.records import (
    close_flags,
    deadlines_of,
    dispatchers_for,
    lock,
    record,
    require,
    response_flags,
    set_deadlines,
    unit_staff,
)
from cases.services.rules import check
from changan import clock
from notify.services import notify


@transaction.atomic
def reply(*, case: Case, by, result: str, evidence: Sequence[str] = ()) -> Case:
    """反馈: the unit reports what it did, with evidence (file references)."""
    require(result.strip(), "反馈须写明办理结果 / the result is required")
    case = lock(case)
    check(case, "reply", by)
    old, now = case.status, clock.now()
    flags = response_flags(case, now)
    case.status, case.replied_at = Status.REPLIED, now
    case.responded_at = case.responded_at or now
    case.save()
    record(case, "reply", by, from_status=old, note=result, data={"evidence": list(evidence), **flags})
    notify(
        recipients=dispatchers_for(case),
        case=case,
        kind="case_replied",
        title=f"案件待核查：{case.number}",
        body=result[:200],
    )
    return case


@transaction.atomic
def verify(*, case: Case, by, passed: bool, note: str = "") -> Case:
    """核查: pass closes the case (结案); fail sends it back for rework (返工)."""
    if not passed:
        require(note.strip(), "核查不通过须说明原因 / say why it failed")
    case = lock(case)
    check(case, "verify", by)
    old, now = case.status, clock.now()
    flags = close_flags(case, now) if passed else {}
    if passed:
        case.status, case.closed_at = Status.CLOSED, now
    else:
        case.status = Status.HANDLING
    case.save()
    record(case, "verify", by, from_status=old, note=note, data={"passed": passed, **flags})
    if not passed:
        notify(
            recipients=unit_staff([case.lead_unit_id]),
            case=case,
            kind="case_rework",
            title=f"核查未通过，请返工：{case.number}",
            body=note,
        )
    return case


@transaction.atomic
def rate(*, case: Case, by, satisfaction: int, solved: bool, note: str = "") -> Case:
    """评价 (回访): five levels and whether the problem was solved."""
    case = lock(case)
    check(case, "rate", by)
    # A new rating (after 重办) replaces the old one in the figures.
    earlier = case.events.filter(action="rate").order_by("-seq").values_list("data", flat=True).first()
    case.satisfaction, case.solved = Satisfaction(satisfaction), solved
    case.save()
    data = {"satisfaction": int(satisfaction), "solved": solved}
    if earlier:
        data["previous"] = {"satisfaction": earlier["satisfaction"], "solved": earlier["solved"]}
    record(case, "rate", by, from_status=case.status, note=note, data=data)
    return case


@transaction.atomic
def reopen(*, case: Case, by, reason: str) -> Case:
    """重办: an unsolved or dissatisfied case goes back to its unit with new
    deadlines (once, within the configured days of closing)."""
    require(reason.strip(), "重办须说明理由 / a reason is required")
    case = lock(case)
    check(case, "reopen", by)
    before, old, now = deadlines_of(case), case.status, clock.now()
    case.closed_at = case.replied_at = case.satisfaction = case.solved = None
    case.reopen_count += 1
    if case.lead_unit_id is None:
        # A directly answered consultation: back to the dispatcher to send on.
        case.status = Status.ACCEPTED
    else:
        case.status, case.dispatched_at = Status.DISPATCHED, now
        set_deadlines(case, now)
    case.save()
    record(case, "reopen", by, from_status=old, note=reason, before=before)
    notify(
        recipients=unit_staff([case.lead_unit_id]),
        case=case,
        kind="case_reopened",
        title=f"重办案件：{case.number}",
        body=reason,
    )
    return case
