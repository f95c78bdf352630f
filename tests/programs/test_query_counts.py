"""The program list and a program's page make as many queries with 30 rows as with 3."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.programs import (
    CommissionRuleSetFactory,
    CommissionRuleSetVersionFactory,
    ProgramFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


class World:
    """`add(n)`: n more programs (each with two tiers), n tiers and n rule sets (two versions
    each, the tiers naming them) on the first program."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.first = ProgramFactory(tenant=tenant, name="First")
        self.count = 0

    def add(self, n: int) -> None:
        for _ in range(n):
            self.count += 1
            program = ProgramFactory(tenant=self.tenant, is_public=self.count % 2 == 0)
            TierFactory(program=program, position=0)
            TierFactory(program=program, position=1)
            rule_set = CommissionRuleSetFactory(program=self.first)
            for year in (2025, 2026):
                CommissionRuleSetVersionFactory(
                    rule_set=rule_set, effective_from=datetime.date(year, 4, 1)
                )
            TierFactory(program=self.first, position=self.count, rule_set=rule_set)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("program_list", ""),
        ("program_list", "sort=-tiers&visibility=all"),
        ("program_list", "q=program"),
        ("program_detail", ""),
    ],
)
def test_program_pages_make_the_same_queries_with_3_and_30_rows(
    tenant, manager_member, fresh_client_for, page, query
):
    world = World(tenant)
    world.add(3)
    kwargs = {"tenant_slug": tenant.slug}
    if page == "program_detail":
        kwargs["program_id"] = world.first.pk
    url = reverse(f"programs:{page}", kwargs=kwargs) + (f"?{query}" if query else "")
    client = fresh_client_for(manager_member)

    with_3 = count_queries(client, url)
    world.add(27)
    with_30 = count_queries(client, url)

    assert with_30 == with_3, f"{page}?{query}: {with_3} queries with 3 rows, {with_30} with 30"
