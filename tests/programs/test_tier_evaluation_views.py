"""Tier proposal pages: the list is flat in queries, the detail shows the figures, approving
through the page moves the contract's tier, and viewers cannot decide."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from programs.models import PartnerContract, TierProposalStatus
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    TierEvaluationFactory,
    TierFactory,
    TierProposalFactory,
)

pytestmark = pytest.mark.django_db


def _proposals(tenant, evaluation, lower, upper, n):
    return [
        TierProposalFactory(
            contract=PartnerContractFactory(tier=lower),
            evaluation=evaluation,
            proposed_tier=upper,
            figures={
                "requirements": [{"key": "won_deals", "needed": "3", "measured": "4", "met": True}]
            },
        )
        for _ in range(n)
    ]


@pytest.fixture
def ladder(tenant):
    program = ProgramFactory(tenant=tenant)
    return (
        TierFactory(program=program, name="Silver", position=0),
        TierFactory(program=program, name="Gold", position=1),
    )


@pytest.mark.parametrize("query", ["", "status=all&sort=partner"])
def test_the_proposal_list_makes_the_same_queries_with_3_and_30_rows(
    tenant, ladder, manager_member, fresh_client_for, query
):
    evaluation = TierEvaluationFactory(tenant=tenant)
    _proposals(tenant, evaluation, *ladder, 3)
    url = reverse("programs:tier_proposal_list", kwargs={"tenant_slug": tenant.slug})
    url += f"?{query}" if query else ""
    client = fresh_client_for(manager_member)

    with CaptureQueriesContext(connection) as with_3:
        assert client.get(url).status_code == 200
    _proposals(tenant, evaluation, *ladder, 27)
    with CaptureQueriesContext(connection) as with_30:
        response = client.get(url)

    assert response.status_code == 200
    assert len(with_30) == len(with_3)
    assert response.content.decode().count("data-proposal=") == 25


def test_the_list_says_when_figures_were_not_measured(tenant, manager_member, fresh_client_for):
    TierEvaluationFactory(tenant=tenant, measured_by=[])
    client = fresh_client_for(manager_member)

    response = client.get(
        reverse("programs:tier_proposal_list", kwargs={"tenant_slug": tenant.slug})
    )

    assert 'data-testid="not-measured"' in response.content.decode()
    assert 'data-testid="no-results"' in response.content.decode()


def test_approving_on_the_page_moves_the_contract_tier(
    tenant, ladder, manager_member, fresh_client_for
):
    [proposal] = _proposals(tenant, TierEvaluationFactory(tenant=tenant), *ladder, 1)
    client = fresh_client_for(manager_member)
    kwargs = {"tenant_slug": tenant.slug, "proposal_id": proposal.pk}

    detail = client.get(reverse("programs:tier_proposal_detail", kwargs=kwargs))
    response = client.post(reverse("programs:tier_proposal_approve", kwargs=kwargs))

    assert 'data-testid="figures-table"' in detail.content.decode()
    assert response.status_code == 302
    with scopes_disabled():
        assert PartnerContract.objects.get(pk=proposal.contract_id).tier_id == ladder[1].pk
        proposal.refresh_from_db()
    assert proposal.status == TierProposalStatus.APPROVED


def test_a_viewer_cannot_approve(tenant, ladder, member_factory, fresh_client_for):
    [proposal] = _proposals(tenant, TierEvaluationFactory(tenant=tenant), *ladder, 1)
    viewer = member_factory(tenant, Role.VIEWER)
    kwargs = {"tenant_slug": tenant.slug, "proposal_id": proposal.pk}

    response = fresh_client_for(viewer).post(
        reverse("programs:tier_proposal_approve", kwargs=kwargs)
    )

    assert response.status_code in (403, 404)
    with scopes_disabled():
        assert PartnerContract.objects.get(pk=proposal.contract_id).tier_id == ladder[0].pk
