"""Hostile input on the mediation forms — control characters, 10 MB strings,
years like 9999, numbers beyond any column, ids that are not numbers,
missing fields — gets a 4xx with a message, never a 500, and records nothing."""

import datetime as dt

import pytest

from changan import clock
from mediation.models import Dispute, RiskAssessment, Step, Visit

TEN_MB = "x" * 10_000_000


def an_hour_ago() -> str:
    return (clock.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def visit(**changes) -> dict:
    return {"at": an_hour_ago(), "place": "王家", "met": "王建国", "findings": "墙面发霉", **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"findings": "墙面\x00发霉"},
        {"place": "\x1b[2J"},
        {"met": TEN_MB},
        {"at": "9999-12-31T23:59"},
        {"at": "0001-01-01T00:00"},
        {"at": "99999-01-01"},
        {"at": ""},
        {"findings": ""},
    ],
)
def test_a_hostile_visit_is_refused_and_not_recorded(client_for, in_step, changes):
    dispute = in_step("enter")
    response = client_for("mediator").post(f"/mediation/{dispute.pk}/visit/", visit(**changes))
    assert 400 <= response.status_code < 500
    assert not Visit.objects.filter(dispute=dispute).exists()
    dispute.refresh_from_db()
    assert dispute.step == Step.ENTER


@pytest.mark.django_db
@pytest.mark.parametrize("group_size", ["99999999999999999999999", "9223372036854775807", "-1", "²", "1e3"])
def test_a_group_size_beyond_any_column_is_refused(client_for, in_step, group_size):
    dispute = in_step("stabilise")
    form = {"level": "low", "reasons": "双方愿意协商", "measures": "日常关注", "group_size": group_size}
    response = client_for("mediator").post(f"/mediation/{dispute.pk}/assess/", form)
    assert response.status_code == 400
    assert not RiskAssessment.objects.filter(dispute=dispute).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("mediator", ["99999999999999999999999", "²", "abc", "-5"])
def test_choosing_a_forged_mediator_is_refused(client_for, registered, mediator):
    dispute = registered()
    response = client_for("dispatcher_410611").post(
        f"/mediation/{dispute.pk}/choose/", {"mediator": mediator}
    )
    assert response.status_code == 400
    assert Dispute.objects.get(pk=dispute.pk).mediator_id is None


@pytest.mark.django_db
def test_an_extension_to_year_9999_with_forged_consents_is_refused(client_for, in_step):
    dispute = in_step("mediate")
    due = dispute.due_at
    form = {
        "until": "9999-12-31T00:00",
        "consenting": ["abc", "²", "99999999999999999999999"],
        "note": "延期",
    }
    response = client_for("mediator").post(f"/mediation/{dispute.pk}/extend/", form)
    assert response.status_code == 400
    assert Dispute.objects.get(pk=dispute.pk).due_at == due


@pytest.mark.django_db
@pytest.mark.parametrize("obligation", ["²", "99999999999999999999999"])
def test_performance_of_a_forged_obligation_is_a_client_error(client_for, in_step, obligation):
    dispute = in_step("clear")
    form = {"obligation": obligation, "performed_on": "2026-01-01", "note": "已付"}
    response = client_for("mediator").post(f"/mediation/{dispute.pk}/perform/", form)
    assert 400 <= response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "party",
    [
        {"party-0-birth_year": "99999999999999999999"},
        {"party-0-birth_year": "²"},
        {"party-0-name": "王\x00建国"},
        {"leader": "99999999999999999999"},
        {"leader": "²"},
    ],
)
def test_a_hostile_registration_registers_nothing(client_for, new_case, party):
    case = new_case()
    form = {
        "dispute_type": "neighbour", "summary": "漏水", "level": "township", "risk": "low",
        "party-0-side": "applicant", "party-0-kind": "person", "party-0-name": "王建国",
        "party-2-side": "respondent", "party-2-kind": "person", "party-2-name": "李秀英",
        **party,
    }  # fmt: skip
    response = client_for("dispatcher_410611").post(f"/mediation/register/{case.pk}/", form)
    assert response.status_code == 400
    assert not Dispute.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"end": "9999-12-31"}, {"start": "0001-01-01"}, {"start": "2026-13-01"}, {"end": "\x00"}],
)
def test_the_figures_refuse_dates_out_of_range(client_for, query):
    response = client_for("dispatcher_410611").get("/mediation/figures/", query)
    assert response.status_code == 400
