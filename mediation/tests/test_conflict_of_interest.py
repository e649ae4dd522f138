"""A mediator related to or living next to a party is excluded, with the
reason, from the suggestions and from being chosen."""

import pytest
from django.core.exceptions import ValidationError

from mediation import services
from mediation.models import DisputeType, MediatorKind, MediatorTie
from mediation.selectors import conflicts_of, suggest_mediators
from mediation.tests.conftest import parties


@pytest.mark.django_db
def test_a_neighbour_of_a_party_is_excluded_and_cannot_be_chosen(registered, dispatcher, mediator):
    home = mediator.home_grid_id
    dispute = registered(parties=parties(applicant_grid=home))
    reasons = conflicts_of(mediator, dispute)
    assert len(reasons) == 1 and "王建国" in reasons[0] and "邻里" in reasons[0]
    listed = {c.mediator.pk: c for c in suggest_mediators(dispute)}
    assert listed[mediator.pk].excluded and "邻里" in listed[mediator.pk].excluded[0]
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.choose_mediator(dispute=dispute, by=dispatcher, mediator=mediator)
    assert dispute.case.events.filter(action="mediator_choose").count() == 0


@pytest.mark.django_db
def test_a_declared_relative_is_excluded(registered, mediator):
    MediatorTie.objects.create(mediator=mediator, person_name="李秀英", relation="表妹")
    dispute = registered()
    reasons = conflicts_of(mediator, dispute)
    assert reasons == ["与当事人李秀英系表妹（回避申报） / declared relation"]


@pytest.mark.django_db
def test_a_mediator_who_is_a_party_is_excluded(registered, mediator):
    mediator.user.phone = "13803920002"  # 李秀英's number
    mediator.user.save()
    assert "调解员本人是当事人" in conflicts_of(mediator, registered())[0]


@pytest.mark.django_db
def test_suggestions_put_a_fitting_specialist_first_and_excluded_last(registered, mediator):
    dispute = registered(
        dispute_type=DisputeType.objects.get(pk="property"),
        parties=parties(applicant_grid=mediator.home_grid_id),
    )
    found = suggest_mediators(dispute)
    assert found[0].mediator.kind == MediatorKind.PROFESSIONAL and "擅长物业纠纷" in found[0].reasons
    assert found[-1].excluded  # the neighbour (陈调解) comes last
    kinds = {c.mediator.kind for c in found}
    assert MediatorKind.TOWNSHIP in kinds and MediatorKind.INDUSTRY in kinds
