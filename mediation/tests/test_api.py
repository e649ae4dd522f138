"""The disputes API: the list and a dispute are scoped to the user (another
county sees nothing and gets 404), a dispute reads with its parties, steps,
deadlines and the steps this user may take now, and every step of
选·进·稳·调·清 runs through its own POST with the pages' inputs — a step the
user may not take is 403, bad input 400 with messages in Chinese, and
neither changes anything."""

import datetime as dt
import json
import re

import pytest

from cases.models import Status
from changan import clock
from intake import photos
from intake.tests.photo_files import jpeg, upload
from mediation.models import Dispute, Obligation, Side, Step, Visit
from mediation.tests.conftest import GRID

API = "/api/v1/disputes/"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def an_hour_ago() -> str:
    return (clock.localtime() - dt.timedelta(hours=1)).isoformat()


@pytest.mark.django_db
def test_the_list_and_a_dispute_are_scoped_to_the_user(client_for, registered):
    dispute = registered()
    mine = client_for("dispatcher_410611").get(API)
    assert mine.status_code == 200 and dispute.pk in [d["id"] for d in mine.json()["results"]]
    other = client_for("qixian_dispatcher")  # 淇县: the dispute is in 淇滨区
    assert other.get(API).json()["results"] == []
    assert other.get(f"{API}{dispute.pk}/").status_code == 404
    assert post(other, f"{API}{dispute.pk}/choose/", {"mediator": 1}).status_code == 404


@pytest.mark.django_db
def test_a_dispute_reads_with_parties_steps_deadlines_and_allowed_steps(client_for, registered, mediator):
    dispute = registered()
    body = client_for("dispatcher_410611").get(f"{API}{dispute.pk}/").json()
    assert body["step"] == Step.CHOOSE and body["allowed_steps"] == ["choose"]
    assert {p["name"]: p["phone_masked"] for p in body["parties"]}["王建国"] == "138****0001"
    assert "13803920001" not in json.dumps(body)  # only masked contact details
    assert [s["step"] for s in body["steps"] if s["current"]] == [Step.CHOOSE]
    assert body["step_due_at"] and body["agreement"] is None
    # Not yet the mediator's: the committee sees the case once it is dispatched to it.
    assert client_for("mediator").get(f"{API}{dispute.pk}/").status_code == 404


@pytest.mark.django_db
def test_every_step_through_the_api_in_order(client_for, new_case, mediator):
    case = new_case()
    dispatcher = client_for("dispatcher_410611")
    parties = [
        {"side": "applicant", "name": "王建国", "phone": "13803920001", "id_number": "410611196805120014",
         "grid": GRID},
        {"side": "respondent", "name": "李秀英", "phone": "13803920002"},
    ]  # fmt: skip
    created = post(
        dispatcher,
        API,
        {
            "case": case.pk,
            "dispute_type": "neighbour",
            "summary": "漏水",
            "level": "township",
            "parties": parties,
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    url = f"{API}{pk}"
    body = post(dispatcher, f"{url}/choose/", {"mediator": mediator.pk}).json()
    assert body["step"] == Step.ENTER and body["mediator"] == mediator.pk

    client = client_for("mediator")
    assert client.get(f"{url}/").json()["allowed_steps"] == ["sign_case"]
    respondent = Dispute.objects.get(pk=pk).parties.get(side=Side.RESPONDENT).pk
    everyone = list(Dispute.objects.get(pk=pk).parties.values_list("pk", flat=True))
    later = (clock.localtime() + dt.timedelta(days=1)).isoformat()
    today = clock.today().isoformat()
    steps = [
        ("sign-case", {}, Step.ENTER),
        ("plan", {"kind": "visit", "at": later, "place": "王家"}, Step.ENTER),
        ("visit", {"at": an_hour_ago(), "place": "王家", "met": "王建国", "findings": "发霉"},
         Step.STABILISE),
        ("extend", {"until": (clock.localtime() + dt.timedelta(days=60)).isoformat(), "consenting": everyone},
         Step.STABILISE),
        ("assess", {"level": "low", "reasons": "双方愿意协商", "measures": "日常关注"}, Step.MEDIATE),
        ("session", {"at": an_hour_ago(), "place": "调解室", "attendees": "双方", "minutes": "释法明理"},
         Step.MEDIATE),
        ("conclude", {"outcome": "agreement", "facts": "漏水", "terms": "赔偿", "performance": "现金",
                      "obligations": [{"party": respondent, "what": "赔偿2000元", "due_on": today}]},
         Step.MEDIATE),
        ("sign-agreement", {"signed_at": clock.localtime().isoformat()}, Step.CLEAR),
        ("perform", lambda: {"obligation": Obligation.objects.get(agreement__dispute=pk).pk,
                             "performed_on": today}, Step.CLEAR),
        ("follow-up", {"at": clock.localtime().isoformat(), "place": "王家", "met": "王建国",
                       "findings": "满意", "satisfaction": 5}, Step.CLEAR),
        ("confirmation", {"what": "waive"}, Step.CLEAR),
        ("clear", {"summary": "案结事了"}, Step.DONE),
    ]  # fmt: skip
    for name, data, step in steps:
        answer = post(client, f"{url}/{name}/", data() if callable(data) else data)
        assert answer.status_code == 200, (name, answer.json())
        assert answer.json()["step"] == step, name
    dispute = Dispute.objects.get(pk=pk)
    assert dispute.case.status == Status.REPLIED and dispute.agreement.confirmation_waived
    assert dispute.due_at.date() > (clock.today() + dt.timedelta(days=50))  # the extension held


@pytest.mark.django_db
def test_a_step_the_user_may_not_take_is_refused_and_changes_nothing(client_for, registered, in_step):
    dispute = registered()
    # The county's leader sees the dispute, but the 综治中心 chooses its mediator.
    refused = post(client_for("leader_410611"), f"{API}{dispute.pk}/choose/", {"mediator": 1})
    assert refused.status_code == 403 and "综治中心" in refused.json()["detail"]
    dispute = in_step("enter")
    visit = {"at": an_hour_ago(), "place": "王家", "met": "王建国", "findings": "墙面发霉"}
    refused = post(client_for("dispatcher_410611"), f"{API}{dispute.pk}/visit/", visit)
    assert refused.status_code == 403 and "调解员" in refused.json()["detail"]
    refused = post(client_for("mediator"), f"{API}{dispute.pk}/session/", {})  # before the risk assessment
    assert refused.status_code == 403
    assert not Visit.objects.filter(dispute=dispute).exists()
    assert Dispute.objects.get(pk=dispute.pk).step == Step.ENTER


@pytest.mark.django_db
def test_bad_input_is_400_with_chinese_messages_and_records_nothing(client_for, in_step):
    dispute = in_step("enter")
    client = client_for("mediator")
    events = dispute.case.events.count()
    bad = post(client, f"{API}{dispute.pk}/visit/", {"at": "9999-12-31T00:00", "place": "", "met": "王建国"})
    assert bad.status_code == 400
    errors = bad.json()
    assert {"at", "place", "findings"} <= set(errors)
    assert all(CHINESE.search(m) for field in ("at", "place", "findings") for m in errors[field])
    unknown = post(client, f"{API}{dispute.pk}/extend/", {"until": "2026-13-01", "consenting": [999999999]})
    assert unknown.status_code == 400 and {"until", "consenting"} <= set(unknown.json())
    assert not Visit.objects.filter(dispute=dispute).exists()
    dispute.refresh_from_db()
    assert dispute.step == Step.ENTER and dispute.case.events.count() == events


@pytest.mark.django_db
def test_a_registration_naming_one_side_is_refused(client_for, new_case):
    case = new_case()
    body = {"case": case.pk, "dispute_type": "neighbour", "summary": "漏水",
            "parties": [{"side": "applicant", "name": "王建国"}]}  # fmt: skip
    refused = post(client_for("dispatcher_410611"), API, body)
    assert refused.status_code == 400 and "parties" in refused.json()
    assert not Dispute.objects.filter(case=case).exists()
    body["case"] = 999999999  # not a case this user may see
    assert post(client_for("dispatcher_410611"), API, body).status_code == 400


@pytest.mark.django_db
def test_every_step_is_in_the_openapi_schema(client_for):
    paths = client_for("dispatcher_410611").get("/api/schema/", {"format": "json"}).json()["paths"]
    for step in ("choose", "sign-case", "visit", "assess", "session", "conclude", "sign-agreement",
                 "extend", "perform", "follow-up", "confirmation", "hand-over", "clear", "plan"):  # fmt: skip
        assert "post" in paths[f"/api/v1/disputes/{{id}}/{step}/"], step
    assert "get" in paths["/api/v1/disputes/"] and "post" in paths["/api/v1/disputes/"]


@pytest.mark.django_db
def test_a_visit_with_photos_goes_through_the_one_photo_reader(client_for, in_step):
    dispute = in_step("enter")
    form = {"at": an_hour_ago(), "place": "王家", "met": "王建国", "findings": "墙面发霉"}
    url = f"{API}{dispute.pk}/visit/"
    client = client_for("mediator")
    too_many = [upload(f"{i}.jpg", jpeg()) for i in range(photos.MAX_PHOTOS + 1)]
    refused = client.post(url, {**form, "photos": too_many})  # multipart
    assert refused.status_code == 400 and "最多 6 张照片" in refused.json()["photos"][0]
    assert not Visit.objects.filter(dispute=dispute).exists()
    done = client.post(url, {**form, "photos": [upload("a.jpg", jpeg())]})
    assert done.status_code == 200 and Visit.objects.get(dispute=dispute).photos.count() == 1
