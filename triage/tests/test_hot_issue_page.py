"""The console's hot-issue page lists bursts of one matter at one place,
hottest first, with the cases behind each, only from the user's area."""

import datetime as dt

import pytest

from cases import services
from cases.models import Channel
from changan import clock
from regions.models import Grid

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def burst(db, user_named):
    """Eight residents about parking at one community in five days, and
    scattered single reports elsewhere."""
    grids = list(Grid.objects.filter(code__startswith="410611").order_by("code")[:6])
    dispatcher = user_named("dispatcher_410611")
    now = clock.now()
    made = []
    for n in range(8):
        point = grids[0].boundary.representative_point()
        with clock.frozen_at(now - dt.timedelta(days=5 - n * 0.6)):
            made.append(
                services.receive_case(
                    by=dispatcher,
                    title="幸福苑车位只售不租",
                    description=f"幸福苑小区开发商捆绑销售车位，不买车位不让停车，第{n}位业主反映。",
                    channel=Channel.HOTLINE,
                    lon=point.x,
                    lat=point.y,
                    reporter_phone=f"1390000{n:04d}",
                )
            )
    others = ["路灯不亮", "井盖缺失", "噪音扰民", "垃圾堆放", "占道经营"]
    for n, text in enumerate(others):
        grid = grids[1 + n % (len(grids) - 1)]  # the small city's 淇滨区 has three grids
        point = grid.boundary.representative_point()
        services.receive_case(
            by=dispatcher,
            title=f"其他问题{n}",
            description=text,
            channel=Channel.HOTLINE,
            lon=point.x,
            lat=point.y,
            reporter_phone=f"1380000{n:04d}",
        )
    return made


def test_the_burst_is_the_hottest_issue_with_its_cases(burst, client_for):
    page = client_for("dispatcher_410611").get("/hot/?days=30").content.decode()
    first = page.split('class="card hot-issue"')[1]
    assert all(c.number in first for c in burst)
    assert "8 件，8 位反映人" in first


def test_other_areas_do_not_see_it(burst, client_for):
    page = client_for("qixian_dispatcher").get("/hot/?days=30").content.decode()
    assert burst[0].number not in page


def test_a_bad_window_is_refused_and_handlers_are_kept_out(burst, client_for):
    response = client_for("dispatcher_410611").get("/hot/?days=7")
    assert response.status_code == 400 and "30/90/180/365" in response.content.decode()
    assert client_for("handler").get("/hot/").status_code == 403
