"""Fixtures shared by the whole suite.

The demo city (real Hebi codes, ~10,000 generated grids, org units, staff) is
loaded once into the test database; each test runs in a transaction that is
rolled back, so tests see the same city and can change it freely.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from demo.services import load_demo_city

    with django_db_blocker.unblock():
        load_demo_city()


@pytest.fixture
def user_named(db):
    from accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(client, user_named):
    """A test client logged in as the named demo user."""

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

    with live_server(tmp_path_factory.mktemp("server-var"), cases=200) as server:
        DEMO_SERVER["manage"] = server.manage
        DEMO_SERVER["outbox"] = server.var / "outbox.jsonl"
        yield server.url


@pytest.fixture(scope="session")
def browser():
    import os
    from pathlib import Path

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
    from pathlib import Path

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
