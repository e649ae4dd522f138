"""Writes of the triage app. The case services call these through
``cases.hooks`` (registered in ``TriageConfig.ready``), inside their own
transaction: ``classify`` before new cases are written (it proposes a
category and appeal type, which the case core fills in where blank),
``record`` after (route, duplicates, the stored suggestion), ``note_choice``
when a person decides otherwise."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from cases.hooks import Proposal
from cases.models import Case, Category
from intel.duplicates import appeal_text
from triage import engines
from triage.models import Override, OverrideField, Triage
from triage.routing import routes
from triage.selectors import current_route, duplicates_of

log = logging.getLogger(__name__)


@dataclass
class Classified(Proposal):
    """What the models said about one new case, before it is written; its
    ``fields`` are what the case core fills in."""

    categories: list[dict] = field(default_factory=list)
    confidence: float = 0.0
    appeal_type: str = ""
    appeal_type_confidence: float = 0.0
    sectors: list[dict] = field(default_factory=list)
    prefilled: list[str] = field(default_factory=list)
    needs_human: bool = False
    families: frozenset[str] = frozenset()  # the first-level codes the model can suggest


def _level_one() -> dict[str, Category]:
    return {c.name: c for c in Category.objects.filter(level=1, is_active=True)}


def classify(cases: Sequence[Case]) -> list[Classified]:
    """Suggest category, appeal type and department line for new cases (one
    batch through each model). A case that arrived without a category gets
    the suggestion when the model is confident enough (proposed in
    ``fields``: the case core fills it in), and otherwise waits for a
    dispatcher (人工研判); a blank appeal type is proposed the same way.
    What a person already chose is never replaced."""
    try:
        return _classify(cases)
    except Exception:  # the intelligence must never cost a resident their report
        log.exception("classifying %d new cases failed; they are received unclassified", len(cases))
        return [Classified(needs_human=c.category_id is None) for c in cases]


def _classify(cases: Sequence[Case]) -> list[Classified]:
    texts = [appeal_text(c.title, c.description) for c in cases]
    out = [Classified() for _ in cases]
    if not cases:
        return out
    threshold = settings.TRIAGE_CONFIDENCE
    if (model := engines.category_model()) is not None:
        known = _level_one()
        families = frozenset(known[label].code for label in model.labels if label in known)
        for case, result, top in zip(cases, out, model.suggest(texts, top=3), strict=True):
            result.categories = [
                {
                    "code": known[s.label].code if s.label in known else "",
                    "name": s.label,
                    "confidence": round(s.confidence, 4),
                }
                for s in top
            ]
            result.confidence = round(top[0].confidence, 4) if top else 0.0
            result.families = families
            if case.category_id is None:
                best = known.get(top[0].label) if top else None
                if best is not None and result.confidence >= threshold:
                    result.fields["category"] = best
                    result.prefilled.append("category")
                else:
                    result.needs_human = True
    else:  # no model: every unclassified case waits for a person
        for case, result in zip(cases, out, strict=True):
            result.needs_human = case.category_id is None
    if (model := engines.appeal_type_model()) is not None:
        for case, result, best in zip(cases, out, model.predict(texts), strict=True):
            result.appeal_type, result.appeal_type_confidence = best.code, round(best.confidence, 4)
            if not case.appeal_type and best.confidence >= threshold:
                result.fields["appeal_type"] = best.code
                result.prefilled.append("appeal_type")
    if (model := engines.router_model()) is not None:
        for result, top in zip(out, model.suggest(texts, top=3), strict=True):
            result.sectors = [{"sector": s.label, "confidence": round(s.confidence, 4)} for s in top]
    return out


def record(cases: Sequence[Case], classified: Sequence[Classified], *, by=None) -> list[Triage]:
    """Route each written case, look for its duplicates (one query for the
    batch) and keep what was suggested (``Triage``). A category the person
    registering the case chose against the suggestion is an override too.
    A failure here is logged and the cases are kept without triage: the
    intelligence must never cost a resident their report."""
    try:
        with transaction.atomic():  # a savepoint: the cases stay if this fails
            return _record(cases, classified, by)
    except Exception:
        log.exception("triage of %d new cases failed; they are received without it", len(cases))
        return []


def _record(cases: Sequence[Case], classified: Sequence[Classified], by) -> list[Triage]:
    found = routes(
        [
            (c.category, c.area_id, r.sectors[0]["sector"] if r.sectors else "")
            for c, r in zip(cases, classified, strict=True)
        ]
    )
    # A request (a resident, an operator, a grid worker) gets its duplicates
    # at once; a large import leaves them to the worker (check_duplicates).
    inline = len(cases) <= settings.DUPLICATE_INLINE_BATCH
    similar = duplicates_of(cases) if inline else [[] for _ in cases]
    rows, overrides = [], []
    for case, result, route, found_similar in zip(cases, classified, found, similar, strict=True):
        rows.append(
            Triage(
                case=case,
                model_version=engines.version(),
                categories=result.categories,
                confidence=result.confidence,
                appeal_type=result.appeal_type,
                appeal_type_confidence=result.appeal_type_confidence,
                prefilled=result.prefilled,
                needs_human=result.needs_human,
                unit=route.unit,
                route=route.reason[:200],
                sectors=result.sectors,
                duplicates=_stored(found_similar),
                duplicates_checked=inline,
            )
        )
        suggested = result.categories[0]["code"] if result.categories else ""
        chosen = case.category_id or ""
        # Only a class the model knows can be chosen against it (not, say, a grid event's).
        known = chosen[:2] in result.families
        if known and "category" not in result.prefilled and suggested and not chosen.startswith(suggested):
            overrides.append(
                Override(case=case, field=OverrideField.CATEGORY, suggested=suggested, chosen=chosen,
                         model_version=engines.version(), by=by if getattr(by, "pk", None) else None)
            )  # fmt: skip
    Override.objects.bulk_create(overrides)
    return Triage.objects.bulk_create(rows)


def _stored(similar) -> list[dict]:
    return [
        {"case": s.pk, "number": s.number, "score": round(s.score, 3),
         "metres": None if s.metres is None else round(s.metres)}
        for s in similar
    ]  # fmt: skip


def check_duplicates(*, batch: int = 500) -> int:
    """The worker's step: look for duplicates of imported cases (one query
    per batch); returns how many were checked. Safe to run in several
    workers at once (rows are locked, SKIP LOCKED)."""
    with transaction.atomic():
        rows = list(
            Triage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(duplicates_checked=False)
            .select_related("case")
            .order_by("case_id")[:batch]
        )
        for row, found in zip(rows, duplicates_of([r.case for r in rows]), strict=True):
            row.duplicates, row.duplicates_checked = _stored(found), True
        Triage.objects.bulk_update(rows, ["duplicates", "duplicates_checked"])
    return len(rows)


def note_choice(*, case: Case, field: str, chosen: str, by) -> Override | None:
    """Record a person's choice that differs from the suggestion (改判)."""
    triage = Triage.objects.filter(case=case).first()
    if triage is None:
        return None
    if field == OverrideField.CATEGORY:
        suggested = triage.categories[0]["code"] if triage.categories else ""
        # The model suggests a first-level class: choosing one of its children
        # agrees with it; without a suggestion there is nothing to override.
        if not suggested or chosen.startswith(suggested):
            return None
    elif field == OverrideField.UNIT:
        # Against the route for the category as it is now, not as the case arrived.
        route = current_route(case, triage)
        suggested = str(route.unit.pk) if route.unit else ""
        if suggested == chosen:
            return None
    else:
        suggested = triage.appeal_type
        if suggested == chosen:
            return None
    return Override.objects.create(
        case=case,
        field=field,
        suggested=suggested,
        chosen=chosen,
        model_version=triage.model_version,
        by=by if getattr(by, "pk", None) else None,
    )
