"""Notifications' background job (``manage.py run_job notification_delivery``, or
``run_worker`` with the others)."""

from changan.jobs import register
from notify.services import deliver_due


def deliver_notifications() -> str:
    """Send the due deliveries (SMS, e-mail, webhooks) and schedule retries."""
    counts = deliver_due()
    if not any(counts.values()):
        return ""
    return f"通知 sent {counts['sent']} retry {counts['retry']} dead {counts['dead']}"


register("notification_delivery", deliver_notifications)
