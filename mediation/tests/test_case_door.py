"""Mediation acts on the case only through the case services: it never sets
a case's kind, tier or leader itself (``register_dispute`` does), and every
event it appends is declared with who may append it — the mediator's steps
by the mediator, the sweep's by the worker alone."""

import re
from pathlib import Path

import pytest

from cases import services as case_services
from mediation import events

SOURCES = [p for p in Path(events.__file__).parent.rglob("*.py") if "tests" not in p.parts]


def test_mediation_writes_no_case_field_itself():
    for path in SOURCES:
        text = path.read_text()
        assert not re.search(r"case\.(kind|tier|leader)\s*=", text), path
        assert not re.search(r"case\.(save|delete)\(", text), path
        assert not re.search(r"Case\.objects\.(filter|update|create)", text), path


def test_every_event_mediation_appends_is_declared():
    appended = set()
    for path in SOURCES:
        appended |= set(re.findall(r'action="([a-z_]+)"', path.read_text()))
    declared = {*events.BY_COORDINATOR, *events.BY_MEDIATOR, *events.BY_WORKER}
    assert appended and appended <= declared, appended - declared
    assert declared <= set(case_services.EVENT_KINDS)


@pytest.mark.django_db
def test_a_step_event_by_anyone_but_the_mediator_is_refused(in_step, dispatcher, mediator):
    dispute = in_step("enter")
    with pytest.raises(case_services.EventRefused):
        case_services.log_event(case=dispute.case, action="mediation_visit", by=dispatcher)
    with pytest.raises(case_services.EventRefused):  # the sweep's, not a person's
        case_services.log_event(case=dispute.case, action="step_overdue", by=mediator.user)
    case_services.log_event(case=dispute.case, action="step_overdue", by=None)
    assert not dispute.case.events.filter(action="mediation_visit").exists()
