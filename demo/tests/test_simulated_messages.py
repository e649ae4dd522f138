"""The demo's simulated past queues messages as the services do for real
steps; they count as sent at their simulated time, so the worker does not
send a whole year of SMS when the demo starts. A message queued afterwards
is sent as usual."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from demo.disputes import simulate_disputes
from demo.year import simulate_year
from notify.models import Delivery, DeliveryState
from notify.services import notify


@pytest.mark.django_db
def test_the_simulated_past_leaves_no_messages_for_the_worker(small_city):
    simulate_year(cases_per_year=60, seed=3, end=dt.date(2026, 11, 1))
    simulate_disputes(count=12, seed=7)

    simulated = Delivery.objects.select_related("notification")
    assert simulated.filter(state=DeliveryState.SENT).count() > 20
    assert not simulated.filter(state=DeliveryState.PENDING).exists()
    assert all(d.sent_at == d.notification.created_at for d in simulated.order_by("pk")[:50])

    notify(recipients=[User.objects.exclude(phone="").first()], title="演示之后的新消息", kind="test")
    new = Delivery.objects.get(notification__title="演示之后的新消息")
    assert list(Delivery.objects.filter(state=DeliveryState.PENDING)) == [new]
    call_command("run_worker", "--once", stdout=StringIO())
    new.refresh_from_db()
    assert new.state == DeliveryState.SENT
