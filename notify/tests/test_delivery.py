"""Deliveries are sent by the worker, retried with back-off, then given up."""

import datetime as dt

import pytest

from accounts.models import User
from changan import clock
from notify.models import Delivery, DeliveryState, Notification
from notify.services import backoff, deliver_due, mark_read, notify

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.fixture
def person(db):
    return User.objects.get(username="qixian_dispatcher")


@pytest.mark.django_db
def test_a_message_lands_in_the_inbox_and_is_queued_for_sms(person):
    person.phone = "13900000000"
    person.save()
    (note,) = notify(recipients=[person], title="测试", body="内容", kind="test")
    assert Notification.objects.filter(recipient=person, title="测试").exists()
    delivery = Delivery.objects.get(notification=note)
    assert (delivery.channel, delivery.address, delivery.state) == (
        "sms",
        "13900000000",
        DeliveryState.PENDING,
    )
    assert deliver_due()["sent"] >= 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1 and delivery.sent_at


@pytest.mark.django_db
def test_no_address_no_delivery_but_still_the_inbox(person):
    person.phone = ""
    person.save()
    (note,) = notify(recipients=[person], title="仅站内", kind="test")
    assert not Delivery.objects.filter(notification=note).exists()


@pytest.mark.django_db
def test_failures_are_retried_with_back_off_then_given_up(person, settings):
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "notify.backends.FailingBackend"}
    settings.NOTIFY_MAX_ATTEMPTS = 3
    person.phone = "13900000000"
    person.save()
    Delivery.objects.all().delete()
    (note,) = notify(recipients=[person], title="重试", kind="test")
    now = clock.now()
    assert deliver_due(now=now)["retry"] == 1
    delivery = Delivery.objects.get(notification=note)
    assert delivery.next_attempt_at == now + backoff(1) and "gateway unavailable" in delivery.last_error
    assert deliver_due(now=now)["retry"] == 0  # not due yet
    deliver_due(now=now + dt.timedelta(minutes=1))
    assert deliver_due(now=now + dt.timedelta(minutes=10))["dead"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD and delivery.attempts == 3


def test_back_off_doubles_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 10)] == [1, 2, 4, 8, 60]


@pytest.mark.django_db
def test_only_the_recipient_marks_a_message_read(person, user_named):
    (note,) = notify(recipients=[person], title="已读", kind="test")
    mark_read(notification=note, by=user_named("handler"))
    assert note.read_at is None
    mark_read(notification=note, by=person)
    assert note.read_at is not None


@pytest.mark.django_db
def test_a_message_to_a_phone_without_an_account_keeps_the_number_encrypted(settings):
    from changan import crypto
    from notify.backends import MemoryBackend
    from notify.services import notify_phone

    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "sms": "notify.backends.MemoryBackend"}
    MemoryBackend.outbox.clear()
    secret = crypto.encrypt("13912345678")
    notify_phone(phone_encrypted=secret, masked="139****5678", title="t", body="b", kind="reporter_x")
    (delivery,) = Delivery.objects.filter(notification__recipient=None)
    assert delivery.address == "139****5678" and b"13912345678" not in bytes(delivery.secret_address)
    deliver_due()
    assert MemoryBackend.outbox[-1]["address"] == "13912345678"
    # A number no configured key can decrypt is never sent to its masked form.
    notify_phone(phone_encrypted=b"not-a-token", masked="139****0000", title="t", body="b", kind="reporter_x")
    MemoryBackend.outbox.clear()
    deliver_due()
    assert MemoryBackend.outbox == []
    lost = Delivery.objects.get(address="139****0000")
    assert lost.state == DeliveryState.DEAD and "decrypt" in lost.last_error
