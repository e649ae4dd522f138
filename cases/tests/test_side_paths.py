"""Return, reassign, extension, suspend/resume, merge, supervise, escalate, reopen."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from cases import services
from cases.models import Case, CaseEvent, Status, Tier
from changan import clock
from orgs.models import OrgUnit
from worktime.selectors import work_calendar

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def urban(db):
    return OrgUnit.objects.get(name="淇县城市管理局")


@pytest.mark.django_db
def test_a_wrong_dispatch_goes_back_to_the_dispatcher(dispatched_case, handler, dispatcher, urban):
    case = services.return_case(case=dispatched_case, by=handler, reason="属城管职责，非住建")
    assert case.status == Status.ACCEPTED and case.lead_unit is None and case.resolve_due_at is None
    case = services.dispatch(case=case, by=dispatcher, unit=urban)
    assert case.lead_unit == urban and case.resolve_due_at


@pytest.mark.django_db
def test_reassign_keeps_the_resolution_clock(handling_case, dispatcher, urban):
    due = handling_case.resolve_due_at
    case = services.reassign(case=handling_case, by=dispatcher, unit=urban, reason="职责调整")
    assert case.status == Status.DISPATCHED and case.lead_unit == urban
    assert case.resolve_due_at == due
    assert CaseEvent.objects.get(case=case, action="reassign").data["unit"] == urban.pk


@pytest.mark.django_db
def test_an_extension_is_requested_then_granted(handling_case, handler, dispatcher):
    until = handling_case.resolve_due_at + dt.timedelta(days=10)
    case = services.request_extension(case=handling_case, by=handler, until=until, reason="需协调产权单位")
    assert case.extension_requested
    with pytest.raises(services.ActionRefused):
        services.request_extension(case=case, by=handler, until=until, reason="again")
    case = services.grant_extension(case=case, by=dispatcher)
    assert case.resolve_due_at == until and not case.extension_requested
    event = CaseEvent.objects.get(case=case, action="grant_extension")
    assert event.data["deadlines"]["resolve_due_at"][1] == until.isoformat()


@pytest.mark.django_db
def test_an_extension_can_be_refused(handling_case, handler, dispatcher):
    due = handling_case.resolve_due_at
    case = services.request_extension(
        case=handling_case, by=handler, until=due + dt.timedelta(days=3), reason="人手不足"
    )
    case = services.refuse_extension(case=case, by=dispatcher, reason="理由不充分")
    assert case.resolve_due_at == due and not case.extension_requested


@pytest.mark.django_db
def test_an_extension_must_move_the_deadline_later(handling_case, handler):
    with pytest.raises(ValidationError, match="later than the current deadline"):
        services.request_extension(
            case=handling_case, by=handler, until=handling_case.resolve_due_at, reason="x"
        )


@pytest.mark.django_db
def test_suspension_stops_the_clock(handling_case, handler):
    case = services.suspend(case=handling_case, by=handler, reason="等待法院裁定")
    assert case.status == Status.SUSPENDED
    # Pretend the case stayed suspended for two working days.
    Case.objects.filter(pk=case.pk).update(suspended_at=case.suspended_at - dt.timedelta(days=4))
    due = case.resolve_due_at
    case = services.resume(case=case, by=handler)
    paused = CaseEvent.objects.get(case=case, action="resume").data["paused_working_minutes"]
    assert paused > 0
    assert work_calendar().working_minutes_between(due, case.resolve_due_at) == pytest.approx(paused)


@pytest.mark.django_db
def test_a_duplicate_is_merged_into_the_original(new_case, dispatcher):
    original, duplicate = new_case(), new_case(title="又是那堆垃圾")
    case = services.merge(case=duplicate, into=original, by=dispatcher, note="同一地点同一问题")
    assert case.status == Status.MERGED and case.parent == original
    assert CaseEvent.objects.filter(case=original, action="merged_in").exists()
    with pytest.raises(ValidationError):
        services.merge(case=original, into=original, by=dispatcher)


@pytest.mark.django_db
def test_merging_into_a_merged_case_points_at_its_root(new_case, dispatcher):
    a, b, c = new_case(), new_case(), new_case()
    services.merge(case=b, into=a, by=dispatcher)
    with pytest.raises(services.ActionRefused):
        services.merge(case=c, into=Case.objects.get(pk=b.pk), by=dispatcher)


@pytest.mark.django_db
def test_supervision_may_set_an_earlier_deadline_and_says_why(handling_case, dispatcher):
    earlier = clock.now() + dt.timedelta(hours=30)
    assert earlier < handling_case.resolve_due_at
    case = services.supervise(case=handling_case, by=dispatcher, note="群众反映强烈，限期办结", due=earlier)
    assert case.resolve_due_at == earlier
    event = CaseEvent.objects.get(case=case, action="supervise")
    assert event.note.startswith("群众反映强烈") and "resolve_due_at" in event.data["deadlines"]


@pytest.mark.django_db
def test_escalation_goes_one_tier_at_a_time_up_to_a_leader(handling_case, dispatcher, urban):
    case = services.escalate(case=handling_case, by=dispatcher, reason="涉及多部门", co_units=[urban])
    assert case.tier == Tier.SEVERAL_DEPARTMENTS
    with pytest.raises(ValidationError, match="choose a leader"):
        services.escalate(case=case, by=dispatcher, reason="久拖未决")
    leader = User.objects.get(username="leader")
    case = services.escalate(case=case, by=dispatcher, reason="久拖未决", leader=leader)
    assert case.tier == Tier.LEADER and case.leader == leader
    assert "escalate" not in services.allowed_actions(case, dispatcher)


def _close(case, handler, dispatcher):
    case = services.reply(case=case, by=handler, result="已处理")
    return services.verify(case=case, by=dispatcher, passed=True)


@pytest.mark.django_db
def test_a_dissatisfied_rating_reopens_the_case_once(handling_case, handler, dispatcher):
    case = _close(handling_case, handler, dispatcher)
    case = services.rate(case=case, by=dispatcher, satisfaction=2, solved=False)
    assert "reopen" in services.allowed_actions(case, dispatcher)
    case = services.reopen(case=case, by=dispatcher, reason="群众反映问题未解决")
    assert case.status == Status.DISPATCHED and case.reopen_count == 1 and case.resolve_due_at > clock.now()
    case = services.sign(case=case, by=handler)
    case = _close(case, handler, dispatcher)
    case = services.rate(case=case, by=dispatcher, satisfaction=1, solved=False)
    assert "reopen" not in services.allowed_actions(case, dispatcher)  # once only (CASE_REOPEN_LIMIT)


@pytest.mark.django_db
def test_a_satisfied_rating_cannot_reopen(handling_case, handler, dispatcher):
    case = services.rate(
        case=_close(handling_case, handler, dispatcher), by=dispatcher, satisfaction=4, solved=True
    )
    with pytest.raises(services.ActionRefused):
        services.reopen(case=case, by=dispatcher, reason="想重办")
