"""Writing notifications (inside the caller's transaction) and delivering
them (the worker). Every message lands in the recipient's inbox; for each
configured channel the recipient has an address for, a delivery row is queued
in the same transaction, so a committed change never loses its message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from changan import bulk, clock, crypto
from notify.backends import DeliveryFailed
from notify.models import Delivery, DeliveryState, Notification


@dataclass(frozen=True)
class Message:
    recipients: Sequence
    title: str
    kind: str
    body: str = ""
    case: object = None


def notify(*, recipients: Iterable, title: str, body: str = "", kind: str, case=None) -> list[Notification]:
    return notify_many([Message(list(recipients), title, kind, body, case)])


def notify_many(messages: Sequence[Message]) -> list[Notification]:
    """Write many messages with two INSERTs (inbox rows, then deliveries)."""
    now = clock.now()
    notes = []
    for m in messages:
        users = {u.pk: u for u in m.recipients if u is not None}
        notes += [
            Notification(recipient=u, case=m.case, kind=m.kind, title=m.title, body=m.body, created_at=now)
            for u in users.values()
        ]
    if not notes:
        return []
    bulk.insert(Notification, notes)
    deliveries = [
        Delivery(notification=note, channel=channel, address=address, next_attempt_at=now)
        for note in notes
        for channel in settings.NOTIFY_CHANNELS
        if (address := _address(note.recipient, channel))
    ]
    bulk.insert(Delivery, deliveries)
    return notes


def notify_phone(
    *, phone_encrypted: bytes, masked: str, title: str, body: str, kind: str, case=None
) -> Notification:
    """An SMS to someone without an account (a verified reporter), through
    the same outbox; the number is decrypted only when it is sent."""
    note = Notification.objects.create(
        recipient=None, case=case, kind=kind, title=title, body=body, created_at=clock.now()
    )
    Delivery.objects.create(
        notification=note, channel="sms", address=masked, secret_address=phone_encrypted,
        next_attempt_at=note.created_at,
    )  # fmt: skip
    return note


def _address(user, channel: str) -> str:
    return {"sms": user.phone, "email": user.email}.get(channel, "")


def backend_for(channel: str):
    return import_string(settings.NOTIFY_BACKENDS[channel])()


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, capped at an hour."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def deliver_due(*, limit: int = 200, now: dt.datetime | None = None) -> dict[str, int]:
    """Send due deliveries. Each is claimed with a row lock that other
    workers skip (PostgreSQL ``FOR UPDATE SKIP LOCKED``), sent, and marked in
    the same transaction; a crash before the commit leaves it pending, so it
    is sent again (at least once; backends get the delivery id as an
    idempotency key so a gateway can drop the repeat)."""
    now = now or clock.now()
    counts = {"sent": 0, "retry": 0, "dead": 0}
    backends: dict[str, object] = {}
    for _ in range(limit):
        with transaction.atomic():
            due = Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).order_by(
                "next_attempt_at", "pk"
            )
            # SKIP LOCKED on PostgreSQL; SQLite ignores row locks (one writer at a time).
            delivery = due.select_for_update(skip_locked=True).select_related("notification").first()
            if delivery is None:
                break
            backend = backends.get(delivery.channel)
            if backend is None:
                backend = backends[delivery.channel] = backend_for(delivery.channel)
            delivery.attempts += 1
            address = delivery.address
            if delivery.secret_address is not None:
                # Never fall back to the masked form: a key that is no longer
                # configured makes the delivery undeliverable.
                address = crypto.decrypt(delivery.secret_address)
            try:
                if not address:
                    raise DeliveryFailed("the address cannot be decrypted with the configured keys")
                backend.send(
                    address=address,
                    title=delivery.notification.title,
                    body=delivery.notification.body,
                    idempotency_key=f"changan-delivery-{delivery.pk}",
                )
            except Exception as exc:  # any backend failure is retried
                delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS or not address:
                    delivery.state = DeliveryState.DEAD
                    counts["dead"] += 1
                else:
                    delivery.next_attempt_at = now + backoff(delivery.attempts)
                    counts["retry"] += 1
            else:
                delivery.state, delivery.sent_at = DeliveryState.SENT, clock.now()
                counts["sent"] += 1
            delivery.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at", "last_error"])
    return counts


def mark_read(*, notification: Notification, by) -> None:
    if notification.recipient_id == by.pk and notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
