"""Every report form starts a session; the worker deletes expired ones."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command


@pytest.mark.django_db
def test_the_worker_deletes_expired_sessions(client, small_city):
    client.get("/report/place/")
    client.get("/report/?village=410611101001")
    live = Session.objects.count()
    assert live >= 1
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    call_command("run_worker", "--once", stdout=StringIO())
    assert not Session.objects.filter(session_key="x" * 32).exists()
    assert Session.objects.count() == live
