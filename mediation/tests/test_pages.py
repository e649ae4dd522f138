"""The mediation pages over real HTTP: registering from the case page, the
dispute page and its step forms (a refusal keeps what was typed), the
mediator's workspace and the agreement PDF with its legal contents."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cases.models import CaseKind
from changan import clock
from mediation.models import Dispute, Step


@pytest.mark.django_db
def test_a_dispatcher_registers_a_case_and_a_refusal_keeps_the_form(client_for, new_case):
    case = new_case()
    client = client_for("dispatcher_410611")
    assert "登记为矛盾纠纷" in client.get(f"/cases/{case.pk}/").content.decode()
    form = {
        "dispute_type": "neighbour",
        "summary": "漏水",
        "level": "township",
        "risk": "low",
        "party-0-side": "applicant",
        "party-0-kind": "person",
        "party-0-name": "王建国",
        "party-0-phone": "13803920001",
        "party-0-id_number": "410611196805120014",
    }
    refused = client.post(f"/mediation/register/{case.pk}/", form)
    html = refused.content.decode()
    assert refused.status_code == 400 and "at least one party on each side" in html
    assert 'value="王建国"' in html and 'value="13803920001"' in html  # nothing typed is lost
    form |= {"party-2-side": "respondent", "party-2-kind": "person", "party-2-name": "李秀英"}
    done = client.post(f"/mediation/register/{case.pk}/", form)
    dispute = Dispute.objects.get(case=case)
    assert done.status_code == 302 and done["Location"] == f"/mediation/{dispute.pk}/"
    assert dispute.case.kind == CaseKind.DISPUTE and dispute.parties.count() == 2
    party = dispute.parties.get(name="王建国")
    assert party.phone_masked == "138****0001" and party.id_masked == "410611********0014"
    assert b"13803920001" not in bytes(party.phone_encrypted)  # stored encrypted
    page = client.get(f"/mediation/{dispute.pk}/").content.decode()
    assert 'id="choose-form"' in page and "138****0001" in page and "13803920001" not in page


@pytest.mark.django_db
def test_the_mediator_records_a_visit_over_http_and_a_bad_time_keeps_the_text(client_for, in_step):
    dispute = in_step("enter")
    client = client_for("mediator")
    url = f"/mediation/{dispute.pk}/visit/"
    bad = client.post(url, {"at": "yesterday", "place": "王家", "met": "王建国", "findings": "墙面发霉严重"})
    assert bad.status_code == 400 and "墙面发霉严重" in bad.content.decode()
    an_hour_ago = (clock.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    ok = client.post(url, {"at": an_hour_ago, "place": "王家", "met": "王建国", "findings": "墙面发霉"})
    assert ok.status_code == 302
    dispute.refresh_from_db()
    assert dispute.step == Step.STABILISE
    other = client_for("handler").post(url, {"at": an_hour_ago, "place": "x", "met": "x", "findings": "x"})
    assert other.status_code == 404  # not in that user's scope at all


@pytest.mark.django_db
def test_the_workspace_lists_the_mediators_disputes_by_step(client_for, in_step):
    dispute = in_step("stabilise")
    html = client_for("mediator").get("/mediation/").content.decode()
    assert dispute.case.number in html and 'id="step-stabilise"' in html


@pytest.mark.django_db
def test_the_agreement_pdf_has_the_legal_contents_and_a_copy_per_party_plus_one(client_for, in_step):
    dispute = in_step("agreed")
    response = client_for("mediator").get(f"/mediation/{dispute.pk}/agreement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # (pypdf reads fpdf2's two-byte glyph codes with a NUL before each character)
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    copies = ["申请人 王建国 收执", "被申请人 李秀英 收执", "钜桥镇人民调解委员会 存档"]
    for needed in [
        "人民调解协议书",
        dispute.agreement.number,
        "当事人基本情况",
        "王建国",
        "李秀英",
        "纠纷主要事实",
        "被申请人负主要责任",
        "赔偿墙面修复费2000元",
        "履行方式",
        "现金当面交付",
        "签名",
        "人民调解员",
        "印章",
        "三十日内",
        *copies,
    ]:
        assert needed in text, needed
    flat = text.replace("\n", "")  # (a long line wraps)
    assert "410611********0014" in flat and "410611196805120014" not in flat
    assert len(reader.pages) >= 3
