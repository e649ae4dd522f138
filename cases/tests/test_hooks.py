"""The case core works with no app joined in through ``cases.hooks``, and the
apps that do join in run inside the case's transaction."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from cases import hooks, services
from cases.models import Case, CaseEvent, Category, Status

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def no_handlers():
    """The registry emptied for the test (figures and triage not joined in),
    then restored as the apps registered it."""
    saved = {point: hooks.handlers(point) for point in hooks.POINTS}
    for point, handlers in saved.items():
        for handler in handlers:
            hooks.unregister(point, handler)
    yield
    for point, handlers in saved.items():
        for handler in hooks.handlers(point):
            hooks.unregister(point, handler)
        for handler in handlers:
            hooks.register(point, handler)


@pytest.fixture
def joined(no_handlers):
    """Register handlers for one test only."""
    return hooks.register


@pytest.mark.django_db
def test_a_case_goes_its_whole_way_with_no_app_joined_in(
    no_handlers, new_case, dispatcher, bureau, handler, client_for
):
    case = new_case(category=None, appeal_type="")
    assert case.category_id is None and case.appeal_type == ""  # nobody proposed one
    case = services.accept(case=case, by=dispatcher, category=Category.objects.get(code="010201"))
    case = services.dispatch(case=case, by=dispatcher, unit=bureau)
    case = services.sign(case=case, by=handler)
    case = services.reply(case=case, by=handler, result="已清理")
    case = services.verify(case=case, by=dispatcher, passed=True)
    assert case.status == Status.CLOSED
    client = client_for("qixian_dispatcher")
    assert 'id="triage"' not in client.get(f"/cases/{case.pk}/").content.decode()
    detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert "triage" not in detail and [e["action"] for e in detail["events"]][-1] == "verify"


@pytest.mark.django_db
def test_handlers_see_every_event_in_the_cases_transaction(joined, new_case, dispatcher):
    seen = []

    def count(pairs):
        seen.extend((event.action, connection.in_atomic_block) for _, event in pairs)

    joined("events_recorded", count)
    case = services.accept(case=new_case(), by=dispatcher)
    assert seen == [("receive", True), ("accept", True)]
    assert case.events.count() == 2


@pytest.mark.django_db
def test_a_handler_that_fails_rolls_the_case_back(joined, new_case, dispatcher):
    case = new_case()

    def refuse(pairs):
        if any(event.action == "accept" for _, event in pairs):
            raise RuntimeError("the figures could not count it")

    joined("events_recorded", refuse)
    with pytest.raises(RuntimeError):
        services.accept(case=case, by=dispatcher)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert not CaseEvent.objects.filter(case=case, action="accept").exists()


@pytest.mark.django_db
def test_a_failing_handler_for_new_cases_leaves_no_case(joined, new_case):
    before = Case.objects.count()

    def fail(cases, proposals, *, by):
        raise RuntimeError("triage is down")

    joined("cases_received", fail)
    with pytest.raises(RuntimeError):
        new_case()
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_a_proposal_fills_only_what_the_case_arrived_without(joined, new_case, category):
    family = Category.objects.get(code="04")

    def classify(cases):
        return [hooks.Proposal(fields={"category": family, "appeal_type": "consult"}) for _ in cases]

    received = []
    joined("classify_new", classify)
    joined("cases_received", lambda cases, proposals, *, by: received.extend(proposals))
    blank = new_case(category=None, appeal_type="")
    chosen = new_case()  # the dispatcher chose 010201 and a complaint
    assert (blank.category_id, blank.appeal_type) == ("04", "consult")
    assert (chosen.category_id, chosen.appeal_type) == (category.code, "complaint")
    assert len(received) == 2 and received[0].fields["category"] == family  # the same proposals come back


@pytest.mark.django_db
def test_a_classifier_may_not_set_other_fields(joined, new_case):
    joined("classify_new", lambda cases: [hooks.Proposal(fields={"status": "closed"}) for _ in cases])
    with pytest.raises(ValueError, match="status"):
        new_case()


def test_one_classifier_at_most(no_handlers):
    hooks.register("classify_new", len)
    with pytest.raises(ImproperlyConfigured, match="one handler"):
        hooks.register("classify_new", sorted)
