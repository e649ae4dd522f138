"""The signals page: the day's signals in rank order for the user's area
only, a chart of each, its map and its cases; decisions over HTTP."""

import json

import pytest

from earlywarning.models import Decision, Signal
from earlywarning.tests.factories import DAY, XUNXIAN_TOWNSHIP, signal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_city")]


def test_the_day_is_listed_in_rank_order_with_a_chart_for_each(client_for):
    second = signal(rank=2, category_id="040206")
    first = signal(rank=1)
    body = client_for("analyst").get("/warning/", {"day": DAY.isoformat()}).content.decode()
    assert body.index(f'id="signal-{first.pk}"') < body.index(f'id="signal-{second.pk}"')
    assert f'id="chart-{first.pk}"' in body and "农民工权益" in body


def test_a_county_sees_only_its_own_signals(client_for):
    mine, theirs = signal(), signal(area=XUNXIAN_TOWNSHIP, rank=2)
    body = client_for("qixian_dispatcher").get("/warning/", {"day": DAY.isoformat()}).content.decode()
    assert f'id="signal-{mine.pk}"' in body and f'id="signal-{theirs.pk}"' not in body
    assert client_for("qixian_dispatcher").get(f"/warning/{theirs.pk}/").status_code == 404
    assert client_for("qixian_dispatcher").get(f"/warning/{theirs.pk}/map.json").status_code == 404


def test_staff_without_an_analysis_role_are_turned_away(client_for):
    assert client_for("gw410611101001001").get("/warning/").status_code == 403


def test_an_explained_area_is_hidden_until_asked_for(client_for):
    village = signal(area="410622004200", rank=1)
    township = signal(rank=2, explained_by=village)
    client = client_for("analyst")
    assert f'id="signal-{township.pk}"' not in client.get("/warning/", {"day": DAY}).content.decode()
    body = client.get("/warning/", {"day": DAY, "all": "1"}).content.decode()
    assert f'id="signal-{township.pk}"' in body and "主要由 #1" in body


def test_the_map_has_the_cluster_grids_and_circle(client_for):
    cluster = {"grids": ["410622004200001"], "centre": [114.2, 35.6], "radius_m": 800}
    s = signal(kind="cluster", method="stp_scan", detail=cluster)
    data = json.loads(client_for("analyst").get(f"/warning/{s.pk}/map.json").content)
    assert [g["code"] for g in data["grids"]] == ["410622004200001"]
    assert data["radius_m"] == 800 and data["grids"][0]["shape"]["type"] in ("Polygon", "MultiPolygon")


def test_a_bad_day_is_a_clear_400(client_for):
    response = client_for("analyst").get("/warning/", {"day": "yesterday"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()


def test_dismissing_without_a_reason_over_htmx_keeps_the_form_and_says_why(client_for):
    s = signal()
    client = client_for("analyst")
    response = client.post(
        f"/warning/{s.pk}/decide/", {"decision": "dismissed", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "理由" in response.content.decode()
    assert Signal.objects.get(pk=s.pk).decision == Decision.OPEN
    response = client.post(
        f"/warning/{s.pk}/decide/", {"decision": "confirmed", "reason": "转专班"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "确认为风险" in response.content.decode()
    assert Signal.objects.get(pk=s.pk).decision == Decision.CONFIRMED
