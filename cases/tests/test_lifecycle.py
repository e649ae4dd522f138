"""The main path: receive → accept → dispatch → sign → reply → verify → close → rate."""

import datetime as dt

import pytest

from cases import services
from cases.models import CaseEvent, CaseUnit, Status, Tier, UnitRole
from changan import clock
from notify.models import Notification
from orgs.models import OrgUnit
from worktime.selectors import work_calendar

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_the_whole_journey_writes_one_event_per_step(new_case, dispatcher, handler, bureau):
    case = new_case()
    case = services.accept(case=case, by=dispatcher)
    case = services.dispatch(case=case, by=dispatcher, unit=bureau)
    assert case.status == Status.DISPATCHED and case.lead_unit == bureau
    assert Notification.objects.filter(case=case, recipient=handler, kind="case_dispatched").exists()
    case = services.sign(case=case, by=handler)
    assert case.status == Status.HANDLING and case.handler == handler
    case = services.contact_reporter(case=case, by=handler, note="已电话联系王先生")
    case = services.reply(case=case, by=handler, result="已协调环卫清运，现场已清理", evidence=["after.jpg"])
    assert case.status == Status.REPLIED
    case = services.verify(case=case, by=dispatcher, passed=True, note="回访核实已清理")
    assert case.status == Status.CLOSED and case.closed_at
    case = services.rate(case=case, by=dispatcher, satisfaction=5, solved=True)
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["receive", "accept", "dispatch", "sign", "contact", "reply", "verify", "rate"]
    statuses = list(CaseEvent.objects.filter(case=case).values_list("to_status", flat=True))
    assert statuses[-1] == case.status == Status.CLOSED


@pytest.mark.django_db
def test_dispatch_sets_working_time_deadlines_and_records_them(dispatched_case):
    case = dispatched_case
    # Ordinary urgency: sign within 1 working hour, resolve within 7 working days.
    assert case.sign_due_at > case.dispatched_at
    assert case.resolve_due_at - case.dispatched_at >= dt.timedelta(days=7)
    assert case.dispatched_at < case.resolve_warn_at < case.resolve_due_at
    event = CaseEvent.objects.get(case=case, action="dispatch")
    assert set(event.data["deadlines"]) == {"sign_due_at", "resolve_warn_at", "resolve_due_at"}
    assert case.respond_due_at == case.received_at + dt.timedelta(hours=24)  # runs from receipt
    assert event.data["deadlines"]["resolve_due_at"][0] is None


@pytest.mark.django_db
def test_urgent_cases_get_two_working_hours(new_case, dispatcher, bureau):
    case = services.accept(case=new_case(urgency="urgent"), by=dispatcher)
    case = services.dispatch(case=case, by=dispatcher, unit=bureau)
    cal = work_calendar()
    assert cal.working_minutes_between(case.dispatched_at, case.resolve_due_at) == pytest.approx(120)
    assert cal.working_minutes_between(case.dispatched_at, case.sign_due_at) == pytest.approx(30)


@pytest.mark.django_db
def test_dispatch_with_co_handlers_is_a_several_department_case(new_case, dispatcher, bureau):
    co = OrgUnit.objects.get(name="淇县城市管理局")
    case = services.accept(case=new_case(), by=dispatcher)
    case = services.dispatch(case=case, by=dispatcher, unit=bureau, co_units=[co])
    assert case.tier == Tier.SEVERAL_DEPARTMENTS
    roles = dict(CaseUnit.objects.filter(case=case, active=True).values_list("unit_id", "role"))
    assert roles == {bureau.pk: UnitRole.LEAD, co.pk: UnitRole.CO}


@pytest.mark.django_db
def test_a_consultation_is_answered_directly(new_case, dispatcher):
    case = services.answer(
        case=new_case(appeal_type="consult"), by=dispatcher, reply="办理地点在县政务服务中心二楼"
    )
    assert case.status == Status.CLOSED and case.closed_at and case.replied_at


@pytest.mark.django_db
def test_an_invalid_case_is_rejected_with_a_reason(new_case, dispatcher):
    case = services.reject(case=new_case(), by=dispatcher, reason="重复骚扰电话，无实际诉求")
    assert case.status == Status.REJECTED
    assert CaseEvent.objects.get(case=case, action="reject").note.startswith("重复骚扰")


@pytest.mark.django_db
def test_verification_failure_sends_the_case_back_for_rework(handling_case, dispatcher, handler):
    case = services.reply(case=handling_case, by=handler, result="已处理")
    case = services.verify(case=case, by=dispatcher, passed=False, note="现场仍有垃圾")
    assert case.status == Status.HANDLING
    assert Notification.objects.filter(case=case, recipient=handler, kind="case_rework").exists()
    assert clock.now() >= case.replied_at
