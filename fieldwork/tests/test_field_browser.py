"""A grid worker on a 360×740 phone: reports with a photo, blows the
whistle, and reports while offline — the report waits on the phone and is
filed exactly once when the network comes back."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser

COUNT = "from cases.models import Case; print(Case.objects.filter(description={!r}).count())"


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 120, 60)).save(out, format="JPEG")
    return {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def filed(text: str) -> int:
    return int(DEMO_SERVER["manage"]("shell", "-c", COUNT.format(text)).strip().splitlines()[-1])


def test_a_grid_worker_reports_whistles_and_reports_offline(browser, demo_server, artifacts):
    context = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    log_in(page, "gw410611101001001")
    page.goto("/field/")
    page.wait_for_selector("#grid-map[data-ready='1']")
    page.screenshot(path=str(artifacts / "field-1-my-grid.png"), full_page=True)

    page.fill("#field-report textarea[name=text]", "小区门口井盖松动，车过有响声")
    page.set_input_files("#field-report input[name=photos]", files=[photo()])
    with page.expect_navigation():
        page.click("#send-report")
    assert "已上报" in page.locator("#done").inner_text()
    first = page.locator("#done").inner_text()

    page.fill("#field-report textarea[name=text]", "工地占用消防通道，需要城管和住建到场")
    page.check("#field-report input[name=handle][value=whistle]")
    page.select_option(
        "#field-report select[name=units]", label=["淇滨区城市管理局", "淇滨区住房和城乡建设局"]
    )
    page.screenshot(path=str(artifacts / "field-2-whistle.png"), full_page=True)
    with page.expect_navigation():
        page.click("#send-report")
    assert page.locator("#done").inner_text() != first

    text = "断网时上报：路灯杆倾斜"
    context.set_offline(True)
    page.fill("#field-report textarea[name=text]", text)
    page.set_input_files("#field-report input[name=photos]", files=[photo()])
    page.click("#send-report")
    page.wait_for_selector("#queue-status:not([hidden])")
    assert "已保存在手机上" in page.locator("#queue-status").inner_text()
    page.screenshot(path=str(artifacts / "field-3-offline-queued.png"), full_page=True)
    assert filed(text) == 0
    context.set_offline(False)  # the "online" event sends what waited
    expect(page.locator("#queue-status")).to_contain_text("已自动上报")
    page.screenshot(path=str(artifacts / "field-4-sent.png"), full_page=True)
    assert filed(text) == 1
    page.reload()  # a fresh page flushes the queue again: nothing is left to send twice
    page.wait_for_selector("#grid-map[data-ready='1']")
    assert filed(text) == 1
