#!/usr/bin/env python
"""Benchmark: case intake through the service path, and the worker's sweep.

1. Intake: N cases (default 100,000) through ``cases.services.receive_cases``
   in batches — validate, place the point in its grid, number, write the case,
   its first event, its response deadline and the dispatcher's notification
   (inbox row + SMS delivery) in one transaction per batch — against a bare
   psycopg ``executemany`` INSERT of the same case, event and notification rows
   (the floor for this database).
2. Sweep: the same cases made open (dispatched) with deadlines so that about
   5 % are due for a warning and 2 % are overdue; time one
   ``sweep_timers`` pass, then a second pass that finds nothing (the steady
   state of a worker running every 30 s).

Runs on PostgreSQL in a database of its own (created and migrated here, with
the demo city's places and staff loaded):

    python bench/intake.py                          # 100,000 cases
    python bench/intake.py --cases 20000 --write-docs
    BENCH_DATABASE_URL=postgres://…/changan_bench python bench/intake.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/changan_bench"

from bench.docs import write_section  # noqa: E402
from changan import clock  # noqa: E402


def prepare_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "changan_site.settings")
    import django

    django.setup()


def sample_items(n: int, seed: int = 1):
    import numpy as np

    from cases.models import Category
    from cases.services import NewCase
    from regions.models import Grid

    rng = np.random.default_rng(seed)
    grids = list(Grid.objects.filter(code__startswith="410611").values_list("centroid_lon", "centroid_lat"))
    categories = list(Category.objects.filter(level=3)[:200])
    items = []
    for i in range(n):
        lon, lat = grids[rng.integers(len(grids))]
        items.append(
            NewCase(
                title=f"测试案件 {i}",
                description="群众反映小区门口道路破损，雨天积水严重，请尽快维修。",
                channel="hotline",
                appeal_type="complaint",
                category=categories[rng.integers(len(categories))],
                urgency="ordinary",
                lon=float(lon),
                lat=float(lat),
                reporter_name="王先生",
                reporter_phone=f"139{rng.integers(10**8):08d}",
            )
        )
    return items


def bench_service(items, batch: int, by) -> float:
    from cases.services import receive_cases

    start = time.perf_counter()
    for i in range(0, len(items), batch):
        receive_cases(items=items[i : i + batch], by=by)
    return time.perf_counter() - start


def bench_bare(n: int, batch: int) -> float:
    """The same rows (case, event, a notification with its SMS delivery)
    through psycopg executemany, one transaction per batch."""
    from django.db import connection

    from cases.models import Case

    template = Case.objects.order_by("pk").values().first()
    cols = [c for c in template if c != "id"]
    user_ids = [1]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.connection
        for offset in range(0, n, batch):
            size = min(batch, n - offset)
            with raw.transaction(), raw.cursor() as cur:
                rows = []
                for j in range(size):
                    row = dict(template, number=f"B{offset + j:012d}")
                    rows.append(tuple(row[c] for c in cols))
                placeholders = ", ".join(["%s"] * len(cols))
                cur.executemany(
                    f"INSERT INTO cases_case ({', '.join(cols)}) VALUES ({placeholders}) RETURNING id",
                    rows,
                    returning=True,
                )
                ids = _returned_ids(cur)
                now = clock.now()
                cur.executemany(
                    "INSERT INTO cases_caseevent (case_id, seq, action, from_status, to_status, note, data,"
                    " at) VALUES (%s, 1, 'receive', '', 'received', '', '{}', %s)",
                    [(i, now) for i in ids],
                )
                cur.executemany(
                    "INSERT INTO notify_notification (recipient_id, case_id, kind, title, body, created_at) "
                    "VALUES (%s, %s, 'case_received', 'x', '', %s) RETURNING id",
                    [(u, i, now) for i in ids for u in user_ids],
                    returning=True,
                )
                note_ids = _returned_ids(cur)
                cur.executemany(
                    "INSERT INTO notify_delivery (notification_id, channel, address, state, attempts, "
                    "next_attempt_at, last_error) VALUES (%s, 'sms', '13900000000', 'pending', 0, %s, '')",
                    [(k, now) for k in note_ids],
                )
    return time.perf_counter() - start


def _returned_ids(cur) -> list[int]:
    """The ids an ``executemany(..., returning=True)`` produced, one result set per row."""
    ids = []
    while True:
        ids.append(cur.fetchone()[0])
        if not cur.nextset():
            return ids


def prepare_sweep() -> dict[str, int]:
    """Make the benchmark's cases open with deadlines: ~5 % past their warning
    time, ~2 % past their deadline, the rest comfortably in time."""
    from django.db import connection

    now = clock.now()
    with connection.cursor() as cur:
        cur.execute(
            """UPDATE cases_case SET status = 'handling', lead_unit_id = (SELECT min(id) FROM orgs_orgunit
               WHERE kind = 'county_department'), dispatched_at = %s,
               resolve_warn_at = CASE WHEN id %% 100 < 5 THEN %s ELSE %s END,
               resolve_due_at = CASE WHEN id %% 100 < 2 THEN %s ELSE %s END,
               sign_due_at = %s
               WHERE number NOT LIKE 'B%%'""",
            [now - dt.timedelta(days=3), now - dt.timedelta(hours=1), now + dt.timedelta(days=3),
             now - dt.timedelta(minutes=5), now + dt.timedelta(days=5), now + dt.timedelta(days=1)],
        )  # fmt: skip
        cur.execute("ANALYZE cases_case")
        cur.execute("SELECT count(*) FROM cases_case WHERE status = 'handling'")
        return {"open": cur.fetchone()[0]}


def bench_sweep() -> tuple[float, float, object]:
    from cases.services import sweep_timers

    start = time.perf_counter()
    report = sweep_timers()
    first = time.perf_counter() - start
    start = time.perf_counter()
    sweep_timers()
    idle = time.perf_counter() - start
    return first, idle, report


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the intake benchmark runs on PostgreSQL")

    prepare_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    from accounts.models import User

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from demo.services import load_demo_city

    load_demo_city()
    setup_s = time.perf_counter() - t0

    dispatcher = User.objects.get(username="dispatcher_410611")
    items = sample_items(args.cases)
    from regions.services import grid_locator

    grid_locator()  # built once per process (~0.6 s), not part of each intake
    service_s = bench_service(items, args.batch, dispatcher)
    bare_s = bench_bare(args.cases, args.batch)
    prepared = prepare_sweep()
    sweep_s, idle_s, report = bench_sweep()

    r = {
        "cases": args.cases,
        "batch": args.batch,
        "service_cps": args.cases / service_s,
        "bare_cps": args.cases / bare_s,
        "sweep_s": sweep_s,
        "idle_sweep_s": idle_s,
        "open": prepared["open"],
        "warned": report.warned,
        "overdue": report.overdue,
        "setup_s": setup_s,
    }
    text = report_text(r)
    print(text)
    if args.write_docs:
        write_section("intake", text)
        print("\nwritten to docs/benchmarks.md")
    return r


def report_text(r: dict) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    ratio = r["service_cps"] / r["bare_cps"]
    return "\n".join(
        [
            f"`python bench/intake.py --cases {r['cases']}` — PostgreSQL {pg}, "
            f"batches of {r['batch']}, one process.",
            "",
            "| intake path | cases/s | × bare INSERT |",
            "|---|---:|---:|",
            "| `receive_cases` (validate, locate, number, classify + route + look for duplicates, case + "
            "event + triage record + response deadline + inbox row + SMS delivery) "
            f"| {r['service_cps']:,.0f} | {ratio:.2f} |",
            f"| bare psycopg `executemany` INSERT of the same rows | {r['bare_cps']:,.0f} | 1.00 |",
            "",
            "| worker sweep | seconds |",
            "|---|---:|",
            f"| first pass over {r['open']:,} open cases: {r['warned']:,} warnings and "
            f"{r['overdue']:,} overdue marks, each with its event, tier escalation and notifications "
            f"| {r['sweep_s']:.2f} |",
            f"| next pass (nothing due: the steady state) | {r['idle_sweep_s']:.3f} |",
            "",
            f"Measured on: {clock.today().isoformat()} · Python {platform.python_version()} · "
            f"setup (migrate + demo places) {r['setup_s']:.0f} s.",
        ]
    )


if __name__ == "__main__":
    main()
