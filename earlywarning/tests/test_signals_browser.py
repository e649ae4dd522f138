"""In a real browser: the analyst opens the signals page the morning after
the demo city was loaded, finds the planted odour complaints on their day
with a chart of the series against its bound and a map of the place,
opens the cases behind it and confirms it. Screenshot in
build/test-artifacts/signals.png."""

import pytest

from changan import clock
from conftest import log_in
from demo.warning import found_day
from demo.year import ODOUR_CLUSTER

pytestmark = pytest.mark.browser


def test_the_analyst_sees_a_planted_event_with_its_chart_and_map_and_confirms_it(page, artifacts):
    log_in(page, "analyst")
    page.wait_for_url("**/cases/")
    page.click("nav >> text=风险预警")
    assert page.locator("article.signal").count() > 0  # yesterday's run, made by load_demo

    day = found_day(ODOUR_CLUSTER, clock.today())  # the server's today (its clock is shifted as ours)
    page.goto(f"/warning/?day={day.isoformat()}")
    card = page.locator("article.signal", has_text="黎阳街道").first
    card.scroll_into_view_if_needed()
    card.locator(".signal-chart svg").wait_for()  # ECharts drew the series and its bound
    card.locator(".signal-map.leaflet-container path").first.wait_for()  # Leaflet drew the place
    assert "实际" in card.inner_text()
    page.screenshot(path=str(artifacts / "signals.png"), full_page=False)

    card.locator("input[name=reason]").fill("工业路企业夜间排放，转环保专班")
    card.locator("button[value=confirmed]").click()
    card.locator(".decided.confirmed").wait_for()
    assert "确认为风险" in card.inner_text()

    card.locator("h2 a").click()
    page.wait_for_selector("table.signal-cases")
    titles = page.locator("table.signal-cases td:nth-child(3)").all_inner_texts()
    assert any(t in ODOUR_CLUSTER.titles for t in titles)
    assert page.external_requests == []
