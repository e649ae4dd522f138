"""A new case — from the citizen page or an operator — gets its category,
appeal type, lead unit and duplicate candidates within the request, from the
shipped models, and staff see the confidence."""

import re

import pytest

from cases import services
from cases.models import Case, Category, Channel, Status
from intake.models import PlaceKind
from intake.services import place_token
from intel.duplicates import DUPLICATE_THRESHOLD
from orgs.models import OrgUnit
from regions.models import Grid
from triage.models import Triage

REPEAT = ("化工厂晚上排废气", "化工厂晚上偷偷排放废气，刺鼻难闻，村民都睡不着觉，请查处。")
FUMES = ("化工厂夜间偷排废气", "村东头化工厂每天夜里排放刺鼻废气，气味很大，村民头晕恶心，请环保部门查处。")

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def receive(db, user_named):
    grid = Grid.objects.filter(code__startswith="410622001").order_by("code").first()
    point = grid.boundary.representative_point()

    def make(title=FUMES[0], description=FUMES[1], **fields):
        return services.receive_case(
            by=user_named("qixian_dispatcher"), title=title, description=description, channel=Channel.HOTLINE,
            lon=point.x, lat=point.y, **fields,
        )  # fmt: skip

    return make


def test_an_operators_case_is_classified_routed_and_typed(receive):
    case = receive()
    triage = Triage.objects.get(case=case)
    top = triage.categories[0]
    assert top["name"] == "环境保护" and top["code"] == "04" and top["confidence"] >= 0.8
    assert len(triage.categories) == 3 and triage.confidence == top["confidence"]
    case.refresh_from_db()
    assert case.category_id == "04" and "category" in triage.prefilled and not triage.needs_human
    assert case.appeal_type and triage.appeal_type == case.appeal_type
    assert triage.unit == OrgUnit.objects.get(name="淇县生态环境局")
    assert triage.sectors and triage.sectors[0]["sector"] == "ecology"


def test_what_a_person_chose_is_kept(receive):
    case = receive(category=Category.objects.get(code="010201"), appeal_type="consult")
    case.refresh_from_db()
    assert (case.category_id, case.appeal_type) == ("010201", "consult")
    triage = Triage.objects.get(case=case)
    assert triage.prefilled == [] and triage.categories[0]["name"] == "环境保护"  # suggested, not applied
    assert triage.unit == OrgUnit.objects.get(name="淇县住房和城乡建设局")  # routed by the chosen category


def test_a_repeat_report_finds_the_first_as_a_duplicate(receive):
    first = receive()
    again = receive(*REPEAT)
    other = receive(title="路灯不亮", description="村口路灯坏了一个月，晚上出行不便。")
    found = Triage.objects.get(case=again).duplicates
    assert [d["case"] for d in found] == [first.pk] and found[0]["score"] >= DUPLICATE_THRESHOLD
    assert found[0]["metres"] is not None and found[0]["metres"] < 50
    assert first.pk not in [d["case"] for d in Triage.objects.get(case=other).duplicates]


def test_the_case_page_shows_the_confidence_and_merges_in_one_click(receive, client_for):
    first = receive()
    again = receive(*REPEAT)
    client = client_for("qixian_dispatcher")
    page = client.get(f"/cases/{again.pk}/").content.decode()
    assert 'id="triage"' in page and "环境保护" in page and re.search(r"\d+%", page)
    assert f"<code>{first.number}</code>" in page.split('id="duplicates"')[1]
    response = client.post(f"/cases/{again.pk}/act/merge/", {"into": first.number, "note": "疑似重复件"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.parent_id == first.pk


def test_a_residents_report_without_a_category_is_classified_in_the_request(db, client):
    token = place_token(PlaceKind.GRID, "410611101001001")
    form = {"key": "t-1", "text": "小区门口餐馆油烟直排，噪音扰民，晚上十一点还在营业", "family": "",
            "phone": "", "consent": "on"}  # fmt: skip
    assert client.post(f"/report/?p={token}", form).status_code == 302
    case = Case.objects.get(channel=Channel.QR, description__contains="油烟直排")
    triage = Triage.objects.get(case=case)
    assert triage.categories[0]["name"] == "环境保护" and triage.unit is not None


def test_the_api_gives_the_suggestions_and_only_visible_duplicates(receive, client_for):
    first = receive()
    again = receive(*REPEAT)
    data = client_for("qixian_dispatcher").get(f"/api/v1/cases/{again.pk}/").json()["triage"]
    assert data["categories"][0]["name"] == "环境保护" and data["unit_name"] == "淇县生态环境局"
    assert [d["number"] for d in data["duplicates"]] == [first.number]
    # Another county's staff would not even see the case; a city analyst sees it all.
    assert client_for("dispatcher_410611").get(f"/api/v1/cases/{again.pk}/").status_code == 404


def test_duplicates_the_viewer_may_not_see_are_left_out(receive, client_for):
    first = receive()
    again = receive(*REPEAT)
    elsewhere = services.receive_case(  # another county's case: not the 淇县 dispatcher's to see
        by=None, title="别处", description="别处的案件", channel=Channel.QR, area_code="410611101001"
    )
    triage = Triage.objects.get(case=again)
    triage.duplicates.append({"case": elsewhere.pk, "number": elsewhere.number, "score": 0.9, "metres": 10})
    triage.save()
    data = client_for("qixian_dispatcher").get(f"/api/v1/cases/{again.pk}/").json()["triage"]
    assert [d["number"] for d in data["duplicates"]] == [first.number]
    page = client_for("qixian_dispatcher").get(f"/cases/{again.pk}/").content.decode()
    assert elsewhere.number not in page


def test_one_batch_does_not_offer_a_case_its_later_twin(user_named):
    from cases.services import NewCase

    item = NewCase(title=FUMES[0], description=FUMES[1], channel=Channel.HOTLINE, area_code="410622001001")
    one, two = services.receive_cases(items=[item, item], by=user_named("qixian_dispatcher"))
    assert Triage.objects.get(case=one).duplicates == []
    assert [d["case"] for d in Triage.objects.get(case=two).duplicates] == [one.pk]


def test_an_operators_category_against_the_model_is_an_override(receive, user_named):
    from triage.models import Override

    case = receive(category=Category.objects.get(code="010201"))
    (override,) = Override.objects.filter(case=case)
    assert (override.suggested, override.chosen, override.by) == (
        "04",
        "010201",
        user_named("qixian_dispatcher"),
    )


def test_without_a_model_file_cases_are_still_received(receive, settings):
    from triage import engines

    settings.TRIAGE_MODEL_VERSION = "missing"
    for load in (engines.category_model, engines.appeal_type_model, engines.router_model):
        load.cache_clear()
    try:
        case = receive()
        triage = Triage.objects.get(case=case)
        assert triage.categories == [] and triage.needs_human and case.category_id is None
        assert triage.unit is not None  # routing needs no model: the township office
    finally:
        for load in (engines.category_model, engines.appeal_type_model, engines.router_model):
            load.cache_clear()


def test_an_import_leaves_duplicates_to_the_worker(user_named, settings):
    from io import StringIO

    from django.core.management import call_command

    from cases.services import NewCase

    settings.DUPLICATE_INLINE_BATCH = 2
    item = NewCase(title=FUMES[0], description=FUMES[1], channel=Channel.HOTLINE, area_code="410622001001")
    cases = services.receive_cases(items=[item] * 3, by=user_named("qixian_dispatcher"))
    rows = Triage.objects.filter(case__in=cases).order_by("case_id")
    assert [r.duplicates_checked for r in rows] == [False] * 3 and rows[0].categories  # classified at once
    call_command("run_worker", "--once", stdout=StringIO())
    rows = Triage.objects.filter(case__in=cases).order_by("case_id")
    assert all(r.duplicates_checked for r in rows)
    assert [[d["case"] for d in r.duplicates] for r in rows] == [
        [],
        [cases[0].pk],
        [cases[1].pk, cases[0].pk],
    ]
