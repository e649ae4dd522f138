"""The data center pages: who may see them, what they carry, the exports."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from changan import clock
from demo.year import simulate_year
from figures.tests.test_dashboard_figures import END

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def some_cases(small_city):
    """A year of cases ending on END, looked at on the evening of END (the
    screen's "today", "this month" and "this year" are the clock's)."""
    simulate_year(cases_per_year=150, seed=3, end=END)
    with clock.frozen_at(timezone.make_aware(dt.datetime.combine(END, dt.time(20)))):
        yield


@pytest.mark.django_db
def test_only_leaders_analysts_and_dispatchers_see_the_data_center(client_for):
    assert client_for("handler").get("/screen/").status_code == 403
    page = client_for("leader").get("/screen/")
    text = page.content.decode()
    assert page.status_code == 200 and "一屏观全域" in text
    assert "响应率 = 按时响应的案件 ÷ 受理的案件" in text  # each rate's formula on hover
    assert "综合得分 = 响应率 × 30% + 解决率 × 35% + 满意率 × 35%" in text


@pytest.mark.django_db
def test_the_screen_data_shapes_and_drill_down(client_for, some_cases):
    client = client_for("leader")
    data = client.get("/screen/data.json").json()
    assert data["area"]["code"] == "410600000000" and data["totals"]["year"]["counts"]["received"] > 0
    shapes = client.get("/screen/shapes.geojson").json()
    townships = {f["properties"]["code"] for f in shapes["features"]}
    assert {h["code"] for h in data["heat"]} <= townships  # every heat figure has a shape
    county = client.get("/screen/data.json", {"area": "410611000000"}).json()
    assert county["area"]["name"] == "淇滨区"
    grids = client.get("/screen/shapes.geojson", {"area": "410611101000"}).json()
    assert all(len(f["properties"]["code"]) == 15 for f in grids["features"])
    wall = client.get("/screen/", {"wall": "1", "area": "410611000000"}).content.decode()
    assert 'class="screen wall"' in wall and "淇滨区" in wall


@pytest.mark.django_db
def test_rankings_and_case_lists_export_to_excel_with_chinese_headers(client_for, some_cases):
    client = client_for("leader")
    for table, header in (("children", "区划代码"), ("units", "单位"), ("families", "分类")):
        response = client.get(f"/screen/export/{table}.xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert header in [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert sheet.max_row > 1
    assert client.get("/screen/export/nope.xlsx").status_code == 404
    cases = client_for("dispatcher_410611").get("/cases/export.xlsx", {"queue": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(cases.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号" and len(rows) > 1
    assert all(str(r[0]).startswith("20") for r in rows[1:])
