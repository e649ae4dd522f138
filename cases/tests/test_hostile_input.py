"""Hostile input on the staff console's forms and filters — NUL and control
characters, 10 MB strings, wrong types, missing fields, years like 9999 and
numbers beyond 64 bits — gets a 4xx with a message, never a 500, and leaves
nothing behind: no event, no changed case, no saved filter."""

import pytest

from cases.models import Case, CaseEvent, SavedFilter, Status

pytestmark = pytest.mark.usefixtures("small_city")

DISPATCHER = "qixian_dispatcher"
TEN_MB = "x" * 10_000_000


@pytest.fixture
def case_and_client(new_case, client_for):
    return new_case(), client_for(DISPATCHER)


def events_of(case: Case) -> int:
    return CaseEvent.objects.filter(case=case).count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, data",
    [
        ("reject", {"reason": "重复\x00投诉"}),
        ("reject", {"reason": "转义\x1b[2J"}),
        ("accept", {"note": "\x7f"}),
        ("accept", {"urgency": "\x00"}),
        ("answer", {"reply": "\x85"}),
        ("reject", {"reason": TEN_MB}),
        ("reject", {}),  # the reason is required
        ("reject", {"reason": "   "}),
        ("accept", {"urgency": "fastest"}),  # not a choice
        ("accept", {"category": "99999999999999999999999"}),
        ("dispatch", {"unit": "99999999999999999999999"}),
        ("dispatch", {"unit": "-1"}),
        ("dispatch", {"unit": "abc"}),
        ("dispatch", {"unit": "1e400"}),
        ("dispatch", {"co_units": ["1", "x", "99999999999999999999"]}),
        ("merge", {"into": "\u200b"}),
        ("supervise", {"note": "请加快", "due": "9999-12-31T23:59"}),
        ("supervise", {"note": "请加快", "due": "0001-01-01T00:00"}),
        ("supervise", {"note": "请加快", "due": "明天"}),
    ],
)
def test_a_hostile_action_form_is_refused_and_changes_nothing(case_and_client, name, data):
    case, client = case_and_client
    before = events_of(case)
    response = client.post(f"/cases/{case.pk}/act/{name}/", data)
    assert 400 <= response.status_code < 500
    assert events_of(case) == before
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


@pytest.mark.django_db
def test_a_deadline_in_year_9999_is_refused_on_a_dispatched_case(dispatched_case, client_for):
    client = client_for("handler")
    before = events_of(dispatched_case)
    response = client.post(
        f"/cases/{dispatched_case.pk}/act/request_extension/",
        {"reason": "需要时间", "until": "9999-12-31T00:00"},
    )
    assert response.status_code == 400
    assert "2100-12-31" in response.content.decode()
    assert events_of(dispatched_case) == before


@pytest.mark.django_db
def test_an_action_with_a_broken_multipart_body_is_a_client_error(case_and_client):
    case, client = case_and_client
    response = client.generic(
        "POST",
        f"/cases/{case.pk}/act/reject/",
        b'--xx\r\nContent-Disposition: form-data; name="reason"\r\n\r\n\x00',
        content_type="multipart/form-data",  # no boundary: Django cannot read the fields
    )
    assert response.status_code == 400
    assert "表单格式有误" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"received_before": "9999-12-31"},
        {"received_after": "9999-12-31"},
        {"received_after": "0001-01-01"},
        {"received_after": "2026-02-30"},
        {"lead_unit": "9223372036854775808"},
        {"lead_unit": "-1"},
        {"lead_unit": "1e400"},
        {"overdue": "perhaps"},
        {"q": "x" * 101},
        {"queue": "\x00"},
    ],
)
def test_hostile_list_filters_are_a_400_on_the_list_the_export_and_the_api(client_for, query):
    client = client_for(DISPATCHER)
    for url in ("/cases/", "/cases/export.xlsx", "/api/v1/cases/"):
        response = client.get(url, query)
        assert response.status_code == 400, url


@pytest.mark.django_db
def test_the_list_names_the_bounds_of_a_date(client_for):
    page = client_for(DISPATCHER).get("/cases/", {"received_before": "9999-12-31"}).content.decode()
    assert "2000-01-01" in page and "2100-12-31" in page


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["zzz", "%%%", "eyJ4IjoxfQ", "-1", "9" * 40])
def test_a_forged_page_cursor_is_not_a_server_error(client_for, cursor):
    client = client_for(DISPATCHER)
    assert client.get("/cases/", {"queue": "all", "cursor": cursor}).status_code < 500
    assert client.get("/api/v1/cases/", {"cursor": cursor}).status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, status",
    [
        ({"name": "我的\x00筛选", "query": "queue=all"}, 400),
        ({"name": "我的筛选", "query": "q=\x01"}, 400),
        ({"name": "我的筛选", "query": TEN_MB}, 413),
        ({"name": "", "query": "queue=all"}, 302),  # told why on the list it returns to
        ({"name": "长", "query": "q=" + "路" * 900}, 302),  # longer than the column once encoded
    ],
)
def test_a_hostile_saved_filter_is_refused_and_not_saved(client_for, user_named, data, status):
    client = client_for(DISPATCHER)
    response = client.post("/cases/filters/", data)
    assert response.status_code == status
    assert not SavedFilter.objects.filter(user=user_named(DISPATCHER)).exists()
    if status == 302:
        page = client.get(response["Location"]).content.decode()
        assert "筛选" in page and "messages" in page


@pytest.mark.django_db
def test_bulk_actions_ignore_ids_that_are_not_numbers(case_and_client):
    case, client = case_and_client
    data = {"action": "sign", "ids": ["99999999999999999999999", "abc", "-1", str(case.pk)]}
    response = client.post("/cases/bulk/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RECEIVED  # a received case cannot be signed for
