""" "Now" and "today" are read from ``changan.clock`` only.

The clock can be frozen (the demo city's simulated year) and, in the test
settings, shifted (``CHANGAN_CLOCK_SHIFT_DAYS``, `make test-year-ahead`). A
direct read of the real time anywhere else escapes both: the code then mixes
two "todays", and a test passes this year and fails the next. This test walks
the syntax tree of every Python file of the project (not its text: comments
and strings do not count) and the templates, and fails on such a read outside
``changan/clock.py``.

Measuring a duration (``time.monotonic``, ``time.perf_counter``) is not a read
of the date and is not matched. The few reads that must be the real time are
listed in ``ALLOWED`` with the reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "build", "var", ".git", "migrations", "__pycache__", "locale", "docs"}
CLOCK = "changan/clock.py"

# (file, what) → why it may read the real time.
ALLOWED: dict[tuple[str, str], str] = {
    ("changan/ratelimit.py", "time.time()"): (
        "rate-limit windows are real seconds shared through the cache by every process; a frozen or "
        "shifted clock must not reopen or stretch them"
    ),
    ("regions/services.py", "timezone.now()"): (
        "Grid.updated_at is the grid locator's version stamp (auto_now): it must move on every change, "
        "also while a simulation holds the clock still"
    ),
    ("regions/models.py", "auto_now=True"): "Grid.updated_at: the locator's version stamp, as above",
    ("fieldwork/models.py", "auto_now_add=True"): (
        "FieldReport.created_at only records when a phone's report key arrived; nothing reads it as a day"
    ),
    ("triage/models.py", "auto_now_add=True"): (
        "Judgement.created_at and Override.at only order rows; no limit, figure or day is computed from them"
    ),
}

NOW_RECEIVERS = {"timezone", "datetime"}  # timezone.now, datetime.now, dt.datetime.now
TODAY_RECEIVERS = {"date", "datetime"}  # date.today, dt.date.today, datetime.today
TIME_READS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime"}  # time.time() …
TIMEZONE_OF_NOW = {"localdate", "localtime"}  # timezone.localdate() / timezone.localtime(<now>)
TEMPLATE_NOW = re.compile(r"{%-?\s*now\b")


def _name(node: ast.expr) -> str:
    """The last name of a receiver: ``dt.datetime`` → ``datetime``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _reads_now(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("now", "utcnow")
        and _name(node.func.value) in NOW_RECEIVERS
    )


def direct_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) of every direct read of the real time in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            receiver = _name(node.value)
            if node.attr in ("now", "utcnow") and receiver in NOW_RECEIVERS:
                # a call or a reference (``default=timezone.now``) alike
                found.append((node.lineno, f"{receiver}.{node.attr}()"))
            elif node.attr == "today" and receiver in TODAY_RECEIVERS:
                found.append((node.lineno, f"{receiver}.today()"))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                receiver = _name(func.value)
                if receiver == "time" and func.attr in TIME_READS and not node.args:
                    found.append((node.lineno, f"time.{func.attr}()"))
                elif (
                    receiver == "timezone"
                    and func.attr in TIMEZONE_OF_NOW
                    and (not node.args or _reads_now(node.args[0]) or _is_clock_now(node.args[0]))
                ):
                    found.append((node.lineno, f"timezone.{func.attr}()"))
            if _name(func) == "Now":  # django.db.models.functions.Now: the database's clock
                found.append((node.lineno, "Now()"))
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "django.utils.timezone"):
            for alias in node.names:
                if alias.name in TIME_READS | {"now"} | TIMEZONE_OF_NOW:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif (
            isinstance(node, ast.keyword)
            and node.arg in ("auto_now", "auto_now_add")
            and isinstance(node.value, ast.Constant)
            and node.value.value is True
        ):
            found.append((node.value.lineno, f"{node.arg}=True"))
    return found


def _is_clock_now(node: ast.expr) -> bool:
    """``timezone.localdate(clock.now())`` is ``clock.today()``, said twice."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "now"
        and _name(node.func.value) == "clock"
    )


def _files(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        parts = path.relative_to(ROOT).parts
        if not SKIP_DIRS.intersection(parts):
            yield path, "/".join(parts)


def project_reads() -> list[tuple[str, int, str]]:
    reads = []
    for path, rel in _files("*.py"):
        if rel != CLOCK:
            reads += [(rel, line, what) for line, what in direct_reads(path.read_text(encoding="utf-8"))]
    for path, rel in _files("*.html"):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if TEMPLATE_NOW.search(text):
                reads.append((rel, number, "{% now %}"))
    return reads


def test_now_and_today_are_read_from_the_clock_only():
    reads = project_reads()
    bad = [f"{rel}:{line}: {what}" for rel, line, what in sorted(reads) if (rel, what) not in ALLOWED]
    assert not bad, "read the time from changan.clock (now(), today(), localtime()):\n" + "\n".join(bad)


def test_every_allowed_read_is_still_there():
    used = {(rel, what) for rel, _line, what in project_reads()}
    assert set(ALLOWED) <= used, sorted(set(ALLOWED) - used)


def test_the_walker_sees_the_reads_it_is_meant_to_see():
    source = """
import datetime as dt, time
from datetime import date, datetime
from django.utils import timezone
from django.db.models.functions import Now
from changan import clock

a = timezone.now()
b = timezone.localdate()
c = timezone.localtime()
d = timezone.localdate(timezone.now())
e = dt.date.today()
f = datetime.now(dt.UTC)
g = time.time()
h = models.DateTimeField(default=timezone.now)
i = Now()
j = models.DateTimeField(auto_now_add=True)
# and these are fine:
k = timezone.localtime(case.received_at)
l = clock.now(); m = clock.today(); n = clock.localtime()
o = time.monotonic(); p = time.perf_counter()
q = "timezone.now()"  # only a string
"""
    lines = sorted(line for line, _what in direct_reads(source))
    assert lines == [8, 9, 10, 11, 11, 12, 13, 14, 15, 16, 17]
