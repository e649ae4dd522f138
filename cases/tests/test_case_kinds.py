"""Records of a case's kind: an app appends only the events it declared,
each after its declared check, and never one of the core's own; a case
becomes a dispute only through ``register_dispute`` — accepted, by its
dispatcher, once, with a leader whose scope covers it."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from cases import services
from cases.models import CaseKind, Tier
from changan import clock

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_an_undeclared_event_is_refused(new_case, dispatcher):
    case = new_case()
    with pytest.raises(services.EventRefused, match="未声明"):
        services.log_event(case=case, action="made_up", by=dispatcher)
    accepted = services.accept(case=case, by=dispatcher)
    with pytest.raises(services.EventRefused, match="未声明"):
        services.set_deadline(
            case=accepted, by=dispatcher, due=clock.now() + dt.timedelta(days=3), action="x"
        )
    assert not case.events.filter(action__in=["made_up", "x"]).exists()


@pytest.mark.django_db
def test_a_declared_event_runs_its_check(new_case, dispatcher, handler):
    def dispatcher_only(case, by):
        if by != dispatcher:
            raise services.EventRefused("只有受理员")

    services.declare_event("test_note", "测试记录", dispatcher_only)
    try:
        case = new_case()
        with pytest.raises(services.EventRefused, match="只有受理员"):
            services.log_event(case=case, action="test_note", by=handler)
        event = services.log_event(case=case, action="test_note", by=dispatcher, note="记一笔")
        assert event.action == "test_note" and event.to_status == case.status
        with pytest.raises(ImproperlyConfigured):  # the same name, another rule
            services.declare_event("test_note", "测试记录", lambda case, by: None)
    finally:
        services.EVENT_KINDS.pop("test_note")


def test_the_cores_own_events_cannot_be_declared():
    for name in ("sign", "verify", "receive", "dispute_register"):
        with pytest.raises(ImproperlyConfigured):
            services.declare_event(name, name, lambda case, by: None)


def test_mediation_declares_its_events():
    assert {"mediation_visit", "dispute_clear", "step_overdue"} <= set(services.EVENT_KINDS)


@pytest.mark.django_db
def test_a_case_becomes_a_dispute_through_its_dispatcher_once(new_case, dispatcher, handler, user_named):
    case = new_case()  # in 淇县
    with pytest.raises(services.EventRefused):  # not accepted yet
        services.register_dispute(case=case, by=dispatcher)
    case = services.accept(case=case, by=dispatcher)
    with pytest.raises(services.EventRefused):
        services.register_dispute(case=case, by=handler)
    with pytest.raises(ValidationError, match="数据范围"):  # 淇滨区's leader
        services.register_dispute(case=case, by=dispatcher, leader=user_named("leader_410611"))
    leader = user_named("leader_410622")
    case = services.register_dispute(case=case, by=dispatcher, leader=leader, data={"level": "county"})
    assert case.kind == CaseKind.DISPUTE and case.tier == Tier.LEADER and case.leader == leader
    assert case.events.get(action="dispute_register").data == {"level": "county"}
    with pytest.raises(services.EventRefused, match="已登记"):
        services.register_dispute(case=case, by=dispatcher)
