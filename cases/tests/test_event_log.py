"""The event log is append-only, down to the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cases.models import EVENT_LABELS, CaseEvent
from cases.services import ACTIONS

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


def test_every_action_of_the_core_has_a_label_on_the_timeline():
    # (contact_reporter and return_case are logged as "contact" and "return")
    logged_as = {"contact_reporter": "contact", "return_case": "return"}
    from_actions = {logged_as.get(name, name) for name in ACTIONS}
    assert from_actions - set(EVENT_LABELS) == set()
