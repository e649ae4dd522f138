"""In a real browser: a dispatcher sees what the models suggest for a new
case, merges a repeat into the first report in one click, accepts with a
suggested class and dispatches to the suggested unit; the hot-issue page
shows the city's bursts."""

import pytest

from conftest import log_in

pytestmark = pytest.mark.browser

TEXT = {
    "title": "工厂夜间偷排废气",
    "description": "村东头化工厂每天夜里排放刺鼻废气，村民头晕恶心，请环保部门查处。",
    "channel": "hotline",
    "area_code": "410622001001",
}


def test_the_dispatcher_works_from_the_suggestions(page, demo_server, artifacts):
    log_in(page, "qixian_dispatcher")
    page.wait_for_url("**/cases/")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": csrf, "Referer": demo_server + "/cases/"}
    first = page.request.post("/api/v1/cases/", data=TEXT, headers=headers).json()
    repeat = TEXT | {"title": "化工厂晚上排废气"}
    again = page.request.post("/api/v1/cases/", data=repeat, headers=headers).json()

    page.goto(f"/cases/{again['id']}/")
    panel = page.locator("#triage")
    assert "环境保护" in panel.locator("#category-suggestions").inner_text()
    assert "%" in panel.inner_text() and "淇县生态环境局" in panel.locator("#unit-suggestion").inner_text()
    page.screenshot(path=str(artifacts / "triage-panel.png"), full_page=True)
    duplicate = panel.locator("#duplicates li", has_text=first["number"])
    duplicate.locator("button", has_text="合并到此案").click()
    page.wait_for_selector("#status:has-text('已合并')")

    page.goto(f"/cases/{first['id']}/")
    page.locator("#category-suggestions li", has_text="环境保护").locator("button").click()
    page.wait_for_selector("#status:has-text('待派遣')")
    page.locator("#unit-suggestion button", has_text="派往建议单位").click()
    page.wait_for_selector("#status:has-text('待签收')")
    assert "淇县生态环境局" in page.locator(".facts").first.inner_text()
    assert page.external_requests == []


def test_the_hot_issue_page_lists_the_planted_bursts(page, artifacts):
    log_in(page, "leader")
    page.goto("/hot/?days=90")
    first = page.locator(".hot-issue").first
    assert "车位" in first.inner_text() or "搅拌站" in first.inner_text()
    first.locator("summary").click()
    assert first.locator("li a").count() >= 5
    assert "派单准确率" in page.locator("#dispatch-accuracy").inner_text()
    page.screenshot(path=str(artifacts / "hot-issues.png"), full_page=True)
