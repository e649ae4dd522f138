"""Writes of the early-warning engine: the nightly run that stores the
day's signals, and the analyst's decision on a signal."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import RoleCode
from accounts.scope import scope_of
from changan import clock
from earlywarning import engine
from earlywarning.models import Decision, Run, Signal
from earlywarning.snapshot import take

log = logging.getLogger("changan.earlywarning")
Progress = Callable[[str], None]
STALE_RUN = dt.timedelta(hours=3)  # a run that started this long ago and never finished died
CATCH_UP_DAYS = 7  # a worker that was down judges the days it missed, this far back
ENTITY_LENGTH = Signal._meta.get_field("entity").max_length


def parameters() -> engine.Parameters:
    try:
        return engine.Parameters(**settings.EARLY_WARNING)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"EARLY_WARNING: {exc}") from exc


def run_early_warning(*, day: dt.date, progress: Progress = lambda step: None) -> Run:
    """Judge ``day``: read the cases of the period ending with it, run every
    detector and store what they found as signals (ranked, strongest and
    most specific first). Running a day again replaces its undecided
    signals; the ones an analyst already decided are kept as they are."""
    params = parameters()
    started = time.monotonic()
    progress("读取案件 reading cases")
    snapshot = take(day=day, days=params.history_days)
    findings, tested = engine.analyse(snapshot, params, progress=progress)
    progress("保存信号 saving signals")
    with transaction.atomic():
        run, _ = Run.objects.update_or_create(
            day=day, defaults={"started_at": clock.now(), "finished_at": None}
        )
        # (locked, so a decision cannot slip in between reading and replacing)
        current = list(run.found.select_for_update())
        kept = {_identity(s): s for s in current if s.decision != Decision.OPEN}
        run.found.filter(decision=Decision.OPEN).delete()
        stored: list[Signal] = []
        for rank, finding in enumerate(findings, start=1):
            signal = kept.pop(_identity(finding), None)  # a decided signal stands for one finding only
            if signal is None:
                signal = _store(run, day, rank, finding)
            elif signal.rank != rank:
                signal.rank = rank
                signal.save(update_fields=["rank"])
            stored.append(signal)
        for finding, signal in zip(findings, stored, strict=True):
            if finding.explained_by >= 0 and signal.decision == Decision.OPEN:
                signal.explained_by = stored[finding.explained_by]
                signal.save(update_fields=["explained_by"])
        run.cases = len(snapshot.case_id)
        run.series = tested
        run.signals = len(stored)
        run.seconds = round(time.monotonic() - started, 2)
        run.finished_at = clock.now()
        run.parameters = params.as_dict()
        run.save()
    log.info("early warning %s: %s signals from %s series (%.1f s)", day, run.signals, tested, run.seconds)
    return run


def _identity(item) -> tuple:
    area = item.area_id if isinstance(item, Signal) else item.area_code
    category = item.category_id if isinstance(item, Signal) else item.category_code
    return (item.kind, item.method, area, category or None, item.entity[:ENTITY_LENGTH], item.window_days)


def _store(run: Run, day: dt.date, rank: int, f: engine.Finding) -> Signal:
    signal = Signal.objects.create(
        run=run,
        day=day,
        kind=f.kind,
        method=f.method,
        area_id=f.area_code,
        category_id=f.category_code or None,
        entity=f.entity[:ENTITY_LENGTH],
        window_days=f.window_days,
        observed=f.observed,
        expected=f.expected,
        upperbound=f.upperbound,
        score=f.score,
        p_value=f.p_value,
        rank=rank,
        detail=f.detail,
    )
    signal.cases.set(f.case_ids)
    return signal


def run_due(*, now: dt.datetime | None = None) -> Run | None:
    """The worker's nightly step: after ``EARLY_WARNING_HOUR`` judge
    yesterday once — and any of the ``CATCH_UP_DAYS`` days before it that
    have no finished run (the worker was down). Each day's run row is
    claimed first (the day is unique), so two workers never judge the same
    day; a run that died is taken over. Returns the last run made."""
    now = clock.localtime(now)
    if now.hour < settings.EARLY_WARNING_HOUR:
        return None
    yesterday = now.date() - dt.timedelta(days=1)
    days = [yesterday - dt.timedelta(days=n) for n in range(CATCH_UP_DAYS - 1, -1, -1)]
    done = set(Run.objects.filter(day__in=days).exclude(finished_at=None).values_list("day", flat=True))
    last = None
    for day in (d for d in days if d not in done):
        if _claim(day, now):
            try:
                last = run_early_warning(day=day)
            except Exception:
                # The claim stays unfinished, so a later pass takes the day over
                # (STALE_RUN); the worker's other duties go on meanwhile.
                log.exception("early warning for %s failed", day)
    return last


def _claim(day: dt.date, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            Run.objects.create(day=day, started_at=now)
        return True
    except IntegrityError:
        stale = Run.objects.filter(day=day, finished_at=None, started_at__lt=now - STALE_RUN)
        return bool(stale.update(started_at=now))


def may_decide(user) -> bool:
    return user.is_superuser or user.has_role(RoleCode.ANALYST) or user.has_role(RoleCode.LEADER)


@transaction.atomic
def decide(*, signal: Signal, by, decision: str, reason: str = "") -> Signal:
    """An analyst's verdict: confirm (it becomes a risk to handle) or dismiss
    with a reason. Both are kept to measure the engine's precision; a
    decided signal is not decided again."""
    if not may_decide(by) or not scope_of(by).covers_area(signal.area_id):
        raise PermissionDenied(
            "只有辖区内的分析员或领导可以研判信号 / only an analyst or leader of the area may decide"
        )
    signal = Signal.objects.select_for_update().get(pk=signal.pk)
    if signal.decision != Decision.OPEN:
        raise ValidationError("该信号已研判 / this signal has already been decided")
    if decision not in (Decision.CONFIRMED, Decision.DISMISSED):
        raise ValidationError("研判结论只能是确认或排除 / the decision is confirm or dismiss")
    reason = reason.strip()
    if decision == Decision.DISMISSED and not reason:
        raise ValidationError({"reason": "排除信号须说明理由 / a dismissal needs a reason"})
    signal.decision, signal.reason = decision, reason
    signal.decided_by, signal.decided_at = by, clock.now()
    signal.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    return signal
