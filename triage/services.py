"""Writes of the triage app. The case services call these inside their own
transaction: ``classify`` before new cases are written (it may fill in the
category and appeal type), ``record`` after (route, duplicates, the stored
suggestion), ``note_choice`` when a person decides otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings

from cases.models import Case, Category
from intel.duplicates import appeal_text
from triage import engines
from triage.models import Override, OverrideField, Triage
from triage.routing import routes
from triage.selectors import current_route, duplicates_of


@dataclass
class Classified:
    """What the models said about one new case, before it is written."""

    categories: list[dict] = field(default_factory=list)
    confidence: float = 0.0
    appeal_type: str = ""
    appeal_type_confidence: float = 0.0
    sectors: list[dict] = field(default_factory=list)
    prefilled: list[str] = field(default_factory=list)
    needs_human: bool = False


def _level_one() -> dict[str, Category]:
    return {c.name: c for c in Category.objects.filter(level=1, is_active=True)}


def classify(cases: Sequence[Case]) -> list[Classified]:
    """Suggest category, appeal type and department line for new cases (one
    batch through each model). A case that arrived without a category gets
    the suggestion when the model is confident enough, and otherwise waits
    for a dispatcher (人工研判); a blank appeal type is filled the same way.
    What a person already chose is never replaced."""
    texts = [appeal_text(c.title, c.description) for c in cases]
    out = [Classified() for _ in cases]
    if not cases:
        return out
    threshold = settings.TRIAGE_CONFIDENCE
    if (model := engines.category_model()) is not None:
        known = _level_one()
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
            if case.category_id is None:
                best = known.get(top[0].label) if top else None
                if best is not None and result.confidence >= threshold:
                    case.category = best
                    result.prefilled.append("category")
                else:
                    result.needs_human = True
    if (model := engines.appeal_type_model()) is not None:
        for case, result, best in zip(cases, out, model.predict(texts), strict=True):
            result.appeal_type, result.appeal_type_confidence = best.code, round(best.confidence, 4)
            if not case.appeal_type and best.confidence >= threshold:
                case.appeal_type = best.code
                result.prefilled.append("appeal_type")
    if (model := engines.router_model()) is not None:
        for result, top in zip(out, model.suggest(texts, top=3), strict=True):
            result.sectors = [{"sector": s.label, "confidence": round(s.confidence, 4)} for s in top]
    return out


def record(cases: Sequence[Case], classified: Sequence[Classified]) -> list[Triage]:
    """Route each written case, look for its duplicates and keep what was
    suggested (``Triage``)."""
    found = routes(
        [
            (c.category, c.area_id, r.sectors[0]["sector"] if r.sectors else "")
            for c, r in zip(cases, classified, strict=True)
        ]
    )
    rows = []
    for case, result, route in zip(cases, classified, found, strict=True):
        duplicates = [
            {
                "case": s.case.pk,
                "number": s.case.number,
                "score": round(s.score, 3),
                "metres": None if s.metres is None else round(s.metres),
            }
            for s in duplicates_of(case)
        ]
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
                duplicates=duplicates,
            )
        )
    return Triage.objects.bulk_create(rows)


def note_choice(*, case: Case, field: str, chosen: str, by) -> Override | None:
    """Record a person's choice that differs from the suggestion (改判)."""
    triage = Triage.objects.filter(case=case).first()
    if triage is None:
        return None
    if field == OverrideField.CATEGORY:
        suggested = triage.categories[0]["code"] if triage.categories else ""
        # The model suggests a first-level class: choosing one of its children agrees with it.
        if suggested and chosen.startswith(suggested):
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
