"""Random sequences of actions never break the case invariants:
- the event log replays to the current status, with gap-free sequence numbers;
- a closed case has a reply and a passed verification (or a direct answer);
- every deadline change is in the log, and one that moves a deadline earlier
  says why."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cases import services
from cases.models import Case, CaseEvent, Status
from changan import clock
from orgs.models import OrgUnit

pytestmark = pytest.mark.usefixtures("small_city")

ACTIONS = [
    "accept", "reject", "dispatch", "sign", "return", "reassign", "request_extension", "grant_extension",
    "refuse_extension", "suspend", "resume", "reply", "verify_pass", "verify_fail", "rate_bad", "rate_good",
    "reopen", "supervise_earlier", "supervise_later", "escalate", "whistle", "acknowledge", "contact",
]  # fmt: skip


# Each sequence starts with a random length of the main path, so the random
# tail starts from every state, including closed and reopened cases.
MAIN_PATH = ["accept", "dispatch", "sign", "reply", "verify_pass", "rate_bad", "reopen", "sign", "reply"]


def run(name: str, case: Case, people: dict) -> None:
    d, h, now = people["dispatcher"], people["handler"], clock.now()
    bureau, urban = people["bureau"], people["urban"]
    due = case.resolve_due_at or now
    calls = {
        "accept": lambda: services.accept(case=case, by=d),
        "reject": lambda: services.reject(case=case, by=d, reason="无效"),
        "dispatch": lambda: services.dispatch(case=case, by=d, unit=bureau),
        "sign": lambda: services.sign(case=case, by=h),
        "return": lambda: services.return_case(case=case, by=h, reason="非本单位职责"),
        "reassign": lambda: services.reassign(case=case, by=d, unit=bureau, reason="改回住建"),
        "request_extension": lambda: services.request_extension(
            case=case, by=h, until=due + dt.timedelta(days=5), reason="协调中"
        ),
        "grant_extension": lambda: services.grant_extension(case=case, by=d),
        "refuse_extension": lambda: services.refuse_extension(case=case, by=d, reason="不同意"),
        "suspend": lambda: services.suspend(case=case, by=h, reason="等待鉴定"),
        "resume": lambda: services.resume(case=case, by=h),
        "reply": lambda: services.reply(case=case, by=h, result="已处理"),
        "verify_pass": lambda: services.verify(case=case, by=d, passed=True),
        "verify_fail": lambda: services.verify(case=case, by=d, passed=False, note="未处理到位"),
        "rate_bad": lambda: services.rate(case=case, by=d, satisfaction=1, solved=False),
        "rate_good": lambda: services.rate(case=case, by=d, satisfaction=5, solved=True),
        "reopen": lambda: services.reopen(case=case, by=d, reason="未解决"),
        "supervise_earlier": lambda: services.supervise(
            case=case, by=d, note="限期办结", due=now + dt.timedelta(hours=5)
        ),
        "supervise_later": lambda: services.supervise(
            case=case, by=d, note="放宽时限", due=due + dt.timedelta(days=3)
        ),
        "escalate": lambda: services.escalate(case=case, by=d, reason="多部门", co_units=[urban]),
        "whistle": lambda: services.blow_whistle(
            case=case, by=people["grid_worker"], units=[urban], note="联合处置"
        ),
        "acknowledge": lambda: services.acknowledge(case=case, by=people["urban_staff"]),
        "contact": lambda: services.contact_reporter(case=case, by=h, note="已联系"),
    }
    before = (case.status, CaseEvent.objects.filter(case=case).count())
    try:
        calls[name]()
    except (PermissionDenied, ValidationError):
        case.refresh_from_db()
        assert (
            case.status,
            CaseEvent.objects.filter(case=case).count(),
        ) == before  # a refusal changes nothing


def check_invariants(case: Case) -> None:
    case.refresh_from_db()
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[-1].to_status == case.status
    for prev, nxt in itertools.pairwise(events):
        assert nxt.from_status in ("", prev.to_status)
    if case.status == Status.CLOSED:
        last_open = max((i for i, e in enumerate(events) if e.action in ("reopen", "receive")), default=0)
        tail = [e.action for e in events[last_open:]]
        passed = [e for e in events[last_open:] if e.action == "verify" and e.data.get("passed")]
        assert "answer" in tail or ("reply" in tail and passed)
    due = None
    for e in events:
        change = e.data.get("deadlines", {}).get("resolve_due_at")
        if change:
            old, new = (dt.datetime.fromisoformat(v) if v else None for v in change)
            assert old == due
            due = new
            if old and new and new < old:
                assert e.note.strip(), f"{e.action} moved the deadline earlier without saying why"
    assert due == case.resolve_due_at


@pytest.fixture
def people(db, handler, dispatcher, bureau):
    urban = OrgUnit.objects.get(name="淇县城市管理局")
    staff = User.objects.create_user("urban-staff", password="x-long-pass-1", org_unit=urban)
    staff.roles.add("handler")
    return {
        "dispatcher": dispatcher,
        "handler": handler,
        "bureau": bureau,
        "urban": urban,
        "urban_staff": staff,
        "grid_worker": User.objects.get(username="gw410622001001001"),
    }


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.integers(0, len(MAIN_PATH)), tail=st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=15)
)
def test_random_action_sequences_keep_the_invariants(people, new_case, prefix, tail):
    steps = MAIN_PATH[:prefix] + tail
    point_case = new_case(appeal_type="complaint", lon=None, lat=None, area_code="410622001001")
    for name in steps:
        case = Case.objects.get(pk=point_case.pk)
        run(name, case, people)
        check_invariants(case)
    REACHED.add(Case.objects.get(pk=point_case.pk).status)


REACHED: set[str] = set()


def test_the_random_sequences_reached_the_late_states():
    # Runs after the property test in this module (pytest keeps file order).
    if REACHED:  # skipped when the property test was deselected
        assert {Status.HANDLING, Status.CLOSED} <= REACHED, REACHED
