"""The staff work list: filters, Chinese word search, keyset pages, saved
filters and bulk actions, all within the user's scope."""

import re

import pytest

from cases import services, views
from cases.models import Case, SavedFilter, Status
from cases.search import query_words, search_text
from cases.selectors import queue_counts, queue_for
from orgs.models import OrgUnit

pytestmark = pytest.mark.usefixtures("small_city")


def numbers(page: str) -> list[str]:
    return re.findall(r"<code>(\d{13,})</code>", page)


def test_search_terms_are_words_and_bigrams():
    stored = search_text("小区东门路灯不亮了").split()
    assert "路灯" in stored and "小区" in stored  # jieba alone cuts this as 东门路 / 灯不亮
    assert query_words("东门 路灯") == ["东门", "路灯"]
    assert query_words("灯") == ["灯"]


@pytest.mark.django_db
def test_words_find_cases_however_the_sentence_runs(client_for, new_case):
    lamp = new_case(title="东门路灯不亮", description="小区东门路灯不亮了一周，晚上很黑")
    rubbish = new_case()
    client = client_for("qixian_dispatcher")
    page = client.get("/cases/", {"queue": "all", "q": "路灯 东门"}).content.decode()
    assert lamp.number in numbers(page) and rubbish.number not in numbers(page)
    by_number = client.get("/cases/", {"queue": "all", "q": lamp.number[:12]}).content.decode()
    assert lamp.number in numbers(by_number)
    nothing = client.get("/cases/", {"queue": "all", "q": "地铁"}).content.decode()
    assert numbers(nothing) == []
    one_character = client.get("/cases/", {"queue": "all", "q": "灯"}).content.decode()
    assert lamp.number in numbers(one_character) and rubbish.number not in numbers(one_character)


@pytest.mark.django_db
def test_filters_combine_and_bad_ones_say_why(client_for, new_case, bureau, dispatcher):
    sent = new_case(urgency="urgent")
    services.accept(case=sent, by=dispatcher)
    services.dispatch(case=sent, by=dispatcher, unit=bureau)
    waiting = new_case()
    client = client_for("qixian_dispatcher")
    page = client.get(
        "/cases/", {"queue": "all", "lead_unit": bureau.pk, "urgency": "urgent"}
    ).content.decode()
    assert numbers(page) == [sent.number]
    page = client.get("/cases/", {"queue": "to_accept", "area": waiting.area_id}).content.decode()
    assert waiting.number in numbers(page) and sent.number not in numbers(page)
    bad = client.get("/cases/", {"queue": "all", "received_after": "yesterday"})
    assert bad.status_code == 400 and "received_after" in bad.content.decode()


@pytest.mark.django_db
def test_pages_follow_each_other_without_gaps_or_repeats(client_for, new_case, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    made = {new_case(title=f"第{i}件").number for i in range(10)}
    client = client_for("qixian_dispatcher")
    seen, query = [], "queue=all&q=第"
    for _ in range(5):
        page = client.get(f"/cases/?{query}").content.decode()
        seen += numbers(page)
        following = re.search(r'href="\?([^"]+)" id="next-page"', page)
        if not following:
            break
        query = following.group(1).replace("&amp;", "&")
        assert "queue=all" in query
    assert len(seen) == len(set(seen)) and set(seen) >= made


@pytest.mark.django_db
def test_htmx_gets_only_the_results(client_for, new_case):
    new_case()
    page = client_for("qixian_dispatcher").get("/cases/", {"queue": "all"}, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert 'id="case-table"' in text and "<html" not in text


@pytest.mark.django_db
def test_saved_filters_are_per_user(client_for, user_named):
    client = client_for("qixian_dispatcher")
    client.post("/cases/filters/", {"name": "超期的", "query": "queue=all&overdue=true&cursor=abc"})
    saved = SavedFilter.objects.get(user=user_named("qixian_dispatcher"))
    assert saved.query == "queue=all&overdue=true"  # not the page position
    assert "超期的" in client.get("/cases/").content.decode()
    assert "超期的" not in client_for("xunxian_dispatcher").get("/cases/").content.decode()
    client_for("xunxian_dispatcher").post(f"/cases/filters/{saved.pk}/delete/")
    assert SavedFilter.objects.filter(pk=saved.pk).exists()  # not theirs
    client = client_for("qixian_dispatcher")  # (one test client, logged in again)
    client.post(f"/cases/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.filter(pk=saved.pk).exists()
    nameless = client.post("/cases/filters/", {"name": " ", "query": "queue=all"}, follow=True)
    assert "needs a name" in nameless.content.decode()


@pytest.mark.django_db
def test_bulk_dispatch_then_bulk_sign_with_reasons_for_refusals(client_for, new_case, bureau, dispatcher):
    ready = [new_case() for _ in range(3)]
    for case in ready:
        services.accept(case=case, by=dispatcher)
    not_accepted = new_case()
    client = client_for("qixian_dispatcher")
    ids = [c.pk for c in ready] + [not_accepted.pk]
    page = client.post(
        "/cases/bulk/",
        {"action": "dispatch", "unit": bureau.pk, "ids": ids, "next": "/cases/?queue=all"},
        follow=True,
    ).content.decode()
    assert "已派遣 3 件" in page and not_accepted.number in page  # refused, with the reason
    assert set(Case.objects.filter(pk__in=ids, status=Status.DISPATCHED).values_list("pk", flat=True)) == {
        c.pk for c in ready
    }
    handler = client_for("handler_410622_housing")
    assert OrgUnit.objects.get(pk=bureau.pk).members.filter(username="handler_410622_housing").exists()
    handler.post("/cases/bulk/", {"action": "sign", "ids": ids})
    assert Case.objects.filter(pk__in=[c.pk for c in ready], status=Status.HANDLING).count() == 3
    assert client.post("/cases/bulk/", {"action": "merge", "ids": ids}).status_code == 400
    offsite = client.post("/cases/bulk/", {"action": "sign", "ids": ids, "next": "https://evil.example/"})
    assert offsite["Location"] == "/cases/"


@pytest.mark.django_db
def test_queue_counts_equal_the_queues_for_every_kind_of_user(new_case, dispatcher, bureau, user_named):
    cases = [new_case() for _ in range(4)]
    for case in cases[:3]:
        services.accept(case=case, by=dispatcher)
    services.dispatch(case=cases[0], by=dispatcher, unit=bureau)
    services.blow_whistle(case=cases[1], by=user_named("admin"), units=[bureau], note="请到场")
    for username in ("qixian_dispatcher", "handler_410622_housing", "gw410611101001001", "leader", "admin"):
        user = user_named(username)
        counts = queue_counts(user)
        assert counts == {name: queue_for(user, name).count() for name in counts}, username
