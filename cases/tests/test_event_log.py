"""The event log is append-only, down to the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cases.models import CaseEvent

pytestmark = pytest.mark.usefixtures("small_city")


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted(new_case):
    event = CaseEvent.objects.get(case=new_case())
    event.note = "篡改"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(note="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).note == ""
