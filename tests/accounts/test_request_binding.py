"""The request owns the RLS binding of its connection, services own the transactions.

Requests here run as the application's database role (AppRoleClient) on the test's one
connection, exactly like consecutive requests on a persistent connection in production.
"""

import pytest
from django.db import transaction

from accounts.roles import Role
from accounts.services import heartbeat_record
from tests.conftest import APP_ROLE
from tests.factories.accounts import MembershipFactory
from tests.factories.partners import PartnerFactory

pytestmark = pytest.mark.urls("tests.support.urls_kernel")


@pytest.fixture
def two_tenants(tenant, other_tenant):
    for owner in (tenant, other_tenant):
        MembershipFactory(tenant=owner, role=Role.VIEWER)
        PartnerFactory(tenant=owner, legal_name=f"{owner.slug} partner")


def test_a_tenant_request_runs_as_the_app_role_bound_to_its_tenant(
    tenant, two_tenants, manager_member, client_for
):
    seen = client_for(manager_member).get(f"/{tenant.slug}/test-only/probe/").json()

    assert seen["role"] == APP_ROLE
    assert seen["bound_tenant"] == str(tenant.pk)
    assert seen["tenants"] == 1


def test_the_next_request_on_the_connection_outside_a_tenant_sees_no_tenant_rows(
    tenant, two_tenants, manager_member, client_for
):
    client = client_for(manager_member)
    assert client.get(f"/{tenant.slug}/test-only/probe/").json()["memberships"] >= 1

    after = client.get("/test-only/outside/").json()

    assert after["role"] == APP_ROLE
    assert after["bound_tenant"] == ""
    assert after["names"] == []
    # Only the person's own membership rows (the own-rows policy), never the tenant's others.
    assert after["memberships"] == 1


def test_after_a_crashed_request_the_next_one_sees_no_tenant_rows(
    tenant, two_tenants, manager_member, fresh_client_for
):
    client = fresh_client_for(manager_member, raise_request_exception=False)
    assert client.get(f"/{tenant.slug}/test-only/crash/").status_code == 500

    after = client.get("/test-only/outside/").json()

    assert after["bound_tenant"] == ""
    assert after["names"] == []


def test_an_anonymous_request_after_a_tenant_request_is_bound_to_nobody(
    tenant, two_tenants, manager_member, client_for, client
):
    client_for(manager_member).get(f"/{tenant.slug}/test-only/probe/")
    client.logout()

    after = client.get("/test-only/outside/").json()

    assert after["bound_tenant"] == ""
    assert after["memberships"] == 0


def test_a_streamed_response_is_produced_inside_its_tenant(
    tenant, two_tenants, manager_member, client_for
):
    response = client_for(manager_member).get(f"/{tenant.slug}/test-only/streamed/")

    assert b"".join(response.streaming_content).decode().split() == ["alpha", "partner"]


@pytest.mark.django_db(transaction=True)
def test_the_page_renders_after_the_service_committed_holding_no_transaction(
    tenant, manager_member, fresh_client_for
):
    seen = fresh_client_for(manager_member).get(f"/{tenant.slug}/test-only/probe-after-service/")

    assert seen.json()["in_atomic_block"] is False
    assert seen.json()["bound_tenant"] == str(tenant.pk)


@pytest.mark.django_db(transaction=True)
def test_a_service_is_its_own_unit_of_work_and_refuses_to_run_inside_another(db):
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        heartbeat_record(name="nested", worker="test")

    heartbeat_record.nested  # noqa: B018 - the composable form exists
    with transaction.atomic():
        heartbeat_record.nested(name="nested", worker="test")
