"""Kernel pages through the test client: real data, real middleware, real templates."""

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, Invitation, Membership, User
from accounts.roles import Role
from tests.factories.accounts import (
    AuditEventFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)
from tests.support.urls_failing import WRITTEN_ACTION

MEMBER_ROW = re.compile(r'data-member="([^"]+)"')


def _member_emails(response) -> list[str]:
    return MEMBER_ROW.findall(response.content.decode())


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_shows_for_a_partner_manager(tenant, manager_member, client_for):
    response = client_for(manager_member).get(f"/{tenant.slug}/")

    assert response.status_code == 200
    assert "Dashboard" in response.content.decode()
    assert tenant.name in response.content.decode()


# --- members list ------------------------------------------------------------------------------


@pytest.fixture
def members_page(tenant, admin_member, client_for):
    client = client_for(admin_member)
    return lambda query="": client.get(f"/{tenant.slug}/settings/members/{query}")


def test_members_list_filters_by_role(tenant, member_factory, members_page):
    finance = member_factory(tenant, Role.FINANCE, email="money@example.test")
    member_factory(tenant, Role.VIEWER, email="looker@example.test")

    response = members_page("?role=finance")

    assert response.status_code == 200
    assert _member_emails(response) == [finance.user.email]


def test_members_list_filters_by_status(
    tenant, admin_member, member_factory, members_page, in_tenant
):
    gone = member_factory(tenant, Role.VIEWER, email="gone@example.test")
    member_factory(tenant, Role.VIEWER, email="here@example.test")
    with in_tenant(tenant):
        services.membership_deactivate(tenant=tenant, actor=admin_member.user, membership=gone)

    inactive = members_page("?status=inactive")
    active = members_page("?status=active")

    assert _member_emails(inactive) == ["gone@example.test"]
    assert "gone@example.test" not in _member_emails(active)
    assert "here@example.test" in _member_emails(active)


def test_members_list_searches_email_and_name(tenant, member_factory, members_page):
    member_factory(tenant, Role.VIEWER, email="tanaka@example.test", full_name="Tanaka Hanako")
    member_factory(tenant, Role.VIEWER, email="other@example.test", full_name="Suzuki Ichiro")

    by_name = members_page("?q=hanako")
    by_email = members_page("?q=TANAKA@")

    assert _member_emails(by_name) == ["tanaka@example.test"]
    assert _member_emails(by_email) == ["tanaka@example.test"]


def test_members_list_sorts_by_email_both_ways(tenant, admin_member, member_factory, members_page):
    for email in ["b@example.test", "c@example.test", "a@example.test"]:
        member_factory(tenant, Role.VIEWER, email=email)
    everyone = sorted(
        ["a@example.test", "b@example.test", "c@example.test", admin_member.user.email]
    )

    ascending = members_page("?sort=email")
    descending = members_page("?sort=-email")

    assert _member_emails(ascending) == everyone
    assert _member_emails(descending) == everyone[::-1]


def test_members_list_sorts_by_role(tenant, admin_member, member_factory, members_page):
    member_factory(tenant, Role.VIEWER, email="v@example.test")
    member_factory(tenant, Role.FINANCE, email="f@example.test")

    response = members_page("?sort=role")

    assert _member_emails(response) == ["f@example.test", admin_member.user.email, "v@example.test"]


def test_members_list_paginates_beyond_25_members(
    tenant, admin_member, member_factory, members_page
):
    for number in range(30):
        member_factory(tenant, Role.VIEWER, email=f"m{number:02d}@example.test")

    first = members_page()
    second = members_page("?page=2")

    assert len(_member_emails(first)) == 25
    assert len(_member_emails(second)) == 6
    assert set(_member_emails(first)) | set(_member_emails(second)) == {
        *(f"m{n:02d}@example.test" for n in range(30)),
        admin_member.user.email,
    }
    assert "1 / 2" in first.content.decode()


def test_members_list_does_not_show_another_tenants_members(
    tenant, other_tenant, member_factory, members_page
):
    member_factory(other_tenant, Role.VIEWER, email="beta-person@example.test")

    response = members_page()

    assert "beta-person@example.test" not in response.content.decode()


# --- invite -------------------------------------------------------------------------------------


def test_invite_form_shows_the_error_for_a_bad_email(tenant, admin_member, client_for, in_tenant):
    response = client_for(admin_member).post(
        f"/{tenant.slug}/settings/members/invite/", {"email": "not-an-address", "role": Role.VIEWER}
    )

    assert response.status_code == 200
    assert 'data-field="email"' in response.content.decode()
    with in_tenant(tenant):
        assert not Invitation.objects.exists()


def test_invite_form_shows_the_error_for_an_active_member(
    tenant, admin_member, manager_member, client_for
):
    response = client_for(admin_member).post(
        f"/{tenant.slug}/settings/members/invite/",
        {"email": manager_member.user.email, "role": Role.VIEWER},
    )

    assert response.status_code == 200
    assert "already an active member" in response.content.decode()


def test_invite_sends_the_link_and_lists_the_pending_invitation(
    tenant, admin_member, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(admin_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{tenant.slug}/settings/members/invite/",
            {"email": "newcomer@example.test", "role": Role.FINANCE},
        )
    listing = client.get(f"/{tenant.slug}/settings/members/")

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/settings/members/"
    [mail] = mailoutbox
    assert re.search(r"http://testserver/alpha/invite/[\w-]+/", mail.body)
    assert 'data-testid="invitations-table"' in listing.content.decode()
    assert "newcomer@example.test" in listing.content.decode()


# --- deactivate ---------------------------------------------------------------------------------


def test_deactivate_asks_for_confirmation_then_deactivates(
    tenant, admin_member, manager_member, client_for
):
    client = client_for(admin_member)
    url = f"/{tenant.slug}/settings/members/{manager_member.pk}/deactivate/"

    confirmation = client.get(url)
    manager_member.refresh_from_db()
    still_active_after_get = manager_member.is_active
    done = client.post(url)

    assert confirmation.status_code == 200
    assert 'data-testid="confirm-deactivate"' in confirmation.content.decode()
    assert manager_member.user.email in confirmation.content.decode()
    assert still_active_after_get is True
    assert done.status_code == 302
    manager_member.refresh_from_db()
    assert manager_member.is_active is False


def test_deactivating_yourself_as_last_admin_shows_the_refusal(tenant, admin_member, client_for):
    client = client_for(admin_member)

    response = client.post(
        f"/{tenant.slug}/settings/members/{admin_member.pk}/deactivate/", follow=True
    )

    assert "last active vendor admin" in response.content.decode()
    admin_member.refresh_from_db()
    assert admin_member.is_active is True


def test_reactivate_makes_the_member_active_again(
    tenant, admin_member, manager_member, client_for, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )

    response = client_for(admin_member).post(
        f"/{tenant.slug}/settings/members/{manager_member.pk}/reactivate/"
    )

    assert response.status_code == 302
    manager_member.refresh_from_db()
    assert manager_member.is_active is True


def test_role_change_page_changes_the_role(tenant, admin_member, manager_member, client_for):
    response = client_for(admin_member).post(
        f"/{tenant.slug}/settings/members/{manager_member.pk}/role/", {"role": Role.FINANCE}
    )

    assert response.status_code == 302
    manager_member.refresh_from_db()
    assert manager_member.role == Role.FINANCE


# --- audit log ------------------------------------------------------------------------------------


def _audit_rows(response) -> list[str]:
    return re.findall(r"<code>([\w.]+)</code>", response.content.decode())


def test_audit_log_filters_by_action(tenant, admin_member, client_for):
    AuditEventFactory(tenant=tenant, action="membership.deactivated", object_repr="first")
    AuditEventFactory(tenant=tenant, action="api_key.created", object_repr="second")

    response = client_for(admin_member).get(
        f"/{tenant.slug}/settings/audit/?action=api_key.created"
    )

    assert response.status_code == 200
    assert _audit_rows(response) == ["api_key.created"]


def test_audit_log_filters_by_date(tenant, admin_member, client_for):
    AuditEventFactory(
        tenant=tenant, action="old.event", created_at=datetime(2026, 1, 10, 3, tzinfo=UTC)
    )
    AuditEventFactory(
        tenant=tenant, action="mid.event", created_at=datetime(2026, 2, 10, 3, tzinfo=UTC)
    )
    AuditEventFactory(
        tenant=tenant, action="new.event", created_at=datetime(2026, 3, 10, 3, tzinfo=UTC)
    )

    response = client_for(admin_member).get(
        f"/{tenant.slug}/settings/audit/?date_from=2026-02-01&date_to=2026-02-28"
    )

    assert _audit_rows(response) == ["mid.event"]


def test_audit_log_shows_only_this_tenants_events(tenant, other_tenant, admin_member, client_for):
    AuditEventFactory(tenant=tenant, action="alpha.event")
    AuditEventFactory(tenant=other_tenant, action="beta.event")

    response = client_for(admin_member).get(f"/{tenant.slug}/settings/audit/")

    assert _audit_rows(response) == ["alpha.event"]
    assert "beta.event" not in response.content.decode()


# --- tenant settings and API keys pages ----------------------------------------------------------


def test_settings_page_saves_a_change_and_shows_a_bad_t_number(tenant, admin_member, client_for):
    client = client_for(admin_member)
    form = client.get(f"/{tenant.slug}/settings/").context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "portal_logo"
    }

    saved = client.post(f"/{tenant.slug}/settings/", {**data, "name": "Alpha Renamed"})
    refused = client.post(
        f"/{tenant.slug}/settings/", {**data, "issuer_registration_number": "T1234567890123"}
    )

    assert saved.status_code == 302
    tenant.refresh_from_db()
    assert tenant.name == "Alpha Renamed"
    assert refused.status_code == 200
    assert 'data-field="issuer_registration_number"' in refused.content.decode()
    assert tenant.issuer_registration_number == ""


def test_api_keys_page_shows_the_new_secret_once(tenant, admin_member, client_for):
    client = client_for(admin_member)

    created = client.post(
        f"/{tenant.slug}/settings/api-keys/", {"name": "ERP", "role": Role.VIEWER}
    )
    again = client.get(f"/{tenant.slug}/settings/api-keys/")

    secret = re.search(r"prm_[\w-]{40,}", created.content.decode()).group(0)
    assert 'data-testid="new-api-key"' in created.content.decode()
    assert secret not in again.content.decode()
    assert "ERP" in again.content.decode()


# --- language switch ---------------------------------------------------------------------------


def test_language_switch_saves_the_users_language_and_sets_the_cookie(
    tenant, manager_member, client_for
):
    client = client_for(manager_member)

    response = client.post("/language/", {"language": "ja", "next": f"/{tenant.slug}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    manager_member.user.refresh_from_db()
    assert manager_member.user.language == "ja"


def test_language_switch_translates_the_next_page(tenant, manager_member, client_for):
    client = client_for(manager_member)

    client.post("/language/", {"language": "ja"})
    page = client.get(f"/{tenant.slug}/")

    assert 'lang="ja"' in page.content.decode()


def test_language_switch_refuses_an_unknown_language(manager_member, client_for):
    client = client_for(manager_member)

    response = client.post("/language/", {"language": "xx"})

    assert response.status_code == 400
    manager_member.user.refresh_from_db()
    assert manager_member.user.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/steal", "//evil.example/", "http://evil.example"]
)
def test_language_switch_ignores_a_next_url_on_another_host(db, next_url):
    response = Client().post("/language/", {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_switch_refuses_get(db):
    assert Client().get("/language/?language=en").status_code == 405


# --- tenant picker -------------------------------------------------------------------------------


def test_picker_sends_a_person_with_one_membership_straight_in(tenant, manager_member, client_for):
    response = client_for(manager_member).get("/")

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/"


def test_picker_sends_a_partner_user_to_the_portal(tenant, partner_rep_member, client_for):
    response = client_for(partner_rep_member).get("/")

    assert response["Location"] == f"/{tenant.slug}/portal/"


def test_picker_lists_every_tenant_of_a_person_with_two(
    tenant, other_tenant, member_factory, client_for
):
    membership = member_factory(tenant, Role.VIEWER)
    MembershipFactory(tenant=other_tenant, user=membership.user, role=Role.PARTNER_REP)

    response = client_for(membership).get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="tenant-list"' in body
    assert f'href="/{tenant.slug}/"' in body
    assert f'href="/{other_tenant.slug}/portal/"' in body


def test_picker_explains_what_to_do_without_a_membership(db, client):
    person = UserFactory()
    client.force_login(person)

    response = client.get("/")

    assert response.status_code == 200
    assert 'data-testid="no-tenants"' in response.content.decode()


def test_picker_leaves_out_a_deactivated_membership(
    tenant, other_tenant, member_factory, client_for, unscoped
):
    membership = member_factory(tenant, Role.VIEWER)
    second = MembershipFactory(tenant=other_tenant, user=membership.user, role=Role.VIEWER)
    with unscoped():
        Membership.objects.filter(pk=second.pk).update(is_active=False)

    response = client_for(membership).get("/")

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/"


def test_picker_sends_an_anonymous_visitor_to_login(db):
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- accepting an invitation ---------------------------------------------------------------------


def test_new_person_creates_an_account_and_lands_signed_in_on_the_dashboard(tenant, in_tenant):
    invitation = InvitationFactory(tenant=tenant, email="fresh@example.test", token="fresh-token")
    client = Client()
    url = f"/{tenant.slug}/invite/fresh-token/"

    form_page = client.get(url)
    response = client.post(
        url,
        {
            "full_name": "Fresh Person",
            "password1": "a-long-Unusual-pass-42",
            "password2": "a-long-Unusual-pass-42",
        },
    )
    dashboard = client.get(response["Location"])

    assert form_page.status_code == 200
    assert 'data-testid="accept-form"' in form_page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/"
    assert dashboard.status_code == 200
    person = User.objects.get(email="fresh@example.test")
    assert person.full_name == "Fresh Person"
    assert person.check_password("a-long-Unusual-pass-42")
    assert int(client.session["_auth_user_id"]) == person.pk
    with in_tenant(tenant):
        membership = Membership.objects.get(user=person)
        invitation.refresh_from_db()
    assert membership.role == Role.PARTNER_MANAGER
    assert invitation.accepted_by == person


def test_new_person_with_mismatched_passwords_sees_the_error_and_no_account(tenant):
    InvitationFactory(tenant=tenant, email="typo@example.test", token="typo-token")

    response = Client().post(
        f"/{tenant.slug}/invite/typo-token/",
        {
            "full_name": "Typo",
            "password1": "a-long-Unusual-pass-42",
            "password2": "different-pass-42",
        },
    )

    assert response.status_code == 200
    assert 'data-field="password2"' in response.content.decode()
    assert not User.objects.filter(email="typo@example.test").exists()


def test_existing_person_is_sent_to_login_first(tenant):
    UserFactory(email="known@example.test")
    InvitationFactory(tenant=tenant, email="known@example.test", token="known-token")

    response = Client().get(f"/{tenant.slug}/invite/known-token/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/{tenant.slug}/invite/known-token/"


def test_signed_in_existing_person_accepts_with_one_click(
    tenant, other_tenant, member_factory, client_for, in_tenant
):
    elsewhere = member_factory(other_tenant, Role.VIEWER, email="known@example.test")
    InvitationFactory(
        tenant=tenant, email="known@example.test", token="known-token", role=Role.VIEWER
    )
    client = client_for(elsewhere)

    response = client.post(f"/{tenant.slug}/invite/known-token/")

    assert response.status_code == 302
    assert response["Location"] == f"/{tenant.slug}/"
    with in_tenant(tenant):
        assert Membership.objects.get(user=elsewhere.user).role == Role.VIEWER


def test_signed_in_as_someone_else_is_told_so_and_nothing_is_accepted(
    tenant, manager_member, client_for, in_tenant
):
    invitation = InvitationFactory(
        tenant=tenant, email="someone-else@example.test", token="other-token"
    )

    response = client_for(manager_member).post(f"/{tenant.slug}/invite/other-token/")

    assert response.status_code == 200
    assert "someone-else@example.test" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_invitation_link_answers_410(tenant, admin_member, in_tenant):
    person = UserFactory(email="used@example.test")
    invitation = InvitationFactory(tenant=tenant, email="used@example.test", token="used-token")
    with in_tenant(tenant):
        services.invitation_accept(tenant=tenant, invitation=invitation, user=person)

    response = Client().get(f"/{tenant.slug}/invite/used-token/")

    assert response.status_code == 410
    assert "no longer works" in response.content.decode()


def test_unknown_invitation_token_answers_410(tenant):
    response = Client().get(f"/{tenant.slug}/invite/never-issued/")

    assert response.status_code == 410


def test_invitation_token_of_another_tenant_answers_410(tenant, other_tenant):
    InvitationFactory(tenant=other_tenant, email="b@example.test", token="beta-token")

    response = Client().get(f"/{tenant.slug}/invite/beta-token/")

    assert response.status_code == 410


# --- the door: deactivation, MFA -----------------------------------------------------------------


def test_deactivated_member_is_refused_on_next_request(
    tenant, admin_member, manager_member, client_for, in_tenant
):
    client = client_for(manager_member)
    before = client.get(f"/{tenant.slug}/")
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )

    after = client.get(f"/{tenant.slug}/")
    api_after = client.get(f"/{tenant.slug}/api/v1/me/")

    assert before.status_code == 200
    assert after.status_code == 404
    assert api_after.status_code == 404


@pytest.mark.parametrize("role", [Role.VENDOR_ADMIN, Role.FINANCE])
def test_mfa_required_role_without_totp_is_sent_to_totp_activation(
    tenant, member_factory, client, role
):
    member = member_factory(tenant, role)
    client.force_login(member.user)

    response = client.get(f"/{tenant.slug}/settings/members/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_mfa_required_role_with_totp_gets_in(tenant, admin_member, client, with_totp):
    with_totp(admin_member.user)
    client.force_login(admin_member.user)

    assert client.get(f"/{tenant.slug}/settings/members/").status_code == 200


def test_role_without_mfa_requirement_gets_in_without_totp(tenant, manager_member, client):
    client.force_login(manager_member.user)

    assert client.get(f"/{tenant.slug}/").status_code == 200


def test_anonymous_visitor_is_sent_to_login_with_the_whole_next_url(tenant):
    response = Client().get(f"/{tenant.slug}/settings/members/?role=viewer&status=active")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query) == {
        "next": [f"/{tenant.slug}/settings/members/?role=viewer&status=active"]
    }


def test_unknown_tenant_answers_404(manager_member, client_for):
    assert client_for(manager_member).get("/no-such-vendor/").status_code == 404


# --- a failed request leaves nothing behind -------------------------------------------------------


@pytest.mark.urls("tests.support.urls_failing")
def test_middleware_rolls_back_the_writes_of_a_request_that_fails(
    tenant, admin_member, fresh_client_for, in_tenant
):
    client = fresh_client_for(admin_member, raise_request_exception=False)

    response = client.get(f"/{tenant.slug}/test-only/write-then-fail/")

    assert response.status_code == 500
    with in_tenant(tenant):
        assert not AuditEvent.objects.filter(action=WRITTEN_ACTION).exists()


def test_member_signs_in_with_the_factory_password_and_lands_in_the_tenant(tenant, manager_member):
    from tests.factories.accounts import TEST_PASSWORD

    client = Client()

    response = client.post(
        "/accounts/login/", {"login": manager_member.user.email, "password": TEST_PASSWORD}
    )
    landing = client.get(response["Location"])

    assert response.status_code == 302
    assert landing.status_code == 302
    assert landing["Location"] == f"/{tenant.slug}/"
