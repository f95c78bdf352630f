"""Two-factor authentication holds on the API for browser sessions, as on the pages."""

from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.roles import Role
from partners.models import Partner
from tests.factories.accounts import ApiKeyFactory
from tests.factories.partners import PartnerFactory

NEW_PARTNER = {"legal_name": "株式会社ツーファクタ", "legal_name_kana": "ツーファクタ"}


def partners_url(tenant) -> str:
    return reverse("api_partner_list", kwargs={"tenant_slug": tenant.slug})


def test_finance_without_totp_gets_a_json_403_naming_two_factor_and_no_bank_data(
    tenant, finance_member, client
):
    PartnerFactory(tenant=tenant, account_number="1234567")
    client.force_login(finance_member.user)  # a password login, no second factor set up

    response = client.get(partners_url(tenant))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "two-factor authentication" in response.json()["detail"]
    assert b"1234567" not in response.content


def test_vendor_admin_without_totp_cannot_create_partners(tenant, admin_member, client):
    client.force_login(admin_member.user)

    response = client.post(partners_url(tenant), NEW_PARTNER, content_type="application/json")

    assert response.status_code == 403
    with scopes_disabled():
        assert not Partner.objects.filter(legal_name=NEW_PARTNER["legal_name"]).exists()


def test_control_vendor_admin_with_totp_creates_partners(tenant, admin_member, client_for):
    response = client_for(admin_member).post(
        partners_url(tenant), NEW_PARTNER, content_type="application/json"
    )

    assert response.status_code == 201


def test_a_role_without_the_mfa_rule_uses_the_api_without_totp(tenant, manager_member, client):
    client.force_login(manager_member.user)

    assert client.get(partners_url(tenant)).status_code == 200


def test_an_api_key_with_an_mfa_role_stays_exempt(tenant):
    ApiKeyFactory(tenant=tenant, role=Role.FINANCE, secret="k0000077-mfa-exempt-api-key-secret")
    machine = Client(HTTP_AUTHORIZATION="Api-Key prm_k0000077-mfa-exempt-api-key-secret")

    assert machine.get(partners_url(tenant)).status_code == 200
