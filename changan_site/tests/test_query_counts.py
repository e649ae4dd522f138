"""The main pages and API lists cost the same number of queries for 3 cases
as for 12: no query per row (N+1), which a city's queue of thousands would
turn into seconds. Measured from the outside, through the URLs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases import services
from cases.models import Category, Channel
from mediation import services as mediation
from mediation.models import DisputeType, Level, Side
from orgs.models import OrgUnit
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")

PAGES = {
    "qixian_dispatcher": [
        "/cases/",
        "/cases/?queue=all",
        "/cases/map/data.json",
        "/screen/data.json",
        "/inbox/",
        "/places/410622000000/",
        "/api/v1/cases/",
        "/api/v1/grids/",
        "/api/v1/org-units/",
        "/api/v1/notifications/",
        "/open311/v2/requests.json",
    ],
    "handler": ["/cases/", "/api/v1/cases/", "/inbox/"],
    "dispatcher_410611": ["/mediation/", "/api/v1/disputes/", "/cases/"],
}
MOST = 50  # a ceiling whatever the rows (the work list is near 40: a count per queue)


def add_cases(count: int) -> None:
    """``count`` cases in a 淇县 grid dispatched to the 住建局, and ``count``
    disputes in 钜桥镇 (淇滨区)."""
    category = Category.objects.get(code="010201")
    bureau = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    qixian, qibin = (User.objects.get(username=name) for name in ("qixian_dispatcher", "dispatcher_410611"))
    for i in range(count):
        case = _case(qixian, "410622001", category, i)
        services.dispatch(case=case, by=qixian, unit=bureau)
        mediation.register(
            case=_case(qibin, "410611101002", category, i),
            by=qibin,
            dispute_type=DisputeType.objects.get(pk="neighbour"),
            parties=[
                mediation.PartyInput(side=Side.APPLICANT, name="王建国", phone=f"138039200{i:02d}"),
                mediation.PartyInput(side=Side.RESPONDENT, name="李秀英", phone=f"139039200{i:02d}"),
            ],
            summary="楼上漏水致楼下墙面受损",
            level=Level.TOWNSHIP,
        )


def _case(by: User, village: str, category: Category, i: int):
    point = Grid.objects.filter(code__startswith=village).first().boundary.representative_point()
    case = services.receive_case(
        by=by, title=f"小区门口垃圾堆放多日无人清理（{i}）", description="气味很大，请尽快处理。",
        channel=Channel.HOTLINE, appeal_type="complaint", category=category, lon=point.x, lat=point.y,
        reporter_name="王先生", reporter_phone=f"138123456{i:02d}",
    )  # fmt: skip
    return services.accept(case=case, by=by)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_pages_and_lists_cost_the_same_for_few_and_many_cases(client_for):
    add_cases(3)
    few = {(user, url): queries(client_for(user), url) for user, urls in PAGES.items() for url in urls}
    add_cases(9)
    many = {(user, url): queries(client_for(user), url) for user, urls in PAGES.items() for url in urls}
    assert many == few, (few, many)
    assert max(few.values()) <= MOST, few


def test_the_case_page_costs_the_same_for_a_short_and_a_long_history(client_for, user_named):
    client, dispatcher = client_for("qixian_dispatcher"), user_named("qixian_dispatcher")
    case = _case(dispatcher, "410622001", Category.objects.get(code="010201"), 0)
    short = queries(client, f"/cases/{case.pk}/")
    for n in range(6):
        services.supervise(case=case, by=dispatcher, note=f"请加快办理（{n}）")
    assert queries(client, f"/cases/{case.pk}/") == short <= MOST
