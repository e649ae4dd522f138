"""A high-risk dispute alerts the township 综治中心 and the police liaison at
once and is followed daily until an assessment lowers the level."""

import datetime as dt

import pytest

from changan import clock
from mediation import services
from mediation.models import Risk
from notify.models import Notification


@pytest.mark.django_db
def test_high_risk_alerts_at_once_and_is_checked_daily_until_it_drops(in_step, mediator, dispatcher):
    dispute = in_step("stabilise")
    user = mediator.user
    services.assess_risk(
        dispute=dispute,
        by=user,
        level=Risk.HIGH,
        reasons="扬言到市里上访",
        measures="民警参与稳控",
        escalation=True,
        group_size=6,
    )
    alerted = {n.recipient for n in Notification.objects.filter(kind="dispute_high_risk", case=dispute.case)}
    police = set(services.police_liaison(dispute.case))
    assert dispatcher in alerted and police and police <= alerted
    dispute.refresh_from_db()
    first = dispute.risk_check_due_at
    assert first is not None
    assert services.sweep(now=first - dt.timedelta(minutes=1)).risk_checks == 0
    assert services.sweep(now=first).risk_checks == 1
    dispute.refresh_from_db()
    assert dispute.risk_check_due_at == first + dt.timedelta(days=1)  # tomorrow again
    assert Notification.objects.filter(kind="dispute_risk_check", recipient=user).count() == 1
    with clock.frozen_at(first + dt.timedelta(hours=2)):
        services.assess_risk(dispute=dispute, by=user, level=Risk.LOW, reasons="已平稳", measures="日常关注")
    dispute.refresh_from_db()
    assert dispute.risk == Risk.LOW and dispute.risk_check_due_at is None
    assert services.sweep(now=first + dt.timedelta(days=3)).risk_checks == 0
