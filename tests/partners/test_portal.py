"""Portal: a partner admin edits their company profile and manages its reps."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts import services as account_services
from accounts.models import AuditEvent, Invitation, Membership
from accounts.roles import Role
from partners.models import Partner, PartnerRep, PortalSettings
from partners.selectors import portal as portal_selectors
from partners.services import portal as services
from tests.factories.accounts import InvitationFactory, UserFactory
from tests.factories.partners import PartnerFactory, PartnerRepFactory, portal_membership_for

BANK = {
    "bank_code": "0005",
    "bank_name": "三菱UFJ銀行",
    "branch_code": "123",
    "branch_name": "本店",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder_kana": "ｶ)ﾃｽﾄ",
}


def url(tenant, name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant)


@pytest.fixture
def partner_admin(partner):
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_ADMIN)
    return membership


@pytest.fixture
def bank_open(tenant):
    """The tenant lets partner admins change the bank account (closed by default)."""
    return PortalSettings.objects.create(
        tenant=tenant,
        editable_profile=["address", "website", "registration_number", "bank_account"],
    )


def profile_body(partner, **changes):
    body = {
        "postal_code": "100-0001",
        "prefecture": "13",
        "city": "千代田区",
        "street_address": "丸の内1-1-1",
        "building": "",
        "website": "https://example.co.jp",
        "registration_number": "",
        **{name: "" for name in BANK},
    }
    body.update(changes)
    return body


def test_company_page_shows_own_partner(tenant, partner, partner_admin, client_for):
    response = client_for(partner_admin).get(url(tenant, "portal_company"))

    assert response.status_code == 200
    assert partner.legal_name in response.content.decode()
    assert url(tenant, "portal_company_edit") in response.content.decode()


def test_login_without_rep_gets_404(tenant, partner_rep_member, client_for):
    assert client_for(partner_rep_member).get(url(tenant, "portal_company")).status_code == 404


def test_profile_edit_is_audited(tenant, partner, partner_admin, client_for, unscoped):
    response = client_for(partner_admin).post(
        url(tenant, "portal_company_edit"), profile_body(partner)
    )

    assert response.status_code == 302
    with unscoped():
        partner.refresh_from_db()
        event = AuditEvent.objects.get(action="partner.portal_updated", object_id=str(partner.pk))
    assert partner.city == "千代田区"
    assert event.changes["city"] == ["", "千代田区"]
    assert event.actor == partner_admin.user
    assert len(mail.outbox) == 0  # no bank change, no finance e-mail


def test_bank_change_emails_finance_masked(
    tenant,
    bank_open,
    partner,
    partner_admin,
    client_for,
    member_factory,
    unscoped,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    from django.utils import translation

    from partners.services import portal as portal_services

    languages = []
    real_render = portal_services.render_to_string

    def recording_render(template, context):
        languages.append(translation.get_language())
        return real_render(template, context)

    monkeypatch.setattr(portal_services, "render_to_string", recording_render)
    finance = member_factory(tenant, Role.FINANCE)
    finance_ja = member_factory(tenant, Role.FINANCE)
    finance_ja.user.language = "ja"
    finance_ja.user.save(update_fields=["language"])
    gone = member_factory(tenant, Role.FINANCE)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(partner_admin).post(
            url(tenant, "portal_company_edit"), profile_body(partner, **BANK)
        )

    assert response.status_code == 302
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {finance.user.email, finance_ja.user.email}
    english = by_address[finance.user.email]
    assert partner.name in english.subject
    assert "1234567" not in english.body
    assert "****567" in english.body
    assert f"/partners/{partner.pk}/" in english.body
    assert sorted(set(languages)) == ["en", "ja"]  # each recipient in their own language
    with unscoped():
        event = AuditEvent.objects.get(action="partner.portal_updated")
    assert event.changes["account_number"] == ["***", "***"]


def test_invalid_account_number_names_the_field(
    tenant, bank_open, partner, partner_admin, client_for
):
    response = client_for(partner_admin).post(
        url(tenant, "portal_company_edit"),
        profile_body(partner, **{**BANK, "account_number": "123456"}),
    )

    assert response.status_code == 200
    assert 'data-field="account_number"' in response.content.decode()
    assert "Account number:" in response.content.decode()


def test_rep_cannot_edit(tenant, partner, client_for, unscoped):
    membership, _rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    client = client_for(membership)

    page = client.get(url(tenant, "portal_company"))
    assert page.status_code == 200
    assert url(tenant, "portal_company_edit") not in page.content.decode()
    assert "Invite a rep" not in client.get(url(tenant, "portal_reps")).content.decode()
    assert client.get(url(tenant, "portal_company_edit")).status_code in (403, 404)
    assert client.get(url(tenant, "portal_rep_invite")).status_code in (403, 404)
    response = client.post(url(tenant, "portal_company_edit"), profile_body(partner))
    assert response.status_code in (403, 404)
    with unscoped():
        assert Partner.objects.get(pk=partner.pk).city == ""


def test_reps_list_shows_only_own_company(tenant, partner, partner_admin, client_for):
    mine = PartnerRepFactory(partner=partner, full_name="Own Colleague")
    PartnerRepFactory(partner=PartnerFactory(tenant=tenant), full_name="Stranger Rep")

    content = client_for(partner_admin).get(url(tenant, "portal_reps")).content.decode()

    assert mine.full_name in content
    assert "Stranger Rep" not in content


def test_invite_creates_rep_and_invitation_and_acceptance_links(
    tenant, partner, partner_admin, client_for, unscoped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(partner_admin).post(
            url(tenant, "portal_rep_invite"),
            {
                "full_name": "New Person",
                "email": "New.Person@example.test",
                "role": Role.PARTNER_REP,
            },
        )

    assert response.status_code == 302
    assert mail.outbox[0].to == ["new.person@example.test"]
    with unscoped():
        rep = PartnerRep.objects.get(email="new.person@example.test")
        invitation = Invitation.objects.get(email="new.person@example.test")
    assert rep.partner_id == partner.pk
    assert invitation.payload == {"partner_rep_id": rep.pk}
    listing = client_for(partner_admin).get(url(tenant, "portal_reps")).content.decode()
    assert "Invitation pending" in listing

    user = UserFactory(email="new.person@example.test")
    with unscoped():
        membership = account_services.invitation_accept(
            tenant=tenant, invitation=invitation, user=user
        )
        rep.refresh_from_db()
    assert rep.membership_id == membership.pk
    assert membership.role == Role.PARTNER_REP


def test_invite_reuses_rep_with_same_email(tenant, partner, partner_admin, client_for, unscoped):
    existing = PartnerRepFactory(partner=partner, email="known@example.test")

    client_for(partner_admin).post(
        url(tenant, "portal_rep_invite"),
        {"full_name": "Known", "email": "known@example.test", "role": Role.PARTNER_ADMIN},
    )

    with unscoped():
        assert PartnerRep.objects.filter(email="known@example.test").count() == 1
        assert Invitation.objects.get().payload == {"partner_rep_id": existing.pk}


def test_acceptance_ignores_rep_of_another_tenant(tenant, other_tenant, unscoped):
    foreign_rep = PartnerRepFactory(partner=PartnerFactory(tenant=other_tenant))
    user = UserFactory(email="x@example.test")
    with unscoped():
        invitation = account_services.invitation_create(
            tenant=tenant,
            actor=user,
            email="x@example.test",
            role=Role.PARTNER_REP,
            accept_url_for=lambda token: "/",
            payload={"partner_rep_id": foreign_rep.pk},
        )
        account_services.invitation_accept(tenant=tenant, invitation=invitation, user=user)
        foreign_rep.refresh_from_db()
    assert foreign_rep.membership_id is None


def test_deactivate_rep_ends_login(tenant, partner, partner_admin, client_for, unscoped):
    membership, rep = portal_membership_for(partner, role=Role.PARTNER_REP)
    client = client_for(partner_admin)

    assert client.get(url(tenant, "portal_rep_deactivate", rep_id=rep.pk)).status_code == 200
    response = client.post(url(tenant, "portal_rep_deactivate", rep_id=rep.pk))

    assert response.status_code == 302
    with unscoped():
        rep.refresh_from_db()
        assert not Membership.objects.get(pk=membership.pk).is_active
        assert AuditEvent.objects.filter(action="partner_rep.deactivated").exists()
    assert rep.is_active is False
    assert rep.left_on is not None


def test_cannot_deactivate_self(tenant, partner, partner_admin, client_for, unscoped):
    with unscoped():
        own_rep = PartnerRep.objects.get(membership=partner_admin)

    response = client_for(partner_admin).post(
        url(tenant, "portal_rep_deactivate", rep_id=own_rep.pk)
    )

    assert response.status_code == 400
    assert "cannot deactivate yourself" in response.content.decode()
    with unscoped():
        assert Membership.objects.get(pk=partner_admin.pk).is_active


def test_another_partners_rep_is_404(tenant, partner_admin, client_for, unscoped):
    other = PartnerRepFactory(partner=PartnerFactory(tenant=tenant))

    response = client_for(partner_admin).post(url(tenant, "portal_rep_deactivate", rep_id=other.pk))

    assert response.status_code == 404
    with unscoped():
        assert PartnerRep.objects.get(pk=other.pk).is_active


# --- the tenant's allow-list of what partner admins may change --------------------------------


def test_every_part_but_the_bank_account_is_open_until_the_tenant_chooses(tenant, in_tenant):
    with in_tenant(tenant):
        assert portal_selectors.portal_editable_groups(tenant=tenant) == [
            "address",
            "website",
            "registration_number",
        ]


def test_settings_save_is_audited_and_unchanged_saves_are_not(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        services.portal_settings_save(
            tenant=tenant, actor=admin_member.user, editable_profile=["website", "address"]
        )
        services.portal_settings_save(
            tenant=tenant, actor=admin_member.user, editable_profile=["address", "website"]
        )
        fields = portal_selectors.portal_editable_fields(tenant=tenant)

    assert fields == ("postal_code", "prefecture", "city", "street_address", "building", "website")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="portal_settings.changed")
    assert event.changes["editable_profile"] == [
        ["address", "website", "registration_number"],
        ["address", "website"],
    ]


def test_closed_bank_account_is_neither_shown_nor_saved(
    tenant, partner, partner_admin, admin_member, client_for, in_tenant, unscoped
):
    with in_tenant(tenant):
        services.portal_settings_save(
            tenant=tenant, actor=admin_member.user, editable_profile=["address"]
        )
    client = client_for(partner_admin)

    form_page = client.get(url(tenant, "portal_company_edit")).content.decode()
    forged = client.post(
        url(tenant, "portal_company_edit"), profile_body(partner, **BANK, website="")
    )

    assert 'name="city"' in form_page
    assert 'name="account_number"' not in form_page
    assert 'name="website"' not in form_page
    assert forged.status_code == 302  # the address saves; the unoffered fields are ignored
    with unscoped():
        saved = Partner.objects.get(pk=partner.pk)
    assert (saved.city, saved.account_number) == ("千代田区", "")
    assert mail.outbox == []  # no bank change, so no e-mail to finance


def test_service_refuses_a_closed_field(tenant, partner, partner_admin, admin_member, in_tenant):
    with in_tenant(tenant):
        services.portal_settings_save(
            tenant=tenant, actor=admin_member.user, editable_profile=["address"]
        )
        with pytest.raises(ValidationError, match="account number"):
            services.portal_company_update(
                tenant=tenant,
                actor=partner_admin.user,
                partner=partner,
                fields={"account_number": "7654321"},
            )


def test_nothing_open_means_no_edit_button_and_a_clear_note(
    tenant, partner, partner_admin, admin_member, client_for, in_tenant
):
    with in_tenant(tenant):
        services.portal_settings_save(tenant=tenant, actor=admin_member.user, editable_profile=[])
    client = client_for(partner_admin)

    company = client.get(url(tenant, "portal_company")).content.decode()
    edit = client.get(url(tenant, "portal_company_edit")).content.decode()

    assert url(tenant, "portal_company_edit") not in company
    assert 'data-testid="profile-closed"' in edit


def test_only_vendor_admins_change_the_portal_settings(
    tenant, admin_member, manager_member, fresh_client_for, unscoped
):
    as_manager = fresh_client_for(manager_member).post(
        url(tenant, "portal_settings_edit"), {"editable_profile": ["address"]}
    )
    as_admin = fresh_client_for(admin_member).post(
        url(tenant, "portal_settings_edit"), {"editable_profile": ["address", "bank_account"]}
    )

    assert as_manager.status_code == 403
    assert as_admin.status_code == 302
    with unscoped():
        assert PortalSettings.objects.get(tenant=tenant).editable_profile == [
            "address",
            "bank_account",
        ]


def test_pending_invitations_are_the_open_ones_of_this_tenant(tenant, other_tenant, in_tenant):
    InvitationFactory(tenant=tenant, email="open@partner.example.test")
    InvitationFactory(
        tenant=tenant,
        email="expired@partner.example.test",
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    InvitationFactory(tenant=other_tenant, email="elsewhere@partner.example.test")
    asked = [
        "Open@Partner.example.test",
        "expired@partner.example.test",
        "elsewhere@partner.example.test",
    ]

    with in_tenant(tenant):
        pending = portal_selectors.pending_invitation_emails(tenant=tenant, emails=asked)

    assert pending == {"open@partner.example.test"}
