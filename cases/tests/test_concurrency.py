"""Two people acting on one case at once: exactly one succeeds.

Real parallel connections need committed data and row locks, so this runs on
PostgreSQL (as in CI); SQLite serialises write transactions anyway. It is one
test on purpose: a transactional test empties the database when it ends
(pytest-django runs such tests last), so a second one would find no demo city.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from cases import services
from cases.models import Case, CaseEvent, Status

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
    # Committed rows, then an emptied database: it runs last, with the demo city's tests.
    pytest.mark.usefixtures("demo_city"),
]


def _in_thread(fn, results, key):
    try:
        results[key] = fn()
    except Exception as exc:  # the refused one raises; keep it for the asserts
        results[key] = exc
    finally:
        connections.close_all()


def test_concurrent_actions_on_one_case(new_case, dispatcher, bureau, handler):
    first_case = services.dispatch(
        case=services.accept(case=new_case(), by=dispatcher), by=dispatcher, unit=bureau
    )
    second_case = services.dispatch(
        case=services.accept(case=new_case(), by=dispatcher), by=dispatcher, unit=bureau
    )
    _a_second_signer_waits_for_the_lock_then_is_refused(first_case, handler)
    _many_simultaneous_actions_produce_one_transition(second_case, handler)


def _a_second_signer_waits_for_the_lock_then_is_refused(dispatched_case, handler):
    results: dict[str, object] = {}
    locked, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=dispatched_case.pk)
            locked.set()
            release.wait(timeout=10)
            return services.sign(case=dispatched_case, by=handler, note="A")

    def second():
        locked.wait(timeout=10)
        return services.sign(case=dispatched_case, by=handler, note="B")

    a = threading.Thread(target=_in_thread, args=(first, results, "a"))
    b = threading.Thread(target=_in_thread, args=(second, results, "b"))
    a.start()
    b.start()
    locked.wait(timeout=10)
    b.join(timeout=1)
    assert b.is_alive(), "the second signer must wait for the first one's lock"
    release.set()
    a.join(timeout=10)
    b.join(timeout=10)
    assert isinstance(results["a"], Case) and results["a"].status == Status.HANDLING
    assert isinstance(results["b"], services.ActionRefused)
    assert "处置中" in str(results["b"])
    assert list(
        CaseEvent.objects.filter(case=dispatched_case, action="sign").values_list("note", flat=True)
    ) == ["A"]


def _many_simultaneous_actions_produce_one_transition(dispatched_case, handler):
    results: dict[int, object] = {}
    start = threading.Barrier(6)

    def act(i):
        # Six people sign for the same case at the same moment.
        start.wait(timeout=10)
        return services.sign(case=dispatched_case, by=handler, note=f"签收{i}")

    threads = [threading.Thread(target=_in_thread, args=(lambda i=i: act(i), results, i)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    winners = [r for r in results.values() if isinstance(r, Case)]
    losers = [r for r in results.values() if isinstance(r, services.ActionRefused)]
    assert len(winners) == 1 and len(losers) == 5
    events = CaseEvent.objects.filter(case=dispatched_case).order_by("seq")
    assert [e.seq for e in events] == list(range(1, events.count() + 1))
    assert events.last().to_status == Case.objects.get(pk=dispatched_case.pk).status
