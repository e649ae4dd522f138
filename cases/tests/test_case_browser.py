"""In a real browser: a dispatcher accepts and dispatches, the unit signs and
replies, the dispatcher verifies — all from the plain pages."""

import pytest
from playwright.sync_api import expect

from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser


def test_a_case_goes_round_the_loop_in_the_browser(page, browser, demo_server, artifacts):
    log_in(page, "qixian_dispatcher")
    page.wait_for_url("**/cases/")
    # A hotline call registered through the API in the same session.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    created = page.request.post(
        "/api/v1/cases/",
        data={"title": "垃圾清运不及时", "description": "朝歌街道某小区垃圾三天未清运", "channel": "hotline",
              "area_code": "410622001001", "category": "010201"},
        headers={"X-CSRFToken": csrf, "Referer": demo_server + "/cases/"},
    )  # fmt: skip
    assert created.status == 201, created.text()
    number = created.json()["number"]
    page.reload()
    assert int(page.locator("a.tab[data-queue=to_accept] .count").inner_text()) >= 1
    page.click("a.tab[data-queue=to_accept]")
    page.click(f"text={number}")
    page.wait_for_selector("#timeline")
    page.evaluate("window.sameDocument = true")  # gone if an action reloads the whole page

    page.click("details[data-action=accept] summary")
    page.click("details[data-action=accept] button[type=submit]")
    page.wait_for_selector("details[data-action=dispatch]")
    page.click("details[data-action=dispatch] summary")
    page.select_option("details[data-action=dispatch] select[name=unit]", label="淇县住房和城乡建设局")
    page.fill("details[data-action=dispatch] textarea[name=note]", "请尽快处理")
    page.click("details[data-action=dispatch] button[type=submit]")
    page.wait_for_selector("#status:has-text('待签收')")
    assert "请尽快处理" in page.locator("#timeline").inner_text()
    assert page.evaluate("window.sameDocument === true")  # htmx swapped the page body
    page.screenshot(path=str(artifacts / "console-case-dispatched.png"), full_page=True)

    handler = browser.new_context(base_url=demo_server, locale="zh-CN").new_page()
    log_in(handler, "handler")
    handler.wait_for_url("**/cases/")
    handler.click("a.tab[data-queue=to_sign]")
    handler.click(f"text={number}")
    handler.click("details[data-action=sign] summary")
    handler.click("details[data-action=sign] button[type=submit]")
    handler.wait_for_selector("#status:has-text('处置中')")
    handler.click("details[data-action=reply] summary")
    handler.click("details[data-action=reply] button[type=submit]")  # empty result: refused, kept on the page
    handler.wait_for_selector("details[data-action=reply] .error")
    handler.fill("details[data-action=reply] textarea[name=result]", "已清理完毕")
    handler.click("details[data-action=reply] button[type=submit]")
    handler.wait_for_selector("#status:has-text('待核查')")

    page.reload()
    page.click("details[data-action=verify] summary")
    page.check("details[data-action=verify] input[name=passed][value=yes]")
    page.click("details[data-action=verify] button[type=submit]")
    page.wait_for_selector("#status:has-text('已结案')")
    assert page.external_requests == []


# A grid worker's report the search below must find, whatever the simulated
# year happened to generate (it changes with the shipped models).
MANHOLE = (
    "from cases.services import receive_case; from regions.models import Grid; "
    "g = Grid.objects.get(code='410611101001001'); "
    "receive_case(title='井盖缺失', description='路口井盖丢失，行人有危险', channel='grid_worker', "
    "lon=g.centroid_lon, lat=g.centroid_lat)"
)


def test_the_work_list_filters_searches_and_shows_a_case_on_its_map(page, demo_server, artifacts):
    DEMO_SERVER["manage"]("shell", "-c", MANHOLE)
    log_in(page, "dispatcher_410611")
    page.wait_for_url("**/cases/")
    page.click("a.tab[data-queue=all]")
    total = page.locator("#case-table tbody tr").count()
    page.select_option("#filters select[name=channel]", label="网格员上报")  # htmx: results only
    # (expect, not wait_for_function: the Content-Security-Policy refuses the eval it uses)
    expect(page.locator("#case-table tbody tr")).not_to_have_count(total)
    assert "channel=grid_worker" in page.url  # the filter is in the address, for back/forward and sharing
    page.fill("#filters input[name=q]", "垃圾")
    page.press("#filters input[name=q]", "Enter")
    page.wait_for_url("**q=%E5%9E%83%E5%9C%BE*")  # q=垃圾
    assert "没有符合条件的案件" in page.locator("#case-table").inner_text()  # no grid worker wrote of rubbish
    page.fill("#filters input[name=q]", "井盖")
    page.press("#filters input[name=q]", "Enter")
    page.wait_for_url("**q=%E4%BA%95%E7%9B%96*")  # q=井盖
    titles = page.locator("#case-table tbody td:nth-child(3)").all_inner_texts()
    assert titles and all("井盖" in t for t in titles), titles
    page.screenshot(path=str(artifacts / "console-work-list.png"), full_page=True)
    first = page.locator("#case-table tbody tr a").first
    first.click()
    page.wait_for_selector("#case-map[data-ready='1']")
    page.screenshot(path=str(artifacts / "console-case-map.png"), full_page=True)
    page.goto("/cases/map/")
    page.wait_for_selector("#case-map-view[data-ready='1']")
    assert int(page.locator("#case-map-view").get_attribute("data-places")) > 5  # the county's townships
    page.screenshot(path=str(artifacts / "console-map.png"))
    assert page.external_requests == []
