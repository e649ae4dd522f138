"""Reads of notifications: a user sees only their own."""

from django.db.models import QuerySet

from notify.models import Notification


def inbox_for(user, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("case")
    return qs.filter(read_at=None) if unread else qs
