"""The isolation suite runs as the application's role: prove that it matters.

A test-only view runs a deliberately unscoped raw query. As the superuser (what the suite ran
as before) it reads the other tenant's rows and would pass a test that only looks at status
codes; as the application role RLS leaves it the bound tenant's rows, or none outside one.
"""

import pytest

from tests.conftest import APP_ROLE
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.urls("tests.support.urls_kernel")


@pytest.fixture
def partners(tenant, other_tenant):
    PartnerFactory(tenant=tenant, legal_name="Alpha Reseller")
    PartnerFactory(tenant=other_tenant, legal_name="Beta Reseller")


def test_the_suites_clients_run_as_the_application_role(
    tenant, admin_member, fresh_client_for, client
):
    seen = fresh_client_for(admin_member).get(f"/{tenant.slug}/test-only/probe/").json()

    assert seen["role"] == APP_ROLE
    assert client.get("/test-only/outside/").json()["role"] == APP_ROLE


def test_an_unscoped_query_in_a_view_sees_only_the_bound_tenant_as_the_app_role(
    tenant, partners, admin_member, fresh_client_for
):
    names = fresh_client_for(admin_member).get(f"/{tenant.slug}/test-only/unscoped/").json()

    assert names == {"names": ["Alpha Reseller"]}


def test_control_as_the_superuser_the_same_view_leaks_the_other_tenant(
    tenant, partners, admin_member, with_totp, superuser_client
):
    with_totp(admin_member.user)
    superuser_client.force_login(admin_member.user)

    names = superuser_client.get(f"/{tenant.slug}/test-only/unscoped/").json()["names"]

    assert "Beta Reseller" in names  # what a superuser-run suite would never have noticed


def test_a_query_outside_any_tenant_finds_nothing_as_the_app_role(partners, client):
    # A view that forgot to enter its tenant: superuser tests would pass with every row.
    assert client.get("/test-only/outside/").json()["names"] == []


def test_control_outside_any_tenant_the_superuser_sees_every_tenants_rows(
    partners, superuser_client
):
    names = superuser_client.get("/test-only/outside/").json()["names"]

    assert names == ["Alpha Reseller", "Beta Reseller"]
