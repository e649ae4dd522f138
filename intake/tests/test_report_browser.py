"""On a 360×740 phone: scan a grid's code, report, keep the receipt, see the
dispatch on the tracking page after a staff action. Screenshots of each step
are saved in build/test-artifacts/."""

import io

import pytest
from PIL import Image

from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser

SCRIPT = (
    "from intake.services import place_token; "
    "print(place_token('grid', '410611101001001'))"
)  # fmt: skip


def test_a_resident_reports_by_qr_code_and_follows_the_case(browser, demo_server, artifacts):
    token = DEMO_SERVER["manage"]("shell", "-c", SCRIPT).strip().splitlines()[-1]
    phone = browser.new_context(base_url=demo_server, locale="zh-CN", viewport={"width": 360, "height": 740})
    page = phone.new_page()
    page.goto(f"/q/{token}/")
    assert "刘寨社区" in page.locator("#place").inner_text()
    page.screenshot(path=str(artifacts / "report-1-form.png"), full_page=True)
    page.fill("#text", "小区东门路灯坏了一周，晚上很黑")
    page.select_option("#family", label="城乡建设")
    page.fill("#phone", "13600002222")
    page.click("#report-form button[type=submit]")  # consent not given: refused, nothing typed is lost
    assert page.locator(".errors").count() == 1
    assert (
        page.input_value("#text") == "小区东门路灯坏了一周，晚上很黑"
        and page.input_value("#phone") == "13600002222"
    )
    page.check("input[name=consent]")
    page.set_input_files(
        "#photos", files=[{"name": "lamp.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#number")
    number = page.locator("#number").inner_text()
    page.screenshot(path=str(artifacts / "report-2-receipt.png"), full_page=True)
    track = page.locator("#track").get_attribute("href")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    staff = browser.new_context(base_url=demo_server, locale="zh-CN").new_page()
    log_in(staff, "dispatcher_410611")
    staff.wait_for_url("**/cases/")
    staff.goto("/cases/?queue=to_accept")
    staff.click(f"text={number}")
    staff.click("details[data-action=accept] summary")
    staff.click("details[data-action=accept] button[type=submit]")
    staff.click("details[data-action=dispatch] summary")
    staff.select_option("details[data-action=dispatch] select[name=unit]", label="淇滨区城市管理局")
    staff.click("details[data-action=dispatch] button[type=submit]")
    staff.wait_for_selector("#status:has-text('待签收')")

    page.goto(track)
    assert page.locator("img[alt=现场照片]").count() == 1
    steps = page.locator("#steps").inner_text()
    assert "已派遣" in steps and "淇滨区城市管理局" in steps
    page.screenshot(path=str(artifacts / "report-3-tracking.png"), full_page=True)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 200)).save(out, format="JPEG")
    return out.getvalue()
