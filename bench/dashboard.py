#!/usr/bin/env python
"""Benchmark: the data center and the work list with a million cases.

1. Load N cases (default 1,000,000) over the last 365 days into a PostgreSQL
   database of its own, spread over the demo city's grids, with the events a
   real year leaves (receive, dispatch, contact, reply, verify, rating) —
   written with COPY, then the rollups recounted from the event log
   (``figures.services.rebuild``, what ``manage.py rebuild_figures`` runs).
2. Time the data center's first screen for the city and for a county: every
   SQL query it runs (p50/p95 over repeated runs), against the same figures
   computed by plain GROUP BY queries over the case table and the event log
   (``figures.naive``), the way one would without rollups.
3. Time the work list: a dispatcher's queue page, a page deep into the list
   (keyset), a word search, and the queue counts.

    python bench/dashboard.py                      # 1,000,000 cases
    python bench/dashboard.py --cases 100000 --write-docs
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/changan_dashboard_bench"

from bench.docs import write_section  # noqa: E402
from bench.intake import prepare_database, setup_django  # noqa: E402
from changan import clock  # noqa: E402
from changan.keyset import page_of  # noqa: E402

CASE_COLUMNS = (
    "number", "kind", "channel", "appeal_type", "category_id", "title", "description", "search_text",
    "urgency", "area_id", "grid_id", "lon", "lat", "address", "media_url", "reporter_name",
    "reporter_phone_masked",
    "reporter_phone_digest", "reporter_verified", "status", "tier", "lead_unit_id", "extension_requested",
    "reopen_count", "me_too", "satisfaction", "solved", "received_at", "dispatched_at", "closed_at",
    "responded_at", "respond_due_at", "resolve_due_at", "sign_overdue", "resolve_warned", "resolve_overdue",
)  # fmt: skip
EVENT_COLUMNS = ("case_id", "seq", "action", "from_status", "to_status", "note", "data", "at")
TEXTS = (
    "群众反映小区门口道路破损，雨天积水严重，请尽快维修。",
    "楼道内堆放杂物，堵塞消防通道，存在安全隐患。",
    "夜间施工噪音扰民，影响居民休息。",
    "路边雨水井盖缺失，行人通行危险。",
    "企业拖欠农民工工资三个月未发放。",
    "小区垃圾清运不及时，气味很大。",
    "邻里因漏水发生纠纷，双方协商未果。",
    "路灯损坏一周无人维修，夜间出行不便。",
    "餐馆油烟直排，影响周边住户。",
    "电动车在楼道内充电，存在火灾隐患。",
    "独居老人生活困难，需要帮扶。",
    "农田灌溉渠道堵塞，影响浇地。",
)


class Year:
    """A synthetic year of cases: 80 % closed (60 % of them rated), 15 % in
    hand, 5 % waiting; most responses and closings in time."""

    def __init__(self, n: int, seed: int):
        import numpy as np

        from cases.models import Category
        from cases.search import search_text
        from orgs.models import OrgUnit
        from regions.models import Grid

        rng = np.random.default_rng(seed)
        self.grids = list(Grid.objects.values_list("code", "village_id", "centroid_lon", "centroid_lat"))
        self.leaves = list(Category.objects.filter(level=3).values_list("code", "name"))
        self.units: dict[str, list[int]] = {}
        for pk, area in OrgUnit.objects.filter(kind="county_department").values_list("pk", "area_id"):
            self.units.setdefault(area[:6], []).append(pk)
        self.words = [search_text(text) for text in TEXTS]
        self.now = clock.now()
        self.pick = rng.integers(len(self.grids), size=n)
        self.cat = rng.integers(len(self.leaves), size=n)
        self.age = rng.uniform(0, 365, size=n)
        self.fate = rng.uniform(size=n)

    def facts(self, i: int) -> tuple:
        code, village, lon, lat = self.grids[self.pick[i]]
        fate = self.fate[i]
        status = "closed" if fate < 0.8 else "handling" if fate < 0.95 else "received"
        pool = self.units.get(code[:6]) or next(iter(self.units.values()))
        unit = pool[i % len(pool)] if status != "received" else None
        received = self.now - dt.timedelta(days=float(self.age[i]))
        return code, village, lon, lat, fate, status, unit, received

    def case_row(self, i: int) -> tuple:
        code, village, lon, lat, fate, status, unit, received = self.facts(i)
        category, title = self.leaves[self.cat[i]]
        rated = status == "closed" and fate < 0.6
        at = lambda hours: received + dt.timedelta(hours=hours) if unit else None  # noqa: E731
        return (
            f"B{i:012d}", "appeal", "hotline", "complaint", category, title, TEXTS[i % len(TEXTS)],
            self.words[i % len(TEXTS)], "ordinary",
            village, code, lon, lat, "", "", "", "", "", False, status, 1, unit, False, 0, 0,
            (5 if fate < 0.45 else 2) if rated else None, (fate < 0.5) if rated else None,
            received, at(2), at(96) if status == "closed" else None, at(5), received + dt.timedelta(hours=24),
            at(7 * 24), False, False, status == "handling" and self.age[i] > 7,
        )  # fmt: skip

    def event_rows(self, i: int, case_id: int) -> list[tuple]:
        _code, _village, _lon, _lat, fate, status, unit, received = self.facts(i)
        steps = [("receive", "", "received", {"channel": "hotline"}, 0)]
        if unit:
            steps += [
                ("accept", "received", "accepted", {}, 1),
                ("dispatch", "accepted", "dispatched", {"unit": unit}, 2),
                (
                    "contact",
                    "handling",
                    "handling",
                    {"first_response": True, "response_on_time": bool(fate < 0.9)},
                    5,
                ),
            ]
        if status == "closed":
            closing = {"passed": True, "first_close": True, "close_on_time": bool(fate < 0.7)}
            steps += [
                ("reply", "handling", "replied", {"evidence": []}, 80),
                ("verify", "replied", "closed", closing, 96),
            ]
            if fate < 0.6:
                rating = {"satisfaction": 5 if fate < 0.45 else 2, "solved": bool(fate < 0.5)}
                steps.append(("rate", "closed", "closed", rating, 100))
        return [
            (case_id, seq, action, old, new, "", json.dumps(data), received + dt.timedelta(hours=hours))
            for seq, (action, old, new, data, hours) in enumerate(steps, start=1)
        ]


def load(n: int, seed: int = 5, *, events: bool = True) -> dict:
    """COPY ``n`` cases and (unless ``events`` is false) their events; returns the counts."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--no-input", "-v0")
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", "--no-progress", "--cases", "0", stdout=quiet)
    year = Year(n, seed)
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.connection
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        first_id = cursor.fetchone()[0] + 1
        with raw.cursor() as cur, cur.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
            for i in range(n):
                copy.write_row(year.case_row(i))
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY cases_caseevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy,
        ):
            for i in range(n if events else 0):
                for row in year.event_rows(i, first_id + i):
                    copy.write_row(row)
                    written += 1
        cursor.execute("ANALYZE")
    return {"cases": n, "events": written}


def timed(fn, repeat: int) -> tuple[list[float], dict[int, list[float]]]:
    """Wall times of ``fn()`` and, per query position, each SQL query's time."""
    from django.db import connection

    totals, per_query, seen = [], {}, []

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append(time.perf_counter() - start)

    for _ in range(repeat):
        seen.clear()
        start = time.perf_counter()
        with connection.execute_wrapper(wrapper):
            fn()
        totals.append(time.perf_counter() - start)
        for k, v in enumerate(seen):
            per_query.setdefault(k, []).append(v)
    return totals, per_query


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] * 1000


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the dashboard benchmark runs on PostgreSQL")
    prepare_database(args.database_url)
    setup_django(args.database_url)

    from django.utils import timezone

    from accounts.models import User
    from cases.selectors import filter_cases, queue_counts
    from figures import naive, selectors
    from figures.selectors import dashboard
    from figures.services import rebuild

    started = time.perf_counter()
    loaded = load(args.cases)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rebuild()
    rebuild_seconds = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    leader = User.objects.get(username="leader")
    dispatcher = User.objects.get(username="dispatcher_410611")
    today = clock.today()
    year_start = timezone.make_aware(dt.datetime.combine(today.replace(month=1, day=1), dt.time()))
    tomorrow = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    rows = []

    def screen(code=None):
        return lambda: dashboard(leader, code, today=today)

    for label, fn in (("city", screen()), ("county 淇滨区", screen("410611000000"))):
        dashboard(leader, None, today=today)  # warm the cache of plans
        whole, per_query = timed(fn, args.repeat)
        worst = max(pct(v, 0.95) for v in per_query.values())
        rows.append((f"first screen, {label}: whole page ({len(per_query)} queries)", pct(whole, 0.5),
                     pct(whole, 0.95), worst))  # fmt: skip

    # Like with like: each figure group from the rollups and from the case table.
    span = {"prefix": "4106", "since": year_start, "until": tomorrow}
    pairs = {
        "year totals (received and the four rates)": (
            lambda: selectors.totals("4106", today), lambda: naive.area_figures(**span)),
        "county ranking": (
            lambda: selectors.area_ranking("4106", today, 6),
            lambda: naive.received_by(**span, level_digits=6)),
        "category ranking": (
            lambda: selectors.family_ranking("4106", today), lambda: naive.received_by_family(**span)),
    }  # fmt: skip
    compared = []
    for name, (rolled, plain) in pairs.items():
        fast, _ = timed(rolled, args.repeat)
        slow, _ = timed(plain, args.naive_repeat)
        compared.append((name, pct(fast, 0.5), pct(fast, 0.95), pct(slow, 0.5)))

    def page(filters, cursor=""):
        return page_of(filter_cases(dispatcher, filters), key="received_at", descending=True, cursor=cursor)

    deep = page({})
    for _ in range(200):  # 200 pages (10,000 rows) into the list
        deep = page({}, deep.next_cursor)
    list_fns = {
        "queue page (待受理, 50 rows)": lambda: page({"queue": "to_accept"}),
        "a page 10,000 rows deep in 全部 (keyset)": lambda: page({}, deep.next_cursor),
        "word search 井盖 (1 case in 12 has it)": lambda: page({"q": "井盖"}),
        "queue counts (8 tabs)": lambda: queue_counts(dispatcher),
    }
    list_rows = []
    for name, fn in list_fns.items():
        totals, _ = timed(fn, args.repeat)
        list_rows.append((name, pct(totals, 0.5), pct(totals, 0.95)))

    lines = [
        f"`python bench/dashboard.py --cases {args.cases}` — PostgreSQL, {loaded['cases']:,} cases and "
        f"{loaded['events']:,} events over the last 365 days (loaded with COPY in {load_seconds:.0f} s; "
        f"rollups recounted from the event log in {rebuild_seconds:.0f} s).",
        "",
        "| data center | p50 ms | p95 ms | slowest query p95 ms |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} |" for name, p50, p95, worst in rows],
        "",
        "| the same figures (city, this year) | rollups p50 ms | p95 ms "
        "| GROUP BY over cases + events p50 ms | × faster |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {n} | {p50:.1f} | {p95:.1f} | {slow:.0f} | {slow / p50:.0f}× |"
            for n, p50, p95, slow in compared
        ],
        "",
        "| work list (dispatcher of 淇滨区) | p50 ms | p95 ms |",
        "|---|---:|---:|",
        *[f"| {name} | {p50:.1f} | {p95:.1f} |" for name, p50, p95 in list_rows],
        "",
        f"Measured on {clock.today()} · Python {platform.python_version()} · {args.repeat} runs each "
        f"({args.naive_repeat} for the naive queries).",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_section("dashboard", text)
        print("\nwritten to docs/benchmarks.md")
    return {"rows": rows, "compared": compared, "list": list_rows}


if __name__ == "__main__":
    main()
