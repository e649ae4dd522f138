"""Reads of the triage app: similar reports (duplicates for the dispatcher,
"me too" for the resident — one function), what the models said about a
case, dispatch accuracy, each scoped to the user (hot issues: ``hot``)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import OPEN_STATUSES, Case, CaseEvent, Category, Status
from cases.public import public_q
from cases.selectors import cases_for
from changan import clock
from changan.geo import metres
from intel import duplicates
from orgs.models import Sector
from regions import codes
from regions.services import grids_near
from triage.models import Override, OverrideField, Triage
from triage.routing import LOCAL, Route, routes

# A lookup scores at most this many reports (the newest): enough for any
# village's month, and a bound on the time one new case can cost.
MAX_CANDIDATES = 2000
# One intake batch reads at most this many (the newest): a bound on its cost
# when thousands of reports crowd one neighbourhood in a month.
MAX_BATCH_CANDIDATES = 20_000


@dataclass(frozen=True)
class Similar:
    pk: int
    number: str
    score: float  # text similarity 0–1 (0 when there was no text to compare)
    metres: float | None  # None when either report has no point


@dataclass(frozen=True)
class Probe:
    """A report to find similar ones for: its text, place and time window.
    ``before`` (a case id) keeps reports received at ``until`` itself only
    when their id is lower — cases of one intake batch share a time."""

    text: str
    lon: float | None
    lat: float | None
    area_code: str
    since: dt.datetime
    until: dt.datetime | None = None
    before: int | None = None


def _place(probe: Probe, radius: float) -> tuple[Q, str, list[str]]:
    """The query for the probe's neighbourhood, its area prefix and nearby grids:
    the same village (or, for a case filed only at a township or county, the
    whole of it), and the grids within ``radius`` of its point."""
    prefix = codes.prefix_of(probe.area_code) if probe.area_code else ""
    place = Q()
    if prefix:
        village = len(prefix) == len(probe.area_code)
        place = Q(area_id=probe.area_code) if village else Q(area__code__startswith=prefix)
    located = probe.lon is not None and probe.lat is not None
    grids = grids_near(probe.lon, probe.lat, radius) if located else []
    if grids:
        place |= Q(grid_id__in=grids)
    return place, prefix, grids


def similar_reports(
    probes: Sequence[Probe], *, radius: float | None = None, open_only: bool = False, family: str = "",
    min_score: float | None = None, limit: int = 5, public: bool = False,
) -> list[list[Similar]]:  # fmt: skip
    """For each probe, the reports of its neighbourhood (see ``_place``) in
    its window, scored on the fingerprints stored with them; most similar
    first, then nearest. One query for the whole batch. ``min_score``
    defaults to the duplicate threshold; 0 keeps every nearby report.
    ``public``: shown to residents, so only what the public may see (``cases.public``)."""
    radius = settings.DUPLICATE_RADIUS_M if radius is None else radius
    min_score = duplicates.DUPLICATE_THRESHOLD if min_score is None else min_score
    places = [_place(p, radius) for p in probes]
    wanted = [q for q, _, _ in places if q]
    if not wanted:
        return [[] for _ in probes]
    rows = Case.objects.filter(
        functools.reduce(operator.or_, wanted),
        received_at__gte=min(p.since for p in probes),
    )
    if all(p.until is not None for p in probes):
        rows = rows.filter(received_at__lte=max(p.until for p in probes))
    rows = rows.filter(status__in=OPEN_STATUSES) if open_only else rows.exclude(status=Status.REJECTED)
    if public:
        rows = rows.filter(public_q())
    if family:
        # Reports nobody has classified yet may be the same thing too.
        rows = rows.filter(Q(category__code__startswith=family) | Q(category=None))
    fields = ("pk", "number", "fingerprint", "lon", "lat", "area_id", "grid_id", "received_at")
    cap = min(MAX_CANDIDATES * len(probes), MAX_BATCH_CANDIDATES)
    found = list(rows.order_by("-received_at", "-pk").values_list(*fields)[:cap])
    by_grid: dict[str, list[int]] = defaultdict(list)
    by_area: dict[str, list[int]] = defaultdict(list)
    for k, row in enumerate(found):
        by_grid[row[6]].append(k)
        by_area[row[5]].append(k)
    return [
        _best(p, place, found, by_grid, by_area, radius, min_score, limit)
        for p, place in zip(probes, places, strict=True)
    ]


def _best(probe: Probe, place: tuple, rows: list[tuple], by_grid: dict, by_area: dict, radius: float,
          min_score: float, limit: int) -> list[Similar]:  # fmt: skip
    _, prefix, grids = place
    near: set[int] = set()
    for grid in grids:
        near.update(by_grid.get(grid, ()))
    if len(prefix) == 12:
        near.update(by_area.get(prefix, ()))
    elif prefix:
        for area, ks in by_area.items():
            if area.startswith(prefix):
                near.update(ks)
    mine = [
        rows[k] for k in sorted(near)  # the rows are newest first
        if rows[k][7] >= probe.since
        and (probe.until is None or rows[k][7] < probe.until
             or (rows[k][7] == probe.until and (probe.before is None or rows[k][0] < probe.before)))
    ][:MAX_CANDIDATES]  # fmt: skip
    if not mine:
        return []
    text = probe.text.strip()
    scores = duplicates.similarity_to(duplicates.fingerprint(text), [r[2] for r in mine]) if text else None
    out = []
    for k, (pk, number, _fp, lon, lat, area_id, _grid, _at) in enumerate(mine):
        score = float(scores[k]) if scores is not None else 0.0
        distance = None
        if probe.lon is not None and probe.lat is not None and lon is not None and lat is not None:
            distance = metres(probe.lon, probe.lat, lon, lat)
            if distance > radius and not (prefix and area_id.startswith(prefix)):
                continue
        if score >= min_score:
            out.append(Similar(pk, number, score, distance))
    out.sort(key=lambda s: (-s.score, s.metres if s.metres is not None else radius, -s.pk))
    return out[:limit]


def probe_of(case: Case) -> Probe:
    """A new case as a probe: the reports of the last weeks before it."""
    return Probe(
        text=duplicates.appeal_text(case.title, case.description), lon=case.lon, lat=case.lat,
        area_code=case.area_id, since=case.received_at - dt.timedelta(days=settings.DUPLICATE_DAYS),
        until=case.received_at, before=case.pk,
    )  # fmt: skip


def duplicates_of(cases: Sequence[Case], *, limit: int = 5) -> list[list[Similar]]:
    """Likely duplicates of new cases among the reports before each."""
    return similar_reports([probe_of(c) for c in cases], limit=limit)


def nearby_open_reports(
    *, text: str, lon: float | None, lat: float | None, family: str = "", meters: float = 250, days: int = 30,
    limit: int = 5,
) -> list[Case]:  # fmt: skip
    """我也遇到: open reports within ``meters`` of the resident, the ones most
    like what they typed first (nearest first before they type)."""
    if lon is None or lat is None:
        return []
    probe = Probe(text=text, lon=lon, lat=lat, area_code="", since=clock.now() - dt.timedelta(days=days))
    (found,) = similar_reports(
        [probe], radius=meters, open_only=True, family=family, min_score=0, limit=limit, public=True
    )
    cases = Case.objects.select_related("category", "area", "lead_unit").in_bulk([s.pk for s in found])
    return [cases[s.pk] for s in found]


def current_route(case: Case, triage: Triage | None = None) -> Route:
    """Where the case should go now: by its category as it stands (a
    dispatcher may have set or changed it since the case arrived), with the
    learned router's line as the hint."""
    triage = triage if triage is not None else Triage.objects.filter(case=case).first()
    hint = triage.sectors[0]["sector"] if triage is not None and triage.sectors else ""
    return routes([(case.category, case.area_id, hint)])[0]


@dataclass(frozen=True)
class CaseTriage:
    triage: Triage
    duplicates: list[tuple[Case, dict]]  # the visible candidates with their stored scores
    route: Route  # where it should go now (the stored suggestion was for its category then)

    @property
    def sectors(self) -> list[tuple[str, float]]:
        """The learned router's lines, named."""
        names = dict(Sector.choices) | {LOCAL: _("属地政府")}
        return [(names.get(s["sector"], s["sector"]), s["confidence"]) for s in self.triage.sectors]


def triage_for(user, case: Case) -> CaseTriage | None:
    """What the models said about a case, with only the duplicate candidates
    the user may see."""
    triage = Triage.objects.filter(case=case).select_related("unit").first()
    if triage is None:
        return None
    ids = [d["case"] for d in triage.duplicates]
    visible = {c.pk: c for c in cases_for(user).filter(pk__in=ids)}
    return CaseTriage(
        triage,
        [(visible[d["case"]], d) for d in triage.duplicates if d["case"] in visible],
        current_route(case, triage),
    )


@dataclass(frozen=True)
class DispatchAccuracy:
    dispatches: int  # 派单: first dispatches and reassignments
    returned: int  # 退回
    reassigned: int  # 改派

    @property
    def rate(self) -> float | None:
        """派单准确率 = 1 − share of dispatches returned or reassigned."""
        if not self.dispatches:
            return None
        return 1 - (self.returned + self.reassigned) / self.dispatches


def dispatch_accuracy(
    user, *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> DispatchAccuracy:
    events: QuerySet[CaseEvent] = CaseEvent.objects.filter(
        case__in=cases_for(user).values("pk"), action__in=("dispatch", "reassign", "return")
    )
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    counts = dict(events.values_list("action").annotate(n=Count("pk")).values_list("action", "n"))
    reassigned = counts.get("reassign", 0)
    return DispatchAccuracy(counts.get("dispatch", 0) + reassigned, counts.get("return", 0), reassigned)


def override_examples() -> tuple[list[str], list[str]]:
    """(texts, first-level category names) of the cases whose category a
    person chose against the suggestion: training data for the next model.
    The latest choice per case counts."""
    names = dict(Category.objects.filter(level=1).values_list("code", "name"))
    latest: dict[int, str] = {}
    rows = Override.objects.filter(field=OverrideField.CATEGORY).order_by("at", "pk")
    for case_id, chosen in rows.values_list("case_id", "chosen"):
        latest[case_id] = chosen
    cases = Case.objects.in_bulk(list(latest), field_name="pk")
    texts, labels = [], []
    for case_id, chosen in latest.items():
        if case_id in cases and chosen[:2] in names:
            case = cases[case_id]
            texts.append(duplicates.appeal_text(case.title, case.description))
            labels.append(names[chosen[:2]])
    return texts, labels
