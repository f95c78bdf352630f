"""The live server answers browser tests as the application role, as the test client does.

The test-only probes (tests/support/urls_kernel.py) report the database role and run a
deliberately unscoped raw query; as the superuser that query would read every tenant's rows.
"""

import pytest

from tests.conftest import APP_ROLE
from tests.factories.partners import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.urls("tests.support.urls_kernel")]


@pytest.fixture
def partners(tenant, other_tenant):
    PartnerFactory(tenant=tenant, legal_name="Alpha Reseller")
    PartnerFactory(tenant=other_tenant, legal_name="Beta Reseller")


def test_a_browser_request_runs_as_the_application_role(page, server, partners):
    response = page.goto(f"{server}/test-only/outside/")

    assert response is not None and response.status == 200
    seen = response.json()
    assert seen["role"] == APP_ROLE
    # A query outside any tenant finds nothing: as the superuser it would list both partners.
    assert seen["names"] == []


def test_an_unscoped_query_in_a_browser_request_sees_only_the_bound_tenant(
    page, server, login, tenant, partners, manager_member
):
    login(page, manager_member.user)

    response = page.goto(f"{server}/{tenant.slug}/test-only/unscoped/")

    assert response is not None and response.status == 200
    assert response.json() == {"names": ["Alpha Reseller"]}
