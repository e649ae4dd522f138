"""On a 360×740 phone: scan a grid's code, report with a photo and a
verified phone, keep the receipt, see the dispatch on the tracking page after
a staff action, rate, ask to reopen; the refused-photo and "me too" paths.
Screenshots of each step are saved in build/test-artifacts/."""

import io
import json
import re

import pytest
from PIL import Image

from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser

GRID = "410611101001001"
SCRIPT = f"from intake.services import place_token; print(place_token('grid', '{GRID}'))"
PHONE = "13600002222"
DRAIN_OUTBOX = "from notify.services import deliver_due; deliver_due(limit=100_000)"


def _token() -> str:
    return DEMO_SERVER["manage"]("shell", "-c", SCRIPT).strip().splitlines()[-1]


def _phone(browser, demo_server):
    context = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 360, "height": 740}
    )
    return context.new_page()


def _sms_to(phone: str) -> list[str]:
    path = DEMO_SERVER["outbox"]
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [m["body"] for m in map(json.loads, lines) if m["address"] == phone]


def _staff(browser, demo_server, username: str):
    staff = browser.new_context(base_url=demo_server, locale="zh-CN").new_page()
    log_in(staff, username)
    staff.wait_for_url("**/cases/")
    return staff


def _act(staff, action: str, **fields) -> None:
    staff.click(f"details[data-action={action}] summary")
    for name, value in fields.items():
        target = f"details[data-action={action}] [name={name}]"
        if value is True:  # a yes/no judgment: two radio buttons, neither chosen
            staff.check(f"{target}[value=yes]")
        elif staff.locator(target).evaluate("e => e.tagName") == "SELECT":
            staff.select_option(target, label=value)
        else:
            staff.fill(target, value)
    staff.click(f"details[data-action={action}] button[type=submit]")


def test_a_resident_reports_by_qr_code_and_follows_the_case(browser, demo_server, artifacts):
    page = _phone(browser, demo_server)
    page.goto(f"/q/{_token()}/")
    assert "刘寨社区" in page.locator("#place").inner_text()
    page.screenshot(path=str(artifacts / "report-1-form.png"), full_page=True)
    page.fill("#text", "小区东门路灯坏了一周，晚上很黑")
    page.select_option("#family", label="城乡建设")
    page.fill("#phone", PHONE)
    page.click("#submit")  # consent not given: refused, nothing typed is lost
    assert page.locator(".errors").count() == 1
    assert (
        page.input_value("#text") == "小区东门路灯坏了一周，晚上很黑" and page.input_value("#phone") == PHONE
    )
    page.click("#send-code")  # sent by the script, the form stays as it is
    page.wait_for_selector("#code-status.notice")
    code = re.search(r"验证码是 (\d{6})", _sms_to(PHONE)[-1]).group(1)
    page.fill("#code", code)
    page.check("input[name=consent]")
    page.set_input_files("#photos", files=[_photo("lamp.jpg")])
    page.screenshot(path=str(artifacts / "report-2-filled.png"), full_page=True)
    page.click("#submit")
    page.wait_for_selector("#number")
    number = page.locator("#number").inner_text()
    assert "手机号已验证" in page.content()
    page.screenshot(path=str(artifacts / "report-3-receipt.png"), full_page=True)
    track = page.locator("#track").get_attribute("href")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling

    dispatcher = _staff(browser, demo_server, "dispatcher_410611")
    dispatcher.goto("/cases/?queue=to_accept")
    dispatcher.click(f"text={number}")
    case_url = dispatcher.url
    _act(dispatcher, "accept")
    _act(dispatcher, "dispatch", unit="淇滨区城市管理局")
    dispatcher.wait_for_selector("#status:has-text('待签收')")

    page.goto(track)
    assert page.locator("img[alt=现场照片]").count() == 1
    steps = page.locator("#steps").inner_text()
    assert "已派遣" in steps and "淇滨区城市管理局" in steps
    page.screenshot(path=str(artifacts / "report-4-tracking.png"), full_page=True)
    DEMO_SERVER["manage"]("shell", "-c", DRAIN_OUTBOX)  # what the worker does: SMS for each public step
    assert any(number in body and "淇滨区城市管理局" in body for body in _sms_to(PHONE))

    handler = _staff(browser, demo_server, "handler_410611_urban_management")
    handler.goto(case_url)
    _act(handler, "sign")
    handler.wait_for_selector("#status:has-text('处置中')")
    _act(handler, "reply", result="已更换路灯灯泡")
    handler.wait_for_selector("#status:has-text('待核查')")
    dispatcher.goto(case_url)
    _act(dispatcher, "verify", passed=True)
    dispatcher.wait_for_selector("#status:has-text('已结案')")

    page.goto(track)
    assert "已更换路灯灯泡" in page.locator("#steps").inner_text()
    page.check("input[name=solved][value=no]")
    page.check("input[name=satisfaction][value='2']")  # 不满意
    page.screenshot(path=str(artifacts / "report-5-rate.png"), full_page=True)
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#reopen")
    page.fill("#reason", "只亮了一天又坏了")
    page.click("#reopen button[type=submit]")
    page.wait_for_selector("#steps:has-text('重新办理')")
    assert page.locator("#reopen").count() == 0  # once only
    page.screenshot(path=str(artifacts / "report-6-reopened.png"), full_page=True)


def test_a_refused_photo_keeps_the_text_and_the_good_photo(browser, demo_server, artifacts):
    page = _phone(browser, demo_server)
    page.goto(f"/q/{_token()}/")
    page.fill("#text", "垃圾桶满了没人清运")
    page.check("input[name=consent]")
    fake = {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"this is not a photo" * 50}
    page.set_input_files("#photos", files=[fake, _photo("bins.jpg")])
    page.click("#submit")
    assert "notes.jpg" in page.locator(".errors").inner_text()
    assert page.input_value("#text") == "垃圾桶满了没人清运"
    assert page.locator("#staged img").count() == 1  # the good photo is kept
    page.screenshot(path=str(artifacts / "report-refused-photo.png"), full_page=True)
    page.click("#submit")  # no new file chosen
    page.wait_for_selector("#number")
    page.goto(page.locator("#track").get_attribute("href"))
    assert page.locator("img[alt=现场照片]").count() == 1


ACCEPT = (
    "from accounts.models import User; from cases.models import Case; from cases.services import accept; "
    "accept(case=Case.objects.get(number='{number}'), by=User.objects.get(username='dispatcher_410611'))"
)


def test_me_too_instead_of_a_duplicate(browser, demo_server, artifacts):
    first = _phone(browser, demo_server)
    first.goto(f"/q/{_token()}/")
    first.fill("#text", "路口井盖松动，车过哐哐响")
    first.select_option("#family", label="城乡建设")
    first.check("input[name=consent]")
    first.click("#submit")
    first.wait_for_selector("#number")
    number = first.locator("#number").inner_text()

    neighbour = _phone(browser, demo_server)
    neighbour.goto(f"/q/{_token()}/")
    assert neighbour.locator(".nearby-item", has_text="路口井盖松动").count() == 0  # public once accepted
    DEMO_SERVER["manage"]("shell", "-c", ACCEPT.format(number=number))
    neighbour.goto(f"/q/{_token()}/")
    item = neighbour.locator(".nearby-item", has_text="路口井盖松动")
    assert item.count() == 1
    neighbour.select_option("#family", label="城乡建设")
    assert item.is_visible()
    neighbour.screenshot(path=str(artifacts / "report-me-too-1.png"), full_page=True)
    item.locator("button").click()
    assert "已记下" in neighbour.locator("h1").inner_text()
    neighbour.screenshot(path=str(artifacts / "report-me-too-2.png"), full_page=True)
    again = _phone(browser, demo_server)
    again.goto(f"/q/{_token()}/")
    assert "1 人也遇到" in again.locator(".nearby-item", has_text="路口井盖松动").inner_text()


def _photo(name: str) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 200)).save(out, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def test_a_pin_on_the_map_places_the_report(browser, demo_server, artifacts):
    page = _phone(browser, demo_server)
    page.external = []
    page.on("request", lambda r: None if r.url.startswith(demo_server) else page.external.append(r.url))
    page.goto(f"/q/{_token()}/")
    assert page.locator("link[href*=leaflet]").count() == 0  # the map costs nothing until asked for
    page.click("#pin-map")
    page.wait_for_selector("#pin-box[data-ready='1']")
    pin_box = page.locator("#pin-box")
    size = pin_box.bounding_box()
    pin_box.click(position={"x": size["width"] / 2 + 30, "y": size["height"] / 2 + 20})  # scrolls to it first
    assert page.locator("#where-status").inner_text() == "已在地图上选定位置"
    lon, lat = page.input_value("input[name=lon]"), page.input_value("input[name=lat]")
    page.screenshot(path=str(artifacts / "report-pin-map.png"), full_page=True)
    page.fill("#text", "这里的路面塌了一个坑")
    page.check("input[name=consent]")
    page.click("#submit")
    page.wait_for_selector("#number")
    number = page.locator("#number").inner_text()
    where = DEMO_SERVER["manage"](
        "shell", "-c", f"from cases.models import Case; c = Case.objects.get(number='{number}'); "
        "print(c.grid_id, c.lon, c.lat)",
    ).split()[-3:]  # fmt: skip
    assert where[0].startswith(GRID[:12]) and (float(where[1]), float(where[2])) == (float(lon), float(lat))
    assert page.external == []
