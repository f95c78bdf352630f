"""The vendor gives a partner its portal logins: from the partner page, a rep's page, and
after signing a prospect."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEvent, Invitation, Membership
from accounts.roles import Role
from partners.choices import ProspectStage
from partners.models import PartnerRep
from tests.factories.partners import (
    PartnerFactory,
    PartnerRepFactory,
    ProspectFactory,
    portal_membership_for,
)


def invite_url(tenant, partner, rep=None):
    url = reverse(
        "partner_portal_invite", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk}
    )
    return f"{url}?rep={rep.pk}" if rep else url


def detail_url(tenant, partner):
    return reverse("partner_detail", kwargs={"tenant_slug": tenant.slug, "partner_id": partner.pk})


@pytest.fixture
def partner(tenant):
    return PartnerFactory(tenant=tenant, legal_name="株式会社はじめて商事")


def _accept_link() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def test_partner_page_offers_the_first_portal_login(tenant, manager_member, client_for, partner):
    rep = PartnerRepFactory(partner=partner, full_name="山田 太郎", email="yamada@hajimete.test")

    html = client_for(manager_member).get(detail_url(tenant, partner)).content.decode()

    assert 'data-testid="portal-invite"' in html
    assert 'data-testid="portal-invite-offer"' in html
    assert f"?rep={rep.pk}" in html


def test_no_offer_once_someone_has_a_login(tenant, manager_member, client_for, partner):
    portal_membership_for(partner, role=Role.PARTNER_ADMIN)

    html = client_for(manager_member).get(detail_url(tenant, partner)).content.decode()

    assert 'data-testid="portal-invite-offer"' not in html


def test_rep_page_links_to_the_invite_with_the_reps_email_prefilled(
    tenant, manager_member, client_for, partner
):
    rep = PartnerRepFactory(partner=partner, full_name="佐藤 花子", email="sato@hajimete.test")
    client = client_for(manager_member)

    rep_page = client.get(
        reverse("rep_detail", kwargs={"tenant_slug": tenant.slug, "rep_id": rep.pk})
    ).content.decode()
    form = client.get(invite_url(tenant, partner, rep)).content.decode()

    assert invite_url(tenant, partner, rep) in rep_page.replace("&amp;", "&")
    assert 'value="sato@hajimete.test"' in form
    assert "佐藤 花子" in form


def test_invite_from_partner_page_creates_rep_invitation_and_audit(
    tenant, manager_member, client_for, partner, unscoped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager_member).post(
            invite_url(tenant, partner),
            {
                "full_name": "新井 一郎",
                "email": "Arai@Hajimete.test",
                "role": Role.PARTNER_ADMIN,
                "submit_key": "k1",
            },
        )

    assert response.status_code == 302
    assert mail.outbox[0].to == ["arai@hajimete.test"]
    with unscoped():
        rep = PartnerRep.objects.get(email="arai@hajimete.test")
        invitation = Invitation.objects.get()
        assert AuditEvent.objects.filter(
            tenant=tenant, action="partner.portal_invited", object_id=str(partner.pk)
        ).exists()
    assert rep.partner_id == partner.pk
    assert invitation.role == Role.PARTNER_ADMIN
    assert invitation.payload["partner_id"] == partner.pk
    assert invitation.payload["partner_rep_id"] == rep.pk


def test_repeated_submit_creates_one_invitation_and_one_email(
    tenant, manager_member, client_for, partner, unscoped, django_capture_on_commit_callbacks
):
    rep = PartnerRepFactory(partner=partner, email="once@hajimete.test")
    client = client_for(manager_member)
    body = {
        "rep": rep.pk,
        "email": "once@hajimete.test",
        "role": Role.PARTNER_ADMIN,
        "submit_key": "same-form",
    }

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(invite_url(tenant, partner), body)
        second = client.post(invite_url(tenant, partner), body)

    assert first.status_code == second.status_code == 302
    with unscoped():
        assert Invitation.objects.count() == 1
        assert AuditEvent.objects.filter(action="partner.portal_invited").count() == 1
    assert len(mail.outbox) == 1


def test_accepting_leads_to_the_portal_of_that_partner(
    tenant, manager_member, client_for, partner, unscoped, django_capture_on_commit_callbacks
):
    rep = PartnerRepFactory(partner=partner, full_name="受入 太郎", email="accept@hajimete.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager_member).post(
            invite_url(tenant, partner),
            {"rep": rep.pk, "email": rep.email, "role": Role.PARTNER_ADMIN, "submit_key": "a"},
        )
    invited = Client()
    link = _accept_link()
    path = link[link.index(f"/{tenant.slug}/") :]

    accepted = invited.post(
        path,
        {
            "full_name": "受入 太郎",
            "password1": "a-Long-pass-2026!",
            "password2": "a-Long-pass-2026!",
        },
    )
    company = invited.get(reverse("portal_company", kwargs={"tenant_slug": tenant.slug}))

    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("portal_home", kwargs={"tenant_slug": tenant.slug})
    assert company.status_code == 200
    assert "株式会社はじめて商事" in company.content.decode()
    with unscoped():
        rep.refresh_from_db()
        assert rep.membership.role == Role.PARTNER_ADMIN
        assert rep.membership.user.email == "accept@hajimete.test"


def test_acceptance_never_links_a_rep_of_another_partner(tenant, manager_member, unscoped):
    from accounts import services as account_services
    from tests.factories.accounts import UserFactory

    partner_a = PartnerFactory(tenant=tenant)
    rep_of_b = PartnerRepFactory(partner=PartnerFactory(tenant=tenant), email="b@x.test")
    user = UserFactory(email="b@x.test")
    with unscoped():
        invitation = account_services.invitation_create(
            tenant=tenant,
            actor=manager_member.user,
            email="b@x.test",
            role=Role.PARTNER_REP,
            accept_url_for=lambda token: "/",
            payload={"partner_id": partner_a.pk, "partner_rep_id": rep_of_b.pk},
        )
        account_services.invitation_accept(tenant=tenant, invitation=invitation, user=user)
        rep_of_b.refresh_from_db()
    assert rep_of_b.membership_id is None


def test_idor_invite_for_another_tenants_partner_answers_404_and_creates_nothing(
    tenant, other_tenant, manager_member, client_for, unscoped
):
    foreign = PartnerFactory(tenant=other_tenant)

    response = client_for(manager_member).post(
        invite_url(tenant, foreign),
        {"full_name": "X", "email": "x@x.test", "role": Role.PARTNER_ADMIN, "submit_key": "x"},
    )

    assert response.status_code == 404
    with unscoped():
        assert not Invitation.objects.exists()
        assert not PartnerRep.objects.filter(email="x@x.test").exists()


def test_idor_invite_naming_another_partners_rep_answers_404(
    tenant, manager_member, client_for, partner, unscoped
):
    other_rep = PartnerRepFactory(partner=PartnerFactory(tenant=tenant), email="o@x.test")

    get = client_for(manager_member).get(invite_url(tenant, partner, other_rep))
    post = client_for(manager_member).post(
        invite_url(tenant, partner),
        {"rep": other_rep.pk, "email": "o@x.test", "role": Role.PARTNER_REP, "submit_key": "o"},
    )

    assert get.status_code == post.status_code == 404
    with unscoped():
        assert not Invitation.objects.exists()


def test_viewer_cannot_invite(tenant, viewer_member, client_for, partner, unscoped):
    response = client_for(viewer_member).post(
        invite_url(tenant, partner),
        {"full_name": "X", "email": "v@x.test", "role": Role.PARTNER_ADMIN},
    )

    assert response.status_code == 403
    with unscoped():
        assert not Invitation.objects.exists()


def test_rep_with_a_login_or_another_email_is_refused(tenant, manager_member, client_for, partner):
    _membership, with_login = portal_membership_for(partner, role=Role.PARTNER_REP)
    other = PartnerRepFactory(partner=partner, email="right@x.test")
    client = client_for(manager_member)

    taken = client.post(
        invite_url(tenant, partner),
        {"rep": with_login.pk, "email": with_login.email, "role": Role.PARTNER_REP},
    )
    mismatch = client.post(
        invite_url(tenant, partner),
        {"rep": other.pk, "email": "wrong@x.test", "role": Role.PARTNER_REP},
    )

    assert taken.status_code == 400
    assert "already has a portal login" in taken.content.decode()
    assert mismatch.status_code == 400
    assert "right@x.test" in mismatch.content.decode()


def test_signing_a_prospect_lands_on_the_partner_page_offering_its_first_login(
    tenant, manager_member, client_for
):
    prospect = ProspectFactory(
        tenant=tenant,
        company_name="株式会社サイン",
        stage=ProspectStage.PROPOSAL,
        contact_name="契約 花子",
        contact_email="keiyaku@sign.test",
    )
    client = client_for(manager_member)

    response = client.post(
        reverse("prospect_sign", kwargs={"tenant_slug": tenant.slug, "prospect_id": prospect.pk}),
        {
            "legal_name": "株式会社サイン",
            "entity_kind": "company",
            "priority": "B",
            "rep_full_name": "契約 花子",
            "rep_email": "keiyaku@sign.test",
        },
        follow=True,
    )

    html = response.content.decode()
    assert 'data-testid="portal-invite-offer"' in html
    assert "契約 花子" in html
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=tenant, role=Role.PARTNER_ADMIN).exists()
