"""Security defects of the partners app: who keeps portal access, who may change the bank
account (issue #6 §3)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Membership
from accounts.roles import Role
from partners.access import partner_for_membership
from partners.models import Partner
from partners.selectors import portal as portal_selectors
from partners.services import directory as services
from partners.services import portal as portal_services
from tests.factories.partners import PartnerFactory, portal_membership_for


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


def test_rep_leave_ends_the_portal_login_and_audits_it(
    tenant, partner, manager_member, in_tenant, unscoped
):
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)

    with in_tenant(tenant):
        services.rep_leave(tenant=tenant, actor=manager_member.user, rep=rep)

    with unscoped():
        membership.refresh_from_db()
        assert membership.is_active is False
        assert AuditEvent.objects.filter(
            tenant=tenant, action="membership.deactivated", object_id=str(membership.pk)
        ).exists()


def test_a_rep_who_left_is_linked_to_no_partner_any_more(tenant, partner, in_tenant, unscoped):
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    with unscoped():
        rep.is_active = False
        rep.save(update_fields=["is_active"])

    with in_tenant(tenant):
        assert partner_for_membership(membership) is None


def test_a_rep_who_left_gets_404_from_the_bank_account_form(
    tenant, partner, manager_member, client_for, in_tenant
):
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    portal = client_for(membership)
    assert portal.get(url(tenant, "portal_company_edit")).status_code == 200
    with in_tenant(tenant):
        # Even if the login stayed active (an old row, a manual fix), the rep is gone.
        rep.is_active = False
        rep.save(update_fields=["is_active"])

    assert portal.get(url(tenant, "portal_company_edit")).status_code == 404


def test_bank_account_is_closed_to_partner_admins_until_the_tenant_opens_it(tenant, in_tenant):
    with in_tenant(tenant):
        fields = portal_selectors.portal_editable_fields(tenant=tenant)
        groups = portal_selectors.portal_editable_groups(tenant=tenant)

    assert "bank_account" not in groups
    assert "account_number" not in fields
    assert "postal_code" in fields


def test_portal_refuses_a_forged_bank_account_post_by_default(
    tenant, partner, client_for, unscoped
):
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)

    client_for(membership).post(
        url(tenant, "portal_company_edit"), {"account_number": "7654321", "city": "港区"}
    )

    with unscoped():
        partner.refresh_from_db()
    assert partner.account_number != "7654321"


def test_first_portal_settings_save_starts_from_the_closed_default(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        saved = portal_services.portal_settings_save(
            tenant=tenant, actor=admin_member.user, editable_profile=["website"]
        )
        event = AuditEvent.objects.get(tenant=tenant, action="portal_settings.changed")

    assert saved.editable_profile == ["website"]
    assert event.changes["editable_profile"][0] == ["address", "website", "registration_number"]


@pytest.mark.parametrize("role", [Role.PARTNER_MANAGER, Role.VIEWER, Role.VENDOR_ADMIN])
def test_partner_update_refuses_bank_fields_without_finance_naming_the_field(
    tenant, partner, member_factory, in_tenant, unscoped, role
):
    actor = member_factory(tenant, role).user

    with in_tenant(tenant), pytest.raises(ValidationError) as raised:
        services.partner_update(
            tenant=tenant, actor=actor, partner=partner, fields={"account_number": "7654321"}
        )

    assert "account_number" in raised.value.message_dict
    assert "account number" in raised.value.message_dict["account_number"][0]
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).account_number != "7654321"


def test_partner_update_lets_finance_change_the_bank_account(
    tenant, partner, finance_member, in_tenant, unscoped
):
    with in_tenant(tenant):
        services.partner_update(
            tenant=tenant,
            actor=finance_member.user,
            partner=partner,
            fields={"account_number": "7654321"},
        )
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).account_number == "7654321"


def test_partner_create_refuses_bank_fields_without_finance(tenant, manager_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as raised:
        services.partner_create(
            tenant=tenant, actor=manager_member.user, legal_name="X", account_number="7654321"
        )
    assert "account_number" in raised.value.message_dict


def test_an_inactive_finance_membership_may_not_change_the_bank_account(
    tenant, partner, finance_member, in_tenant
):
    with in_tenant(tenant):
        Membership.objects.filter(pk=finance_member.pk).update(is_active=False)
        with pytest.raises(ValidationError):
            services.partner_update(
                tenant=tenant,
                actor=finance_member.user,
                partner=partner,
                fields={"account_number": "7654321"},
            )
