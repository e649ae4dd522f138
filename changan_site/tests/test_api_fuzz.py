"""Property-based fuzzing of the staff API: Schemathesis reads the OpenAPI
schema from ``/api/schema/`` and sends every operation requests generated
from it, in-process through the WSGI application, signed in as the small
city's dispatcher (the demo's ``city_dispatcher``). However odd the input, the answer is never a 5xx.

Each operation runs up to three rounds:

- *hostile*: requests that break the schema, raw (control characters, wrong
  types, missing fields — ``changan.input_guard`` and the serializers answer);
- *typed*: requests that fit the schema, with the characters nobody can type
  taken out, so they pass the edge and reach the serializers and services;
- *aimed*: the same, at objects that exist (a case, an area, a grid, an org
  unit in the dispatcher's scope), so the actions run rather than a 404.

Bounded for CI: ``FUZZ_EXAMPLES`` examples per round (raise it locally to dig
deeper), derandomized, no example database, and all of it in the test's
transaction, rolled back at the end — so the writes (POST, PUT, PATCH,
DELETE) are fuzzed too and nothing is kept.

The operations are looped over here rather than through
``schemathesis.pytest.from_fixture``, which needs the database fixture per
operation and reaches into pytest internals that pytest 9 no longer has.
"""

from __future__ import annotations

import base64
import json
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from changan.input_guard import UNACCEPTABLE
from demo.services import DEMO_PASSWORD
from orgs.selectors import org_units_for

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
USER = "city_dispatcher"
AUTHORIZATION = "Basic " + base64.b64encode(f"{USER}:{DEMO_PASSWORD}".encode()).decode()
VILLAGE, GRID = "410611101001", "410611101001001"


@contextmanager
def connection_kept_open():
    """The WSGI handler closes the database connection around each request;
    here that would end the test's transaction. (Django's test client does
    the same thing for the same reason.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def existing_objects(client, user) -> dict[str, dict[str, object]]:
    """Path parameters naming objects the dispatcher may see, by path prefix."""
    body = {"title": "路灯不亮", "description": "路灯坏了三天", "channel": "hotline", "area_code": VILLAGE}
    case = client.post("/api/v1/cases/", json.dumps(body), content_type="application/json").json()
    unit = org_units_for(user).order_by("pk").first()
    return {
        "/api/v1/cases/": {"id": case["id"]},
        "/api/v1/areas/": {"code": VILLAGE},
        "/api/v1/grids/": {"code": GRID},
        "/api/v1/org-units/": {"id": unit.pk},
    }


@pytest.mark.django_db
def test_no_api_operation_answers_a_server_error(small_city, client_for, user_named):
    known = existing_objects(client_for(USER), user_named(USER))
    config = schemathesis.Config.from_dict({"seed": 20261201})
    failures: list[str] = []
    with connection_kept_open():
        app = get_wsgi_application()
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, config=config)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 30  # the schema was read, every case action included
        for operation in operations:
            rounds = [("hostile", GenerationMode.NEGATIVE, None), ("typed", GenerationMode.POSITIVE, None)]
            ids = next((v for prefix, v in known.items() if operation.path.startswith(prefix)), None)
            if ids and "{" in operation.path:
                rounds.append(("aimed", GenerationMode.POSITIVE, ids))
            for name, mode, path_parameters in rounds:
                failures += _fuzz(operation, name, mode, path_parameters)
    assert not failures, "server errors:\n" + "\n".join(failures)


def _fuzz(operation, name: str, mode: GenerationMode, path_parameters: dict | None) -> list[str]:
    found: list[str] = []
    if path_parameters:
        names = {p.name for p in operation.path_parameters}
        path_parameters = {k: v for k, v in path_parameters.items() if k in names}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.map(_typeable)

    @given(case=strategy)
    @settings(
        max_examples=FUZZ_EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report the request as sent
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        response = case.call(headers={"Authorization": AUTHORIZATION})
        if response.status_code >= 500 and len(found) < 3:
            found.append(f"{response.status_code} ({name}) {case.as_curl_command()}")

    send()
    return found


def _typeable(case):
    """The case with the characters the edge refuses taken out of every string."""
    for attribute in ("query", "body", "path_parameters"):
        value = getattr(case, attribute, None)
        if value is not None and not _is_unset(value):
            setattr(case, attribute, _strip(value))
    return case


def _strip(value):
    if isinstance(value, str):
        return UNACCEPTABLE.sub("", value)
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _is_unset(value) -> bool:
    return type(value).__name__ == "NotSet"
