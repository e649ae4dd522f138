"""The data center in a real browser: charts and the heat map draw from
local assets, a click drills down, and the wall display fills 1920×1080."""

import pytest

from conftest import log_in

pytestmark = pytest.mark.browser


def test_the_first_screen_renders_and_drills_down(browser, demo_server, artifacts):
    context = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 1920, "height": 1080}
    )
    page = context.new_page()
    outside = []
    page.on("request", lambda r: None if r.url.startswith(demo_server) else outside.append(r.url))
    log_in(page, "leader")
    page.goto("/screen/")
    for chart in ("chart-days", "chart-months", "chart-families", "heat-map"):
        page.wait_for_selector(f"#{chart}[data-ready='1']")
    assert int(page.locator("[data-kpi=year]").inner_text()) > 0
    assert page.locator("#heat-map path.leaflet-interactive").count() > 10  # townships drawn
    page.screenshot(path=str(artifacts / "screen-city.png"))
    page.locator("table.ranking[data-kind=area] tbody a").first.click()
    page.wait_for_selector("#heat-map[data-ready='1']")
    county = page.locator(".screen-head h1").inner_text()
    assert "区" in county or "县" in county
    page.goto(page.url + "&wall=1")
    page.wait_for_selector("#chart-days[data-ready='1']")
    page.wait_for_selector("#heat-map[data-ready='1']")
    assert page.evaluate("document.querySelector('.screen.wall').getBoundingClientRect().width") == 1920
    page.screenshot(path=str(artifacts / "screen-wall.png"))
    assert outside == []
