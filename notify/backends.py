"""Delivery backends. A backend sends one message to one address and raises
on failure (the worker then retries with back-off). Configure per channel in
settings.NOTIFY_BACKENDS; a city plugs in its SMS gateway here."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.core.mail import send_mail

from changan.crypto import mask_address

log = logging.getLogger("changan.notify")


class DeliveryFailed(Exception):
    pass


class ConsoleBackend:
    """Writes a line to the log for each message: the default, so nothing
    leaves the machine. Logs are kept, copied and read by more people than
    the data is meant for, so the line carries the masked address, the key
    and the title — never the body: a body holds what residents wrote, the
    tracking details sent to them, and the SMS verification codes. To see
    what a gateway would be sent, use the FileBackend (a delivery sink)."""

    def send(self, *, address: str, title: str, body: str, idempotency_key: str) -> None:
        log.info(
            "notify → %s [%s] %s (%d characters, not logged)",
            mask_address(address), idempotency_key, title, len(body),
        )  # fmt: skip


class EmailBackend:
    """Sends through Django's email settings (EMAIL_HOST …)."""

    def send(self, *, address: str, title: str, body: str, idempotency_key: str) -> None:
        send_mail(title, body, None, [address], fail_silently=False)


class MemoryBackend:
    """Keeps sent messages in ``MemoryBackend.outbox`` (like Django's locmem
    mail backend): for tests and for trying a gateway configuration."""

    outbox: list[dict] = []

    def send(self, *, address: str, title: str, body: str, idempotency_key: str) -> None:
        self.outbox.append({"address": address, "title": title, "body": body, "key": idempotency_key})


class FileBackend:
    """Appends each message as a JSON line to settings.NOTIFY_FILE_PATH: to
    see what a gateway would be sent (demos, browser tests). It is a delivery
    sink, not a log: it holds full numbers and bodies (codes included), as a
    gateway's queue would — keep it out of production and out of log shipping."""

    def send(self, *, address: str, title: str, body: str, idempotency_key: str) -> None:
        line = json.dumps({"address": address, "title": title, "body": body, "key": idempotency_key})
        with open(settings.NOTIFY_FILE_PATH, "a", encoding="utf-8") as out:
            out.write(line + "\n")


class FailingBackend:
    """Always fails: for tests of the retry path."""

    def send(self, *, address: str, title: str, body: str, idempotency_key: str) -> None:
        raise DeliveryFailed("gateway unavailable")
