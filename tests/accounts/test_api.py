"""The kernel's REST API: who am I, members, the schema, and errors that are always JSON."""

import json

import pytest
import yaml
from django.test import Client

from accounts.models import ApiKey
from accounts.roles import Role
from tests.factories.accounts import ApiKeyFactory, MembershipFactory
from tests.support.urls_failing import WRITTEN_ACTION

SECRET = "k0000042-a-test-secret-of-an-api-key"


def _key_client(secret: str = SECRET) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key prm_{secret}")


# --- /me/ ---------------------------------------------------------------------------------------


def test_me_with_a_session_answers_the_members_role_and_tenant(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "user"
    assert body["email"] == manager_member.user.email
    assert body["role"] == "partner_manager"
    assert body["tenant"]["slug"] == "alpha"
    assert body["tenant"]["name"] == "Alpha Software"
    assert "partners.manage" in body["permissions"]
    assert "members.manage" not in body["permissions"]


def test_me_with_an_api_key_answers_the_keys_role_and_records_its_use(tenant, in_tenant):
    key = ApiKeyFactory(tenant=tenant, secret=SECRET, name="ERP", role=Role.FINANCE)

    response = _key_client().get(f"/{tenant.slug}/api/v1/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "api_key"
    assert body["role"] == "finance"
    assert body["full_name"] == "ERP"
    assert body["tenant"]["slug"] == "alpha"
    with in_tenant(tenant):
        assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_revoked_api_key_is_refused_with_401_json(tenant):
    from django.utils import timezone

    ApiKeyFactory(tenant=tenant, secret=SECRET, revoked_at=timezone.now())

    response = _key_client().get(f"/{tenant.slug}/api/v1/me/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Invalid or revoked API key."}
    assert response["WWW-Authenticate"] == "Api-Key"


def test_api_key_of_tenant_b_is_refused_on_tenant_a_url(tenant, other_tenant, in_tenant):
    foreign = ApiKeyFactory(tenant=other_tenant, secret=SECRET)

    response = _key_client().get(f"/{tenant.slug}/api/v1/me/")
    control = _key_client().get(f"/{other_tenant.slug}/api/v1/me/")

    assert response.status_code == 401
    assert "detail" in response.json()
    assert control.status_code == 200
    with in_tenant(tenant):
        assert not ApiKey.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize(
    "header",
    ["Api-Key", "Api-Key prm_one two", "Api-Key prm_wrong-secret-entirely"],
    ids=["no-secret", "two-parts", "unknown-secret"],
)
def test_malformed_or_unknown_api_key_is_refused_with_401(tenant, header):
    ApiKeyFactory(tenant=tenant, secret=SECRET)

    response = Client(HTTP_AUTHORIZATION=header).get(f"/{tenant.slug}/api/v1/me/")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_anonymous_api_request_is_refused_with_401_json(tenant):
    response = Client().get(f"/{tenant.slug}/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


# --- members --------------------------------------------------------------------------------------


def test_members_list_answers_this_tenants_members_only(
    tenant, other_tenant, manager_member, member_factory, client_for
):
    member_factory(tenant, Role.FINANCE, email="money@example.test")
    member_factory(other_tenant, Role.FINANCE, email="beta@example.test")

    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/members/")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert {row["email"] for row in body["results"]} == {
        manager_member.user.email,
        "money@example.test",
    }


def test_members_list_filters_by_role_and_status(
    tenant, manager_member, member_factory, client_for, unscoped
):
    finance = member_factory(tenant, Role.FINANCE)
    gone = member_factory(tenant, Role.FINANCE)
    with unscoped():
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    client = client_for(manager_member)

    by_role = client.get(f"/{tenant.slug}/api/v1/members/?role=finance").json()
    active_finance = client.get(
        f"/{tenant.slug}/api/v1/members/?role=finance&is_active=true"
    ).json()

    assert {row["id"] for row in by_role["results"]} == {finance.pk, gone.pk}
    assert [row["id"] for row in active_finance["results"]] == [finance.pk]


def test_members_list_paginates_by_50(tenant, manager_member, member_factory, client_for):
    for _ in range(51):
        member_factory(tenant, Role.VIEWER)
    client = client_for(manager_member)

    first = client.get(f"/{tenant.slug}/api/v1/members/").json()
    second = client.get(first["next"]).json()

    assert first["count"] == 52
    assert len(first["results"]) == 50
    assert len(second["results"]) == 2
    assert second["next"] is None
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_members_list_works_with_an_api_key(tenant, manager_member):
    ApiKeyFactory(tenant=tenant, secret=SECRET, role=Role.VIEWER)

    response = _key_client().get(f"/{tenant.slug}/api/v1/members/")

    assert response.status_code == 200
    assert [row["email"] for row in response.json()["results"]] == [manager_member.user.email]


def test_member_detail_answers_one_member(tenant, manager_member, member_factory, client_for):
    finance = member_factory(
        tenant, Role.FINANCE, email="money@example.test", full_name="Money Person"
    )

    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/members/{finance.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": finance.pk,
        "email": "money@example.test",
        "full_name": "Money Person",
        "role": "finance",
        "is_active": True,
        "created_at": response.json()["created_at"],
    }


def test_member_detail_of_another_tenant_answers_404_json(
    tenant, other_tenant, manager_member, member_factory, client_for
):
    foreign = member_factory(other_tenant, Role.FINANCE)

    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/members/{foreign.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_partner_user_may_not_list_members_403_json(tenant, partner_rep_member, client_for):
    response = client_for(partner_rep_member).get(f"/{tenant.slug}/api/v1/members/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_stranger_to_the_tenant_gets_404_json(tenant, other_tenant, member_factory, client_for):
    stranger = member_factory(other_tenant, Role.VIEWER)

    response = client_for(stranger).get(f"/{tenant.slug}/api/v1/members/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_member_with_two_tenants_sees_each_tenants_members_under_its_url(
    tenant, other_tenant, manager_member, member_factory, client_for
):
    MembershipFactory(tenant=other_tenant, user=manager_member.user, role=Role.VIEWER)
    beta_colleague = member_factory(other_tenant, Role.VIEWER)
    client = client_for(manager_member)

    alpha = client.get(f"/{tenant.slug}/api/v1/me/").json()
    beta = client.get(f"/{other_tenant.slug}/api/v1/members/").json()

    assert alpha["role"] == "partner_manager"
    assert beta_colleague.user.email in {row["email"] for row in beta["results"]}
    assert len(beta["results"]) == 2


# --- schema and errors ----------------------------------------------------------------------------


def test_schema_is_openapi_3_yaml_for_a_member(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/{tenant_slug}/api/v1/me/" in schema["paths"]
    assert "ApiKeyAuth" in schema["components"]["securitySchemes"]


def test_schema_is_openapi_3_json_on_request(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/{tenant_slug}/api/v1/members/{membership_id}/" in schema["paths"]


def test_schema_is_refused_to_anonymous_visitors_as_json(tenant):
    response = Client().get(f"/{tenant.slug}/api/v1/schema/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_schema_of_another_tenant_answers_404(tenant, other_tenant, member_factory, client_for):
    stranger = member_factory(other_tenant, Role.VIEWER)

    response = client_for(stranger).get(f"/{tenant.slug}/api/v1/schema/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_docs_page_loads_this_tenants_schema(tenant, manager_member, client_for):
    client = client_for(manager_member)

    page = client.get(f"/{tenant.slug}/api/v1/docs/")
    script = client.get(f"/{tenant.slug}/api/v1/docs/?script=")

    assert page.status_code == 200
    assert f"/{tenant.slug}/api/v1/docs/?script=" in page.content.decode()
    assert f"/{tenant.slug}/api/v1/schema/" in script.content.decode()


def test_api_docs_page_sends_anonymous_visitors_to_login(tenant):
    response = Client().get(f"/{tenant.slug}/api/v1/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_api_path_answers_404_json(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/api/v2/anything/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_method_not_allowed_answers_405_json(tenant, manager_member, client_for):
    response = client_for(manager_member).post(f"/{tenant.slug}/api/v1/me/", {})

    assert response.status_code == 405
    assert "detail" in response.json()


@pytest.mark.urls("tests.support.urls_failing")
def test_unexpected_exception_in_an_api_view_answers_json_500_and_rolls_back(
    tenant, manager_member, fresh_client_for, in_tenant
):
    from accounts.models import AuditEvent

    client = fresh_client_for(manager_member, raise_request_exception=False)

    response = client.get(f"/{tenant.slug}/api/v1/test-only/write-then-fail/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side. The error has been logged."
    }
    with in_tenant(tenant):
        assert not AuditEvent.objects.filter(action=WRITTEN_ACTION).exists()
