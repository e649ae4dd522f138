"""The simulated past's messages. A simulation plays each step through the
services, which queue an SMS for it as they would for a real step; those
messages belong to the past, so they are marked as sent at the moment they
were queued — otherwise the worker would send a whole simulated year of SMS
(thousands) the moment the demo starts. Messages queued after a simulation
are real and are sent as usual."""

from __future__ import annotations

from django.db.models import F, Max

from notify.models import Delivery, DeliveryState


def last_delivery_id() -> int:
    return Delivery.objects.aggregate(last=Max("pk"))["last"] or 0


def mark_sent_since(delivery_id: int) -> int:
    """The deliveries queued after ``delivery_id`` and still pending: sent
    when they were queued. Returns how many."""
    return Delivery.objects.filter(pk__gt=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENT, sent_at=F("next_attempt_at"), attempts=1
    )
