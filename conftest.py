"""Fixtures shared by the whole suite.

Tests say which city they need. ``small_city`` (demo.small: three counties,
six grids, the demo's logins, units and rules) is written inside the test's
transaction, in about 10 ms, and rolled back with everything else.
``demo_city`` (real Hebi codes, ~10,000 generated grids, thousands of staff)
is loaded once, committed, the first time a test asks for it; the tests that
use it run after all the others (``pytest_collection_modifyitems``), so no
other test sees it. A transactional test empties the database when it ends
(the migrations' rows too), so transactional tests take ``demo_city``: they
then run last, after the other tests on the demo city.
"""

from pathlib import Path

import pytest


@pytest.fixture
def small_city(db, _small_city_inserts):
    from django.db import connection

    from demo.small import SmallCity
    from regions.services import grids_changed

    with connection.cursor() as cursor:
        for sql, rows in _small_city_inserts:
            cursor.executemany(sql, rows)
    grids_changed()
    return SmallCity()


@pytest.fixture(scope="session")
def _small_city_inserts(django_db_setup, django_db_blocker):
    """The rows build_small_city writes, as INSERT statements: it runs once per
    session, in a transaction rolled back, and each test that asks for the
    small city inserts the same rows (ten statements, not 900 queries)."""
    from django.apps import apps
    from django.db import connection, transaction

    from demo.small import build_small_city

    quote = connection.ops.quote_name
    inserts = []
    with django_db_blocker.unblock(), transaction.atomic():
        tables = [
            m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
        ]
        before = {model: set(model.objects.values_list("pk", flat=True)) for model in tables}
        build_small_city()
        for model in tables:
            rows = model.objects.exclude(pk__in=before[model]).values()
            fields = model._meta.concrete_fields
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(model._meta.db_table),
                ", ".join(quote(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            )
            values = [tuple(f.get_db_prep_save(row[f.attname], connection) for f in fields) for row in rows]
            if values:
                inserts.append((sql, values))
        transaction.set_rollback(True)
    return inserts


@pytest.fixture(scope="session")
def demo_city(django_db_setup, django_db_blocker):
    from accounts.models import Role
    from demo.services import load_demo_city

    with django_db_blocker.unblock():
        # Without the migrations' rows (roles) a transactional test has emptied the database.
        if not Role.objects.exists():
            pytest.fail("a transactional test ran before the demo city was loaded: give it demo_city too")
        load_demo_city()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Tests on the demo city last, after pytest-django's own order (plain,
    then transactional, then without a database) within each group: the demo
    city is committed, and the small city's codes are the demo's. The browser
    tests after them (Playwright keeps an event loop running, in which Django
    refuses database calls), and their server prepared meanwhile."""

    def uses(item, fixture: str) -> bool:
        return fixture in getattr(item, "fixturenames", ())

    items.sort(key=lambda item: (uses(item, "demo_server"), uses(item, "demo_city")))
    browsing = any(uses(item, "demo_server") for item in items)
    if browsing and Path(CHROMIUM).exists() and not config.option.collectonly:
        from bench.liveserver import Preparation

        # The server's demo city loads in a process of its own while the
        # other tests run: on two cores it costs the suite almost nothing.
        var = Path(config._tmp_path_factory.mktemp("server-var"))
        DEMO_SERVER["prepared"] = Preparation(var, cases=DEMO_SERVER_CASES)


def pytest_sessionfinish(session):
    if (prepared := DEMO_SERVER.get("prepared")) is not None:
        prepared.stop()


@pytest.fixture
def user_named(db):
    """A user of whichever city the test loaded, by username."""
    from accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(client, user_named):
    """A test client logged in as the named user (see user_named)."""

    def login(username: str):
        client.force_login(user_named(username))
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the grid locator's version stamp
    and rate-limit counters live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- real browser tests ---------------------------------------------------------
# A real server (its own SQLite file, the demo city loaded, static files
# collected as in production) on a free port, driven by Debian's Chromium.

CHROMIUM = "/usr/bin/chromium"
DEMO_SERVER: dict = {}  # "manage": run a management command against the test server's database
DEMO_SERVER_CASES = 200
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    from bench.liveserver import live_server

    prepared = DEMO_SERVER.get("prepared")
    var = prepared.var if prepared else tmp_path_factory.mktemp("server-var")
    with live_server(var, cases=DEMO_SERVER_CASES, prepared=prepared) as server:
        DEMO_SERVER["manage"] = server.manage
        DEMO_SERVER["outbox"] = server.var / "outbox.jsonl"
        yield server.url


@pytest.fixture(scope="session")
def browser():
    import os

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-zenhei)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    """Where browser tests save their screenshots (build/test-artifacts/)."""
    path = Path(__file__).parent / "build" / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(browser, demo_server):
    context = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.external_requests = []

    def watch(request):
        if not request.url.startswith(demo_server):
            page.external_requests.append(request.url)

    page.on("request", watch)
    yield page
    context.close()


def log_in(page, username: str, password: str = "changan-demo") -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
