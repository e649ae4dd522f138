"""The worker's timer pass: warnings before a deadline, overdue marks (and
the tier they move a case to), overdue signing, whistles not answered."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from cases import hooks
from cases.models import RUNNING_STATUSES, Case, CaseEvent, CaseUnit, Status, Tier, UnitRole
from cases.services.records import Recipients, dispatchers_for, iso, record, when
from cases.services.sweeping import sweep_each
from changan import clock
from notify.services import Message, notify, notify_many

SYSTEM = None  # events written by the worker have no actor


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    sign_overdue: int = 0
    whistles_escalated: int = 0

    def total(self) -> int:
        return self.warned + self.overdue + self.sign_overdue + self.whistles_escalated


def sweep_timers(*, now: dt.datetime | None = None, batch: int = 500) -> SweepReport:
    """The worker's timer pass: warn at the configured share of the limit,
    mark overdue (and move an overdue case to the next tier), tell the
    dispatchers about overdue signing, escalate un-acknowledged whistles.

    Cases are claimed in batches under row locks that other workers skip; a
    batch's flags, events and notifications are written in one transaction,
    so a restart neither loses nor repeats anything."""
    now = now or clock.now()
    report = SweepReport()
    for timer in TIMERS:
        while True:
            ids = list(timer.due(now).order_by(timer.due_field).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            done = _sweep_batch(timer, ids, now)
            setattr(report, timer.report_field, getattr(report, timer.report_field) + done)
            if done == 0:
                break  # all locked by another worker, which will handle them
    report.whistles_escalated = _sweep_whistles(now, batch)
    return report


@dataclass(frozen=True)
class Timer:
    flag: str
    due_field: str
    statuses: tuple[str, ...]
    action: str
    report_field: str

    def due(self, now: dt.datetime):
        """Cases whose timer has run out and not fired yet (a partial index each)."""
        return Case.objects.filter(
            **{self.flag: False, f"{self.due_field}__lte": now}, status__in=self.statuses
        )


TIMERS = (
    Timer("resolve_warned", "resolve_warn_at", RUNNING_STATUSES, "warn", "warned"),
    Timer("resolve_overdue", "resolve_due_at", RUNNING_STATUSES, "overdue", "overdue"),
    Timer("sign_overdue", "sign_due_at", (Status.DISPATCHED,), "sign_overdue", "sign_overdue"),
)


def _sweep_batch(timer: Timer, ids: list[int], now: dt.datetime) -> int:
    with transaction.atomic():
        # Re-checked under the lock: another worker may have fired it meanwhile.
        qs = timer.due(now).filter(pk__in=ids).select_related("lead_unit")
        cases = list(qs.select_for_update(of=("self",), skip_locked=True))
        if not cases:
            return 0
        pks = [c.pk for c in cases]
        Case.objects.filter(pk__in=pks).update(**{timer.flag: True})
        last = dict(
            CaseEvent.objects.filter(case_id__in=pks)
            .values("case_id")
            .annotate(m=Max("seq"))
            .values_list("case_id", "m")
        )
        people = Recipients()
        people.load_staff(c.lead_unit_id for c in cases)
        events, messages, tier_up = [], [], []
        for case in cases:
            seq = last.get(case.pk, 0) + 1
            data = {"due": iso(getattr(case, timer.due_field))}
            events.append(_system_event(case, seq, timer.action, now, data=data))
            if timer.action == "warn":
                messages.append(
                    Message(people.staff(case.lead_unit_id), f"即将超期：{case.number}", "case_warning",
                            f"办理时限 {when(case.resolve_due_at)}", case)
                )  # fmt: skip
            elif timer.action == "overdue":
                if case.tier < Tier.LEADER - 1:
                    # Overdue moves the case to the next tier (one department →
                    # several); a leader taking it (包案) stays a decision.
                    tier_up.append(case.pk)
                    events.append(
                        _system_event(case, seq + 1, "escalate", now, note="超期自动升级 / overdue",
                                      data={"tier": int(Tier.SEVERAL_DEPARTMENTS)})
                    )  # fmt: skip
                messages.append(
                    Message([*people.staff(case.lead_unit_id), *people.dispatchers(case)],
                            f"案件已超期：{case.number}", "case_overdue", case.title, case)
                )  # fmt: skip
            else:
                messages.append(
                    Message(people.dispatchers(case), f"签收超时：{case.number}", "sign_overdue",
                            f"{case.lead_unit} 未按时签收", case)
                )  # fmt: skip
        CaseEvent.objects.bulk_create(events)
        hooks.events_recorded((event.case, event) for event in events)
        if tier_up:
            Case.objects.filter(pk__in=tier_up).update(tier=Tier.SEVERAL_DEPARTMENTS)
        notify_many(messages)
    return len(cases)


def _system_event(
    case: Case, seq: int, action: str, at: dt.datetime, *, note: str = "", data=None
) -> CaseEvent:
    return CaseEvent(
        case=case, seq=seq, action=action, actor=None, unit=None, from_status=case.status,
        to_status=case.status, note=note, data=data or {}, at=at,
    )  # fmt: skip


def _sweep_whistles(now: dt.datetime, batch: int) -> int:
    """Escalate whistles not acknowledged in time, on cases still being
    handled. The case row is locked before the whistle row, the same order as
    ``acknowledge``, so the two never deadlock."""
    pending = CaseUnit.objects.filter(
        role=UnitRole.WHISTLE, active=True, acknowledged_at=None, escalated_at=None, ack_due_at__lte=now,
        case__status__in=(Status.DISPATCHED, Status.HANDLING),
    ).select_related("unit")  # fmt: skip

    def claim(row: CaseUnit) -> tuple[CaseUnit, Case] | None:
        cases = Case.objects.filter(pk=row.case_id, status__in=(Status.DISPATCHED, Status.HANDLING))
        case = cases.select_for_update(of=("self",), skip_locked=True).first()
        locked = pending.filter(pk=row.pk).select_for_update(of=("self",)).values_list("pk", flat=True)
        if case is None or locked.first() is None:
            return None  # handled meanwhile, or another worker holds the case
        CaseUnit.objects.filter(pk=row.pk).update(escalated_at=now)
        return row, case

    def fire(claimed: tuple[CaseUnit, Case]) -> None:
        row, case = claimed
        data = {"unit": row.unit_id}
        if case.tier < Tier.LEADER - 1:
            case.tier = Tier(case.tier + 1)
            case.save(update_fields=["tier"])
            data["tier"] = int(case.tier)
        record(case, "whistle_overdue", SYSTEM, from_status=case.status, at=now, data=data)
        parent = row.unit.parent_id
        parent_staff = list(User.objects.filter(org_unit_id=parent, is_active=True)) if parent else []
        notify(
            recipients=[*dispatchers_for(case), *parent_staff],
            case=case,
            kind="whistle_overdue",
            title=f"吹哨未报到：{case.number}",
            body=f"{row.unit} 未按时报到",
        )

    return sweep_each(list(pending.order_by("ack_due_at")[: batch * 20]), claim=claim, fire=fire)
