"""The plain staff pages: queues, a case with its timeline and allowed actions."""

import pytest

from cases import services
from cases.models import Status

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_queues_show_counts_and_cases(client_for, new_case):
    case = new_case()
    page = client_for("qixian_dispatcher").get("/cases/", {"queue": "to_accept"}).content.decode()
    assert "待受理" in page and case.number in page
    refused = client_for("qixian_dispatcher").get("/cases/", {"queue": "nope"})
    assert refused.status_code == 400 and "nope" in refused.content.decode()


@pytest.mark.django_db
def test_the_case_page_offers_only_the_allowed_actions(client_for, new_case):
    case = new_case()
    page = client_for("qixian_dispatcher").get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="accept"' in page and 'data-action="reject"' in page
    assert 'data-action="sign"' not in page and 'data-action="verify"' not in page
    assert "138****5678" in page and "13812345678" not in page


@pytest.mark.django_db
def test_actions_run_from_the_page(client_for, new_case, bureau):
    case = new_case()
    client = client_for("qixian_dispatcher")
    assert client.post(f"/cases/{case.pk}/act/accept/", {"note": ""}).status_code == 302
    response = client.post(f"/cases/{case.pk}/act/dispatch/", {"unit": bureau.pk, "note": "请尽快处理"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.lead_unit == bureau
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "请尽快处理" in page and "派遣" in page


@pytest.mark.django_db
def test_a_refused_form_keeps_what_was_typed(client_for, new_case):
    case = new_case()
    client = client_for("qixian_dispatcher")
    response = client.post(f"/cases/{case.pk}/act/reject/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(f"/cases/{case.pk}/act/verify/", {"passed": "on", "note": "核实的意见"})
    assert response.status_code == 409
    assert "case is received: cannot verify" in response.content.decode()


@pytest.mark.django_db
def test_another_countys_case_is_not_found(client_for, new_case):
    case = new_case()
    client = client_for("xunxian_dispatcher")
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/accept/", {}).status_code == 404


@pytest.mark.django_db
def test_the_case_page_lists_related_cases_the_user_may_see(client_for, new_case, dispatcher):
    first = new_case(title="第一次反映噪音")
    again = new_case(title="又反映噪音", reporter_phone="138 1234 5678")  # the same phone, written otherwise
    stranger = new_case(title="别人的事", reporter_phone="13900000000")
    services.accept(case=stranger, by=dispatcher)
    duplicate = new_case(title="重复件")
    services.merge(case=duplicate, into=first, by=dispatcher)
    page = client_for("qixian_dispatcher").get(f"/cases/{first.pk}/").content.decode()
    related = page.split('id="related"')[1].split("</div>")[0]
    assert again.number in related and duplicate.number in related
    assert "同一反映人" in related and "合并关系" in related
    assert 'id="case-map"' in page and 'id="grid-shape"' in page
    other_county = client_for("xunxian_dispatcher").get(f"/cases/{first.pk}/")
    assert other_county.status_code == 404
