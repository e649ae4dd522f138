"""Registering a case: number, place, reporter privacy, validation."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import CaseEvent, Status
from changan import crypto
from notify.models import Notification
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_a_case_gets_a_readable_number_its_grid_and_a_first_event(new_case, qixian_grid, dispatcher):
    case = new_case()
    assert re.fullmatch(r"\d{8}\d{5}", case.number)
    assert case.grid_id == qixian_grid.code and case.area_id == qixian_grid.village_id
    assert case.status == Status.RECEIVED
    (event,) = CaseEvent.objects.filter(case=case)
    assert (event.seq, event.action, event.to_status, event.actor) == (
        1,
        "receive",
        Status.RECEIVED,
        dispatcher,
    )
    # The county's dispatchers are told.
    assert Notification.objects.filter(case=case, recipient=dispatcher, kind="case_received").exists()


@pytest.mark.django_db
def test_the_reporters_phone_is_stored_encrypted_and_shown_masked(new_case):
    case = new_case()
    assert case.reporter_phone_masked == "138****5678"
    assert b"13812345678" not in bytes(case.reporter_phone_encrypted)
    assert crypto.decrypt(case.reporter_phone_encrypted) == "13812345678"


@pytest.mark.django_db
def test_numbers_are_never_duplicated_within_a_day(new_case):
    numbers = [new_case().number for _ in range(5)]
    assert len(set(numbers)) == 5
    assert [int(n[-5:]) for n in numbers] == sorted(int(n[-5:]) for n in numbers)


@pytest.mark.django_db
def test_bad_input_is_refused_with_every_problem_named(new_case):
    with pytest.raises(ValidationError) as err:
        new_case(title=" ", channel="pigeon", reporter_phone="call me", lon=None, lat=None)
    problems = err.value.message_dict
    assert {"title", "channel", "reporter_phone", "location"} <= set(problems)
    assert "the title is required" in problems["title"][0]


@pytest.mark.django_db
def test_a_point_outside_the_city_is_refused(new_case):
    with pytest.raises(ValidationError, match="outside the jurisdiction"):
        new_case(lon=100.0, lat=20.0)


@pytest.mark.django_db
def test_a_dispatcher_cannot_register_a_case_in_another_county(new_case, user_named):
    xunxian = Grid.objects.filter(code__startswith="410621").first().boundary.representative_point()
    with pytest.raises(PermissionDenied):
        new_case(lon=xunxian.x, lat=xunxian.y)


@pytest.mark.django_db
def test_a_case_without_a_point_needs_an_area_code(new_case):
    case = new_case(lon=None, lat=None, area_code="410622001001", address="朝歌街道某小区")
    assert case.area_id == "410622001001" and case.grid_id is None
    with pytest.raises(ValidationError, match="unknown area code"):
        new_case(lon=None, lat=None, area_code="410622999999")


@pytest.mark.django_db
def test_a_batch_is_all_or_nothing(new_case, category, dispatcher):
    before = CaseEvent.objects.count()
    good = services.NewCase(title="t", description="d", channel="hotline", area_code="410622001001")
    bad = services.NewCase(title="", description="d", channel="hotline", area_code="410622001001")
    with pytest.raises(ValidationError):
        services.receive_cases(items=[good, bad], by=dispatcher)
    assert CaseEvent.objects.count() == before
