"""An analyst confirms a signal (it becomes a risk to handle) or dismisses
it with a reason; both are kept, once, and only inside the analyst's area."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role, RoleCode
from earlywarning import services
from earlywarning.models import Decision, Signal
from earlywarning.tests.factories import XUNXIAN_TOWNSHIP, signal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_city")]


def test_confirming_keeps_who_when_and_why(user_named):
    s = signal()
    services.decide(signal=s, by=user_named("analyst"), decision="confirmed", reason="工地欠薪，转专班")
    s.refresh_from_db()
    assert (s.decision, s.reason, s.decided_by.username) == (
        Decision.CONFIRMED,
        "工地欠薪，转专班",
        "analyst",
    )
    assert s.decided_at is not None


def test_a_dismissal_needs_a_reason_and_nothing_is_written_without_one(user_named):
    s = signal()
    with pytest.raises(ValidationError, match="理由"):
        services.decide(signal=s, by=user_named("analyst"), decision="dismissed", reason="  ")
    assert Signal.objects.get(pk=s.pk).decision == Decision.OPEN
    services.decide(signal=s, by=user_named("analyst"), decision="dismissed", reason="节假日正常波动")
    assert Signal.objects.get(pk=s.pk).decision == Decision.DISMISSED


def test_a_decided_signal_is_not_decided_again(user_named):
    s = signal()
    services.decide(signal=s, by=user_named("analyst"), decision="confirmed")
    with pytest.raises(ValidationError, match="已研判"):
        services.decide(signal=s, by=user_named("analyst"), decision="dismissed", reason="改主意")
    assert Signal.objects.get(pk=s.pk).decision == Decision.CONFIRMED


def test_only_analysts_and_leaders_of_the_area_decide(user_named):
    s = signal(area=XUNXIAN_TOWNSHIP)
    with pytest.raises(PermissionDenied):  # a dispatcher sees signals but does not decide them
        services.decide(signal=s, by=user_named("xunxian_dispatcher"), decision="confirmed")
    county_analyst = user_named("qixian_dispatcher")
    county_analyst.roles.add(Role.objects.get(code=RoleCode.ANALYST))
    with pytest.raises(PermissionDenied):  # an analyst of 淇县 cannot decide for 浚县
        services.decide(signal=s, by=county_analyst, decision="confirmed")
    assert Signal.objects.get(pk=s.pk).decision == Decision.OPEN


def test_an_unknown_decision_is_refused(user_named):
    with pytest.raises(ValidationError):
        services.decide(signal=signal(), by=user_named("analyst"), decision="maybe")
