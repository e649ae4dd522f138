"""Below the confidence threshold a case waits in the dispatchers' "needs a
human" queue with the top three; a dispatcher can always choose otherwise,
and every such choice is recorded as training data. Dispatch accuracy
counts what came back."""

import pytest

from cases import services
from cases.models import Category, Channel
from orgs.models import OrgUnit
from regions.models import Grid
from triage.models import Override, Triage
from triage.selectors import dispatch_accuracy

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def receive(db, user_named):
    grid = Grid.objects.filter(code__startswith="410622001").order_by("code").first()
    point = grid.boundary.representative_point()

    def make():
        return services.receive_case(
            by=user_named("qixian_dispatcher"),
            title="化工厂夜间偷排废气",
            description="化工厂每天夜里排放刺鼻废气，村民头晕恶心，请环保部门查处。",
            channel=Channel.HOTLINE,
            lon=point.x,
            lat=point.y,
        )

    return make


def test_an_unsure_case_waits_for_a_person_with_three_suggestions(receive, settings, client_for):
    settings.TRIAGE_CONFIDENCE = 1.01  # above any confidence
    case = receive()
    case.refresh_from_db()
    triage = Triage.objects.get(case=case)
    assert case.category_id is None and triage.needs_human and len(triage.categories) == 3
    client = client_for("qixian_dispatcher")
    queue = client.get("/cases/?queue=to_triage").content.decode()
    assert case.number in queue and "环境保护" in queue  # the suggestions, in the list
    # One click accepts with a suggested class.
    response = client.post(f"/cases/{case.pk}/act/accept/", {"category": "04", "note": "按建议受理"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.category_id == "04" and not Override.objects.filter(case=case).exists()
    assert case.number not in client.get("/cases/?queue=to_triage").content.decode()


def test_choosing_otherwise_is_recorded_as_training_data(receive, user_named):
    dispatcher = user_named("qixian_dispatcher")
    case = receive()
    services.accept(case=case, by=dispatcher, category=Category.objects.get(code="040203"))  # agrees: 04…
    assert not Override.objects.exists()
    other = receive()
    services.accept(case=other, by=dispatcher, category=Category.objects.get(code="010201"))
    (override,) = Override.objects.filter(case=other)
    assert (override.field, override.suggested, override.chosen, override.by) == (
        "category",
        "04",
        "010201",
        dispatcher,
    )
    assert override.model_version == Triage.objects.get(case=other).model_version
    # Accepted as 城乡建设, the suggestion is now its line's bureau (not the
    # ecology bureau the text suggested on arrival); another unit is an override.
    suggested = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    services.dispatch(case=case, by=dispatcher, unit=OrgUnit.objects.get(name="淇县生态环境局"))
    assert not Override.objects.filter(case=case, field="unit").exists()
    elsewhere = OrgUnit.objects.get(name="淇县城市管理局")
    services.dispatch(case=other, by=dispatcher, unit=elsewhere)
    unit_override = Override.objects.get(case=other, field="unit")
    assert unit_override.chosen == str(elsewhere.pk) and unit_override.suggested == str(suggested.pk)


def test_dispatch_accuracy_counts_returns_and_reassignments(receive, user_named):
    dispatcher, handler = user_named("qixian_dispatcher"), user_named("handler")
    housing = OrgUnit.objects.get(name="淇县住房和城乡建设局")
    before = dispatch_accuracy(dispatcher)
    cases = [receive() for _ in range(4)]
    for case in cases:
        services.accept(case=case, by=dispatcher)
        services.dispatch(case=case, by=dispatcher, unit=housing)
    services.return_case(case=cases[0], by=handler, reason="非本单位职责")
    ecology = OrgUnit.objects.get(name="淇县生态环境局")
    services.dispatch(case=cases[0], by=dispatcher, unit=ecology)
    services.reassign(case=cases[1], by=dispatcher, unit=ecology, reason="错派")
    after = dispatch_accuracy(dispatcher)
    assert after.dispatches - before.dispatches == 6  # 4 dispatches, 1 re-dispatch, 1 reassignment
    assert (after.returned - before.returned, after.reassigned - before.reassigned) == (1, 1)
    if not before.dispatches:
        assert after.rate == pytest.approx(1 - 2 / 6)


def test_overrides_become_training_examples(receive, user_named):
    from triage.selectors import override_examples

    case = receive()
    dispatcher = user_named("qixian_dispatcher")
    services.accept(case=case, by=dispatcher, category=Category.objects.get(code="010201"))
    texts, labels = override_examples()
    assert labels == ["城乡建设"] and "化工厂夜间偷排废气" in texts[0]


def test_the_report_command_prints_the_accuracy(receive, user_named):
    from io import StringIO

    from django.core.management import call_command

    dispatcher = user_named("qixian_dispatcher")
    case = services.accept(case=receive(), by=dispatcher)
    services.dispatch(case=case, by=dispatcher, unit=OrgUnit.objects.get(name="淇县生态环境局"))
    out = StringIO()
    call_command("triage_report", "--user", "qixian_dispatcher", stdout=out)
    assert "dispatch accuracy: 100.0%" in out.getvalue() and "cases triaged: 1" in out.getvalue()
