"""Disputes for the tests: a case in 钜桥镇 registered by the county's
dispatcher with two parties, ready for its mediator (demo login ``mediator``,
陈调解, of 钜桥镇人民调解委员会)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases import services as case_services
from cases.models import Channel
from changan import clock
from mediation import services
from mediation.models import Dispute, DisputeType, Level, Mediator, Outcome, Risk, Side
from regions.models import Grid

GRID = "410611101002001"


def parties(applicant_grid: str = GRID, respondent_grid: str = "") -> list[services.PartyInput]:
    return [
        services.PartyInput(
            side=Side.APPLICANT,
            name="王建国",
            gender="男",
            birth_year=1968,
            occupation="农民",
            address="钜桥镇钜桥村",
            ethnicity="汉族",
            grid_code=applicant_grid,
            id_number="410611196805120014",
            phone="13803920001",
        ),
        services.PartyInput(
            side=Side.RESPONDENT,
            name="李秀英",
            gender="女",
            birth_year=1975,
            occupation="个体",
            address="钜桥镇钜桥村",
            ethnicity="汉族",
            grid_code=respondent_grid,
            phone="13803920002",
        ),
    ]


@pytest.fixture(autouse=True)
def _city(request):
    """The database tests run in the small city (demo.small): 钜桥镇 with its
    committee and mediator, the county's dispatcher and leader — unless
    they asked for the demo city."""
    if request.node.get_closest_marker("django_db") and "demo_city" not in request.fixturenames:
        request.getfixturevalue("small_city")


@pytest.fixture
def dispatcher(user_named):
    return user_named("dispatcher_410611")


@pytest.fixture
def mediator(user_named):
    return Mediator.objects.get(user=user_named("mediator"))


@pytest.fixture
def new_case():
    def make(grid: str = GRID, channel: str = Channel.QR):
        g = Grid.objects.get(code=grid)
        return case_services.receive_case(
            title="邻里因漏水发生纠纷",
            description="楼上漏水致楼下墙面受损，协商未果。",
            channel=channel,
            lon=g.centroid_lon,
            lat=g.centroid_lat,
            reporter_name="王建国",
            reporter_phone="13803920001",
        )

    return make


@pytest.fixture
def registered(new_case, dispatcher):
    def make(**overrides):
        fields = {
            "dispute_type": DisputeType.objects.get(pk="neighbour"),
            "parties": parties(),
            "summary": "楼上漏水致楼下墙面受损",
            "level": Level.TOWNSHIP,
        }
        fields.update(overrides)
        return services.register(case=new_case(), by=dispatcher, **fields)

    return make


@pytest.fixture
def in_step(registered, dispatcher, mediator):
    """A dispute taken as far as ``step`` by its mediator: 'enter' (chosen
    and signed), 'stabilise' (visited), 'mediate' (assessed, one session),
    'agreed' (agreement drafted), 'clear' (agreement signed)."""

    def make(step: str):
        user = mediator.user
        dispute = services.choose_mediator(dispute=registered(), by=dispatcher, mediator=mediator)
        case_services.sign(case=dispute.case, by=user)
        if step == "enter":
            return _fresh(dispute)
        now = clock.now()
        services.record_visit(
            dispute=dispute, by=user, at=now, place="王家", met="王建国、李秀英", findings="墙面发霉"
        )
        if step == "stabilise":
            return _fresh(dispute)
        services.assess_risk(
            dispute=dispute, by=user, level=Risk.LOW, reasons="双方愿意协商", measures="日常关注"
        )
        services.record_session(
            dispute=dispute, by=user, at=now, place="调解室", attendees="双方", minutes="……"
        )
        if step == "mediate":
            return _fresh(dispute)
        services.conclude(dispute=dispute, by=user, conclusion=agreement_terms(dispute))
        if step == "agreed":
            return _fresh(dispute)
        services.sign_agreement(dispute=dispute, by=user, signed_at=clock.now())
        return _fresh(dispute)

    return make


def agreement_terms(dispute, due: dt.date | None = None) -> services.Conclusion:
    respondent = dispute.parties.get(side=Side.RESPONDENT)
    return services.Conclusion(
        outcome=Outcome.AGREEMENT,
        facts="楼上卫生间漏水致楼下墙面受损，被申请人负主要责任。",
        terms="被申请人修复防水并赔偿2000元。",
        performance="现金当面交付，调解员见证。",
        obligations=[
            services.ObligationInput(
                respondent, "赔偿墙面修复费2000元", due or clock.now().date() + dt.timedelta(days=10)
            )
        ],
    )


def _fresh(dispute):
    return Dispute.objects.select_related("case", "mediator__user", "mediator__committee").get(pk=dispute.pk)
