"""In a real browser: a resident reports a dispute by scanning a grid's code
(码上调); the county's dispatcher registers it and confirms the mediator; the
mediator goes through 进·稳·调 to an agreement, prints it (PDF), records it
signed, its performance, a follow-up and the confirmation decision, and
closes it (清); the dispatcher's verification archives it. Screenshots in
build/test-artifacts/mediation-*.png."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from changan import clock
from conftest import DEMO_SERVER, log_in

pytestmark = pytest.mark.browser

GRID = "410611101003001"
SCRIPT = f"from intake.services import place_token; print(place_token('grid', '{GRID}'))"


def _staff(browser, demo_server, username: str):
    page = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(page, username)
    page.wait_for_url("**/cases/")
    return page


def _submit(page, form: str, **fields) -> None:
    """Fill the form ``#form`` (opening its <details> if closed) and send it."""
    summary = page.locator(f"details:has(#{form}) > summary")
    if summary.count() and not page.locator(f"#{form}").is_visible():
        summary.click()
    for name, value in fields.items():
        target = page.locator(f"#{form} [name='{name}']")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(**value) if isinstance(value, dict) else target.select_option(value)
        else:
            target.fill(value)
    with page.expect_navigation():
        page.locator(f"#{form} button[type=submit]").click()
    assert page.locator("#step-error").count() == 0, page.locator("#step-error").inner_text()


def test_a_dispute_from_a_qr_report_to_a_signed_agreement_and_follow_up(browser, demo_server, artifacts):
    token = DEMO_SERVER["manage"]("shell", "-c", SCRIPT).strip().splitlines()[-1]
    phone = browser.new_context(
        base_url=demo_server, locale="zh-CN", viewport={"width": 360, "height": 740}
    ).new_page()
    phone.goto(f"/q/{token}/")
    phone.fill("#text", "楼上邻居家卫生间漏水，把我家墙面泡坏了，找他几次都不管，请帮忙调解")
    phone.select_option("#family", "dispute")  # 码上调
    phone.fill("#name", "王建国")
    phone.check("input[name=consent]")
    phone.click("#submit")
    phone.wait_for_selector("#number")
    number = phone.locator("#number").inner_text()

    dispatcher = _staff(browser, demo_server, "dispatcher_410611")
    dispatcher.goto("/cases/?queue=to_accept")
    dispatcher.click(f"text={number}")
    case_url = dispatcher.url
    assert "矛盾纠纷" in dispatcher.locator("dl.facts").first.inner_text()
    dispatcher.click("#dispute-link a")
    dispatcher.select_option("select[name=dispute_type]", "neighbour")
    dispatcher.select_option("select[name=level]", "township")
    dispatcher.fill("input[name=party-0-name]", "王建国")
    dispatcher.fill("input[name=party-0-phone]", "13803921111")
    dispatcher.fill("input[name=party-2-name]", "赵志强")
    dispatcher.fill("input[name=party-2-phone]", "13803922222")
    dispatcher.click("#register-dispute button[type=submit]")
    dispatcher.wait_for_selector("#steps")
    dispute_url = dispatcher.url
    assert dispatcher.locator("#steps li.current").inner_text().startswith("选")
    dispatcher.locator("ul.candidates li", has_text="陈调解").locator("input").check()
    dispatcher.screenshot(path=str(artifacts / "mediation-1-choose.png"), full_page=True)
    _submit(dispatcher, "choose-form")
    assert "陈调解" in dispatcher.locator("#mediator").inner_text()

    mediator = _staff(browser, demo_server, "mediator")
    mediator.goto("/mediation/")
    assert number in mediator.content()
    mediator.goto(dispute_url)
    mediator.click("#sign-case")
    mediator.wait_for_selector("#visit-form")
    _submit(
        mediator,
        "visit-form",
        place="王建国家",
        met="王建国、赵志强",
        findings="楼上卫生间防水层老化，楼下墙面大面积发霉",
    )
    assert mediator.locator("#steps li.current").inner_text().startswith("稳")
    _submit(mediator, "assess-form", level="low", reasons="双方情绪平稳，愿意协商", measures="网格员日常关注")
    _submit(
        mediator,
        "session-form",
        place="钜桥镇调解室",
        attendees="王建国、赵志强、陈调解",
        minutes="调解员释法明理，双方同意由楼上修复防水并赔偿",
    )
    _submit(
        mediator,
        "conclude-form",
        outcome="agreement",
        facts="楼上卫生间漏水致楼下墙面受损，赵志强负主要责任",
        terms="赵志强修复防水并赔偿王建国2000元",
        **{
            "ob-0-party": {"label": "赵志强"},
            "ob-0-what": "赔偿墙面修复费2000元",
            "ob-0-due_on": (clock.today() + dt.timedelta(days=10)).isoformat(),
        },
        performance="现金当面交付，调解员见证",
    )
    pdf = mediator.request.get(mediator.locator("#agreement-pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace("\x00", "")
    assert "人民调解协议书" in text and "赵志强" in text and "赔偿墙面修复费2000元" in text
    assert text.count("人民调解协议书") == 3  # a copy for each party and one on file
    _submit(mediator, "sign-agreement-form")
    assert mediator.locator("#steps li.current").inner_text().startswith("清")
    mediator.locator("#obligations form button[type=submit]").click()
    mediator.wait_for_selector("#obligations:has-text('✓')")
    _submit(
        mediator,
        "follow-up-form",
        place="王建国家",
        met="王建国",
        findings="墙面已修复，赔偿已到位",
        satisfaction="5",
    )
    _submit(mediator, "confirmation-form", what="waive")
    mediator.screenshot(path=str(artifacts / "mediation-2-clear.png"), full_page=True)
    _submit(mediator, "clear-form", summary="协议履行完毕，回访满意，案结事了")
    mediator.wait_for_selector("#cleared")
    assert mediator.locator("#case-status").inner_text() == "待核查"

    dispatcher.goto(case_url)
    dispatcher.click("details[data-action=verify] summary")
    dispatcher.check("details[data-action=verify] [name=passed][value=yes]")
    dispatcher.click("details[data-action=verify] button[type=submit]")
    dispatcher.wait_for_selector("#status:has-text('已结案')")
    dispatcher.goto(dispute_url)
    assert "已归档" in dispatcher.locator("h1").inner_text()
    assert all(
        "done" in (li.get_attribute("class") or "") for li in dispatcher.locator("#steps li").all()[:5]
    )
    dispatcher.screenshot(path=str(artifacts / "mediation-3-archived.png"), full_page=True)
    assert not (phone.external_requests if hasattr(phone, "external_requests") else [])
