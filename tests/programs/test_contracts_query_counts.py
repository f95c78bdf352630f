"""The contract list and a contract's page make as many queries with 30 contracts as with 3."""

import datetime

import pytest
from django.urls import reverse

from tests.factories.partners import PartnerFactory
from tests.factories.programs import PartnerContractFactory, ProgramFactory, TierFactory
from tests.programs.test_query_counts import count_queries

pytestmark = pytest.mark.django_db


class World:
    def __init__(self, tenant):
        self.tenant = tenant
        self.program = ProgramFactory(tenant=tenant)
        self.tier = TierFactory(tenant=tenant, program=self.program)
        self.partner = PartnerFactory(tenant=tenant)
        self.first = None
        self.count = 0

    def add(self, n: int) -> None:
        for _ in range(n):
            start = datetime.date(2000 + self.count, 1, 1)
            # One partner's contracts in a row (the history of the detail page) and others.
            partner = self.partner if self.count % 2 == 0 else PartnerFactory(tenant=self.tenant)
            contract = PartnerContractFactory(
                tenant=self.tenant,
                partner=partner,
                tier=self.tier,
                starts_on=start,
                ends_on=start.replace(month=12, day=31),
            )
            self.first = self.first or contract
            self.count += 1


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("contract_list", ""),
        ("contract_list", "sort=partner&status=active"),
        ("contract_list", "expiring=on"),
        ("contract_detail", ""),
    ],
)
def test_contract_pages_make_the_same_queries_with_3_and_30_rows(
    tenant, manager_member, fresh_client_for, page, query
):
    world = World(tenant)
    world.add(3)
    kwargs = {"tenant_slug": tenant.slug}
    if page == "contract_detail":
        kwargs["contract_id"] = world.first.pk
    url = reverse(f"programs:{page}", kwargs=kwargs) + (f"?{query}" if query else "")
    client = fresh_client_for(manager_member)

    with_3 = count_queries(client, url)
    world.add(27)
    with_30 = count_queries(client, url)

    assert with_30 == with_3, f"{page}?{query}: {with_3} queries with 3 rows, {with_30} with 30"
