"""Keeping the rollups current: the case services call ``count`` (through
``cases.hooks``) with each event they write, in the same transaction, so a committed event is always
counted exactly once. Rows are bumped with one UPSERT per table
(``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, PostgreSQL and
SQLite alike)."""

from __future__ import annotations

from collections import Counter, defaultdict, namedtuple
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent
from figures.models import MEASURES, AreaTally, GridTally, Period, UnitTally

UNIT_MEASURES = tuple(m for m in MEASURES if m != "received")
# Events that name the case's (new) lead unit in data["unit"]: it is "assigned".
LEAD_CHANGES = ("dispatch", "reassign", "whistle")


def measures_of(action: str, data: dict) -> Counter:
    """What one event adds to its case's area row (pure)."""
    c: Counter = Counter()
    if action == "receive":
        c["received"] += 1
    if data.get("first_response"):
        c["responded"] += 1
        c["responded_on_time"] += bool(data.get("response_on_time"))
    if data.get("first_close"):
        c["closed"] += 1
        c["closed_on_time"] += bool(data.get("close_on_time"))
    if action == "rate":
        before = data.get("previous") or {}
        if not before:
            c["rated"] += 1  # a case counts once; a new rating replaces the old
        c["solved"] += int(bool(data.get("solved"))) - int(bool(before.get("solved")))
        c["satisfied"] += int(data.get("satisfaction", 0) >= 3) - int(before.get("satisfaction", 0) >= 3)
    if action == "reopen":
        c["reopened"] += 1
    return c


def keys_of(case) -> tuple:
    day = timezone.localdate(case.received_at)
    return day, day.replace(day=1), township_of(case.area_id), (case.category_id or "")[:2]


def township_of(area_code: str) -> str:
    return area_code[:9] + "000"


class Tallies:
    """Counts gathered in memory, written with one UPSERT per table."""

    def __init__(self):
        self.areas: dict[tuple, Counter] = defaultdict(Counter)
        self.units: dict[tuple, Counter] = defaultdict(Counter)
        self.grids: Counter = Counter()

    def add(self, pairs: Iterable[tuple[object, object]]) -> None:
        keys: dict[int, tuple] = {}  # per case: a case's events share its keys
        for case, event in pairs:
            if (case_keys := keys.get(case.pk)) is None:
                case_keys = keys[case.pk] = keys_of(case)
            day, month, area, family = case_keys
            found = measures_of(event.action, event.data or {})
            if found:
                self.areas[(Period.DAY, day, area, family)].update(found)
                self.areas[(Period.MONTH, month, area, family)].update(found)
            unit_found = Counter({k: v for k, v in found.items() if k in UNIT_MEASURES})
            unit_id = case.lead_unit_id
            if event.action in LEAD_CHANGES and event.data.get("unit"):
                unit_id, unit_found = event.data["unit"], Counter(assigned=1)
            if unit_id and unit_found:
                self.units[(Period.DAY, day, unit_id)].update(unit_found)
                self.units[(Period.MONTH, month, unit_id)].update(unit_found)
            if event.action == "receive" and case.grid_id:
                self.grids[(month, case.grid_id)] += 1

    def write(self) -> None:
        _bump(AreaTally, ("kind", "period", "area", "family"), self.areas)
        _bump(UnitTally, ("kind", "period", "unit"), self.units)
        _bump(GridTally, ("period", "grid"), {k: Counter(received=n) for k, n in self.grids.items()})


def count(pairs: Iterable[tuple[object, object]]) -> None:
    """Count events (with their cases) into the tallies."""
    tallies = Tallies()
    tallies.add(pairs)
    tallies.write()


def move(case, *, previous_category: str) -> None:
    """The case's category changed (on acceptance): if its family did too,
    move what its events counted so far from the old family's rows to the
    new one's."""
    day, month, area, family = keys_of(case)
    from_family = (previous_category or "")[:2]
    if family == from_family:
        return
    total: Counter = Counter()
    for event in case.events.all():
        total.update(measures_of(event.action, event.data or {}))
    if not total:
        return
    rows: dict[tuple, Counter] = {}
    for kind, period in ((Period.DAY, day), (Period.MONTH, month)):
        rows[(kind, period, area, from_family)] = Counter({k: -v for k, v in total.items()})
        rows[(kind, period, area, family)] = Counter(total)
    _bump(AreaTally, ("kind", "period", "area", "family"), rows)


def _bump(model, key_fields: tuple[str, ...], rows: dict[tuple, Counter]) -> None:
    rows = {k: v for k, v in rows.items() if any(v.values())}
    if not rows:
        return
    measures = sorted({m for c in rows.values() for m in c})
    quote = connection.ops.quote_name
    columns = [
        model._meta.get_field(f.removesuffix("_id") if f.endswith("_id") else f).column for f in key_fields
    ]
    table = quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in [*columns, *measures])}) "
        f"VALUES ({', '.join(['%s'] * (len(columns) + len(measures)))}) "
        f"ON CONFLICT ({', '.join(quote(c) for c in columns)}) DO UPDATE SET "
        + ", ".join(f"{quote(m)} = {table}.{quote(m)} + excluded.{quote(m)}" for m in measures)
    )
    # Sorted keys: concurrent transactions take row locks in the same order.
    values = [[*key, *(rows[key][m] for m in measures)] for key in sorted(rows, key=str)]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


CaseRow = namedtuple("CaseRow", "pk received_at area_id category_id lead_unit_id grid_id")
EventRow = namedtuple("EventRow", "case_id action data")


@transaction.atomic
def rebuild(*, chunk: int = 20_000, progress=None) -> int:
    """Recount every tally from the event log (after an import, or to check
    the incremental counts), replaying each case's events in order so that
    department figures go to the unit that led the case at each event, as
    the live counts do. The tally tables are locked meanwhile: case actions
    wait rather than count into rows being rebuilt. Returns the events read."""
    if connection.vendor == "postgresql":  # (SQLite: the write transaction locks the database)
        with connection.cursor() as cursor:
            cursor.execute(
                "LOCK TABLE figures_areatally, figures_unittally, figures_gridtally IN EXCLUSIVE MODE"
            )
    AreaTally.objects.all().delete()
    UnitTally.objects.all().delete()
    GridTally.objects.all().delete()
    last_case, read, tallies = 0, 0, Tallies()
    while True:
        rows = Case.objects.filter(pk__gt=last_case).order_by("pk").values_list(*CaseRow._fields)[:chunk]
        cases = {row[0]: CaseRow(*row) for row in rows}
        if not cases:
            tallies.write()  # once: a day's row gets all its cases' counts at once
            return read
        events = (
            CaseEvent.objects.filter(case_id__gte=min(cases), case_id__lte=max(cases))
            .order_by("case_id", "seq")
            .values_list(*EventRow._fields)
        )
        pairs, lead, current = [], None, None
        for event in map(EventRow._make, events.iterator(chunk_size=chunk)):
            if event.case_id not in cases:
                continue
            if event.case_id != current:
                current, lead = event.case_id, None
            if event.action in LEAD_CHANGES and event.data.get("unit"):
                lead = event.data["unit"]
            elif event.action == "return":  # 退回: back to the dispatchers, no lead
                lead = None
            pairs.append((cases[event.case_id]._replace(lead_unit_id=lead), event))
        tallies.add(pairs)
        read += len(pairs)
        last_case = max(cases)
        if progress:
            progress(len(cases))
