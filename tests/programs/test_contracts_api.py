"""The contracts and tier-proposal APIs: what they answer, their filters, who may read them,
and the same number of queries for 3 rows as for 30."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from programs.models import ContractStatus, TierProposalStatus
from tests.factories.accounts import ApiKeyFactory
from tests.factories.partners import PartnerFactory, portal_membership_for
from tests.factories.programs import (
    PartnerContractFactory,
    ProgramFactory,
    TierEvaluationFactory,
    TierFactory,
    TierProposalFactory,
)
from tests.programs.test_query_counts import count_queries

pytestmark = pytest.mark.django_db

SECRET = "alpha0000-contracts-api-key-secret"


def url(tenant, name, **kwargs):
    return reverse(f"programs:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def api(tenant):
    ApiKeyFactory(tenant=tenant, secret=SECRET, role=Role.VIEWER)
    return Client(HTTP_AUTHORIZATION=f"Api-Key prm_{SECRET}")


@pytest.fixture
def program(tenant):
    return ProgramFactory(tenant=tenant, name="Referral")


def other_program(program):
    # Same contract type: the factory seeds one type per tenant.
    return ProgramFactory(tenant=program.tenant, contract_type=program.contract_type)


@pytest.fixture
def tiers(tenant, program):
    return (
        TierFactory(tenant=tenant, program=program, name="Silver", position=1),
        TierFactory(tenant=tenant, program=program, name="Gold", position=2),
    )


def test_contract_list_answers_names_and_filters_by_status_partner_and_program(
    api, tenant, program, tiers
):
    partner = PartnerFactory(tenant=tenant, legal_name="株式会社さくら")
    active = PartnerContractFactory(tenant=tenant, partner=partner, tier=tiers[0])
    draft = PartnerContractFactory(
        tenant=tenant,
        tier=tiers[1],
        status=ContractStatus.DRAFT,
        starts_on=datetime.date(2027, 4, 1),
    )
    elsewhere = PartnerContractFactory(
        tenant=tenant, tier=TierFactory(program=other_program(program))
    )

    def ids(**params):
        response = api.get(url(tenant, "api_contract_list"), params)
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == sorted([active.pk, draft.pk, elsewhere.pk])
    assert ids(status="draft") == [draft.pk]
    assert ids(partner=partner.pk) == [active.pk]
    assert ids(program=program.pk) == sorted([active.pk, draft.pk])

    row = api.get(url(tenant, "api_contract_detail", contract_id=active.pk)).json()
    assert row["partner_name"] == str(partner)
    assert (row["program_name"], row["tier_name"]) == ("Referral", "Silver")
    assert (row["starts_on"], row["ends_on"], row["status"]) == (
        "2026-04-01",
        "2027-04-01",
        "active",
    )
    assert row["has_signed_document"] is False


def test_contract_list_refuses_a_bad_filter_value_naming_it(api, tenant):
    response = api.get(url(tenant, "api_contract_list"), {"status": "signed"})
    assert response.status_code == 400
    assert "status" in response.json()


def test_tier_proposals_answer_the_figures_and_filter_by_status_and_program(
    api, tenant, program, tiers
):
    contract = PartnerContractFactory(tenant=tenant, tier=tiers[0])
    evaluation = TierEvaluationFactory(tenant=tenant)
    pending = TierProposalFactory(
        tenant=tenant,
        contract=contract,
        evaluation=evaluation,
        proposed_tier=tiers[1],
        figures={"meetings_held": 12, "won_deals": 3},
    )
    other_contract = PartnerContractFactory(
        tenant=tenant, tier=TierFactory(program=other_program(program))
    )
    rejected = TierProposalFactory(
        tenant=tenant,
        contract=other_contract,
        evaluation=evaluation,
        proposed_tier=TierFactory(tenant=tenant, program=other_contract.program),
        status=TierProposalStatus.REJECTED,
    )

    def ids(**params):
        response = api.get(url(tenant, "api_tier_proposal_list"), params)
        assert response.status_code == 200
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == sorted([pending.pk, rejected.pk])
    assert ids(status="rejected") == [rejected.pk]
    assert ids(program=program.pk) == [pending.pk]
    row = api.get(url(tenant, "api_tier_proposal_detail", proposal_id=pending.pk)).json()
    assert row["figures"] == {"meetings_held": 12, "won_deals": 3}
    assert (row["partner"], row["program"]) == (contract.partner_id, program.pk)
    assert (row["current_tier"], row["proposed_tier"]) == (tiers[0].pk, tiers[1].pk)
    assert row["evaluated_on"] == evaluation.evaluated_on.isoformat()


@pytest.mark.parametrize("name", ["api_contract_list", "api_tier_proposal_list"])
def test_a_partner_user_cannot_read_the_staff_apis(tenant, client_for, name, tiers):
    membership, _rep = portal_membership_for(PartnerFactory(tenant=tenant), role=Role.PARTNER_ADMIN)
    response = client_for(membership).get(url(tenant, name))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("name", ["api_contract_list", "api_tier_proposal_list"])
def test_list_apis_make_the_same_queries_with_3_and_30_rows(api, tenant, tiers, name):
    evaluation = TierEvaluationFactory(tenant=tenant)

    def add(n, offset):
        for index in range(offset, offset + n):
            start = datetime.date(2000 + index, 1, 1)
            contract = PartnerContractFactory(
                tenant=tenant, tier=tiers[0], starts_on=start, ends_on=start.replace(day=31)
            )
            TierProposalFactory(
                tenant=tenant, contract=contract, evaluation=evaluation, proposed_tier=tiers[1]
            )

    add(3, 0)
    with_3 = count_queries(api, url(tenant, name))
    add(27, 3)
    with_30 = count_queries(api, url(tenant, name))

    assert with_30 == with_3
