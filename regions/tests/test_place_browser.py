"""In a real browser: log in, walk the area tree down to grids, see the map."""

import pytest

from conftest import log_in

pytestmark = pytest.mark.browser


def test_a_dispatcher_walks_from_county_to_grids(page, tmp_path):
    log_in(page, "qixian_dispatcher")
    page.wait_for_url("**/cases/")
    page.click("header.topbar >> text=区域与网格")
    page.wait_for_url("**/places/410622000000/")
    assert page.locator("h1").inner_text().startswith("淇县")
    rows = page.locator("#child-table tbody tr")
    assert rows.count() == 9  # 淇县's nine townships
    # The map draws the townships' polygons from local Leaflet.
    page.wait_for_selector("#map.ready")
    assert page.locator("#map").get_attribute("data-features") == "9"
    assert page.locator("#map path.leaflet-interactive").count() >= 9
    page.screenshot(path=str(tmp_path / "county.png"), full_page=True)

    page.click("text=高村镇")
    page.wait_for_url("**/places/410622101000/")
    page.locator("#child-table tbody tr a").first.click()
    page.wait_for_selector("#grid-table")
    assert page.locator("#grid-table tbody tr").count() >= 7
    assert "网格" in page.locator("#grid-table tbody tr").first.inner_text()
    assert page.external_requests == []


def test_the_interface_switches_to_english(page):
    log_in(page, "city_dispatcher")
    page.wait_for_url("**/cases/")
    page.goto("/places/")
    page.wait_for_url("**/places/410600000000/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Areas and grids" in page.locator("header.topbar").inner_text()
    assert "Households" in page.locator("#child-table thead").inner_text()


def test_a_wrong_password_is_refused_with_a_message(page):
    log_in(page, "city_dispatcher", password="wrong")
    assert "用户名、密码或动态验证码不正确" in page.content()
