"""A staff session ends after STAFF_SESSION_IDLE_MINUTES without a request,
and SESSION_COOKIE_AGE after signing in however busy; the page says why."""

import datetime as dt

import pytest

from accounts.middleware import SEEN_KEY
from changan import clock

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def start():
    return clock.now()


@pytest.fixture
def signed_in(client, user_named, start):
    with clock.frozen_at(start):
        client.force_login(user_named("city_dispatcher"))
    return client


def at(start, minutes: float):
    return clock.frozen_at(start + dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_an_idle_session_ends_and_the_login_page_says_why(signed_in, start, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 120
    with at(start, 119):
        assert signed_in.get("/cases/").status_code == 200
    with at(start, 119 + 119):  # each request starts the idle time again
        assert signed_in.get("/cases/").status_code == 200
    with at(start, 119 + 119 + 121):
        page = signed_in.get("/cases/?queue=all")
        assert page.status_code == 302
        assert page["Location"] == "/login/?next=%2Fcases%2F%3Fqueue%3Dall"
        login = signed_in.get(page["Location"])
        assert "120 分钟未操作" in login.content.decode()
        assert "_auth_user_id" not in signed_in.session
        assert signed_in.get("/cases/").status_code == 302  # signed out, not just redirected once


@pytest.mark.django_db
def test_the_last_seen_time_is_written_at_most_once_a_minute(signed_in, start):
    seen = signed_in.session[SEEN_KEY]
    with at(start, 0.5):
        signed_in.get("/cases/")
    assert signed_in.session[SEEN_KEY] == seen  # no session write for this request
    with at(start, 1.5):
        signed_in.get("/cases/")
    assert signed_in.session[SEEN_KEY] == seen + 90


@pytest.mark.django_db
def test_a_busy_session_still_ends_some_hours_after_signing_in(signed_in, start, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 120
    settings.SESSION_COOKIE_AGE = 12 * 3600
    for minutes in range(100, 12 * 60, 100):  # a request every 100 minutes, all day
        with at(start, minutes):
            assert signed_in.get("/cases/").status_code == 200
    with at(start, 12 * 60 + 1):
        page = signed_in.get("/cases/")
        assert page.status_code == 302 and page["Location"].startswith("/login/")
        assert "登录已超过 12 小时" in signed_in.get(page["Location"]).content.decode()


@pytest.mark.django_db
def test_the_api_answers_an_idle_session_as_signed_out(signed_in, start):
    with at(start, 30):
        assert signed_in.get("/api/v1/me/").status_code == 200
    with at(start, 30 + 121):
        response = signed_in.get("/api/v1/me/")
        assert response.status_code == 403 and "detail" in response.json()
    assert "_auth_user_id" not in signed_in.session


@pytest.mark.django_db
def test_htmx_is_sent_to_the_login_page_whole(signed_in, start):
    with at(start, 121):
        response = signed_in.get("/cases/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"] == "/login/?next=%2Fcases%2F"


@pytest.mark.django_db
def test_no_idle_limit_when_set_to_zero(signed_in, start, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 0
    with at(start, 600):
        assert signed_in.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_signing_in_with_the_password_starts_the_clocks(client, user_named, start):
    user = user_named("city_dispatcher")
    user.set_password("changan-demo")
    user.save()
    with at(start, -600):  # an old session of the same person, idle for hours
        client.force_login(user)
    with at(start, 0):
        client.post("/login/", {"username": "city_dispatcher", "password": "changan-demo"})
    with at(start, 1):
        assert client.get("/cases/").status_code == 200
