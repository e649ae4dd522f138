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
