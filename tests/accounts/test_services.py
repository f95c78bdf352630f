"""Every write of the kernel: its effect, its audit event, and the cases it must refuse."""

import hashlib
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import ApiKey, AuditEvent, Invitation, Membership
from accounts.roles import Role
from tests.factories.accounts import ApiKeyFactory, InvitationFactory, UserFactory

VALID_T_NUMBER = "T7123456789012"  # check digit 7 is correct for 123456789012


def _events(action):
    return list(AuditEvent.objects.filter(action=action))


def _accept_url_recorder():
    """An accept_url_for callable that remembers the tokens it was given."""
    tokens = []

    def accept_url_for(token):
        tokens.append(token)
        return f"https://prm.example/alpha/invite/{token}/"

    accept_url_for.tokens = tokens
    return accept_url_for


# --- tenant_settings_update -------------------------------------------------------------------


def test_tenant_settings_update_saves_and_audits_the_changed_fields(
    tenant, admin_member, in_tenant
):
    with in_tenant(tenant):
        services.tenant_settings_update(
            tenant=tenant,
            actor=admin_member.user,
            name="Alpha Software KK",
            issuer_registration_number=VALID_T_NUMBER,
            fiscal_year_start_month=4,  # unchanged: not in the audit record
        )
        [event] = _events("tenant.settings_changed")

    tenant.refresh_from_db()
    assert tenant.name == "Alpha Software KK"
    assert tenant.issuer_registration_number == VALID_T_NUMBER
    assert event.changes == {
        "name": ["Alpha Software", "Alpha Software KK"],
        "issuer_registration_number": ["", VALID_T_NUMBER],
    }
    assert event.actor == admin_member.user
    assert event.actor_label == admin_member.user.email
    assert event.tenant == tenant


@pytest.mark.parametrize("bad_number", ["T7123456789013", "7123456789012", "T71234567890AB"])
def test_tenant_settings_update_refuses_a_bad_t_number_naming_the_field(
    tenant, admin_member, in_tenant, bad_number
):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.tenant_settings_update(
                tenant=tenant, actor=admin_member.user, issuer_registration_number=bad_number
            )
        assert _events("tenant.settings_changed") == []

    assert "issuer_registration_number" in error.value.message_dict
    tenant.refresh_from_db()
    assert tenant.issuer_registration_number == ""


def test_tenant_settings_update_refuses_a_field_that_is_not_a_setting(
    tenant, admin_member, in_tenant
):
    with in_tenant(tenant), pytest.raises(ValueError, match="slug"):
        services.tenant_settings_update(tenant=tenant, actor=admin_member.user, slug="hijack")

    tenant.refresh_from_db()
    assert tenant.slug == "alpha"


def test_tenant_settings_update_without_changes_writes_no_audit_event(
    tenant, admin_member, in_tenant
):
    with in_tenant(tenant):
        services.tenant_settings_update(tenant=tenant, actor=admin_member.user, name=tenant.name)

        assert _events("tenant.settings_changed") == []


# --- memberships ------------------------------------------------------------------------------


def test_membership_change_role_changes_and_audits(tenant, admin_member, manager_member, in_tenant):
    with in_tenant(tenant):
        services.membership_change_role(
            tenant=tenant, actor=admin_member.user, membership=manager_member, role=Role.FINANCE
        )
        [event] = _events("membership.role_changed")

    manager_member.refresh_from_db()
    assert manager_member.role == Role.FINANCE
    assert event.changes == {"role": ["partner_manager", "finance"]}
    assert event.object_id == str(manager_member.pk)
    assert event.object_type == "accounts.membership"


def test_last_active_vendor_admin_cannot_be_demoted(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="last active vendor admin"):
            services.membership_change_role(
                tenant=tenant, actor=admin_member.user, membership=admin_member, role=Role.VIEWER
            )
        assert _events("membership.role_changed") == []

    admin_member.refresh_from_db()
    assert admin_member.role == Role.VENDOR_ADMIN


def test_a_vendor_admin_can_be_demoted_while_another_stays(
    tenant, admin_member, member_factory, in_tenant
):
    member_factory(tenant, Role.VENDOR_ADMIN)

    with in_tenant(tenant):
        services.membership_change_role(
            tenant=tenant, actor=admin_member.user, membership=admin_member, role=Role.VIEWER
        )

    admin_member.refresh_from_db()
    assert admin_member.role == Role.VIEWER


def test_a_deactivated_second_admin_does_not_count_as_the_remaining_admin(
    tenant, admin_member, member_factory, in_tenant
):
    inactive_admin = member_factory(tenant, Role.VENDOR_ADMIN)
    with in_tenant(tenant):
        Membership.objects.filter(pk=inactive_admin.pk).update(is_active=False)

        with pytest.raises(ValidationError, match="last active vendor admin"):
            services.membership_deactivate(
                tenant=tenant, actor=admin_member.user, membership=admin_member
            )

    admin_member.refresh_from_db()
    assert admin_member.is_active is True


def test_membership_change_role_refuses_an_unknown_role(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.membership_change_role(
            tenant=tenant, actor=admin_member.user, membership=manager_member, role="overlord"
        )

    assert "role" in error.value.message_dict


def test_membership_change_role_refuses_a_membership_of_another_tenant(
    tenant, other_tenant, admin_member, member_factory, in_tenant
):
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)

    with in_tenant(tenant), pytest.raises(ValidationError, match="does not belong"):
        services.membership_change_role(
            tenant=tenant, actor=admin_member.user, membership=stranger, role=Role.VIEWER
        )

    stranger.refresh_from_db()
    assert stranger.role == Role.PARTNER_MANAGER


def test_membership_deactivate_deactivates_and_audits(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        [event] = _events("membership.deactivated")

    manager_member.refresh_from_db()
    assert manager_member.is_active is False
    assert manager_member.deactivated_at is not None
    assert event.object_id == str(manager_member.pk)


def test_deactivating_an_inactive_membership_twice_writes_one_event(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )

        assert len(_events("membership.deactivated")) == 1


def test_last_active_vendor_admin_cannot_be_deactivated(tenant, admin_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError, match="last active vendor admin"):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=admin_member
        )

    admin_member.refresh_from_db()
    assert admin_member.is_active is True


def test_membership_deactivate_refuses_a_membership_of_another_tenant(
    tenant, other_tenant, admin_member, member_factory, in_tenant
):
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)

    with in_tenant(tenant), pytest.raises(ValidationError, match="does not belong"):
        services.membership_deactivate(tenant=tenant, actor=admin_member.user, membership=stranger)

    stranger.refresh_from_db()
    assert stranger.is_active is True


def test_membership_reactivate_reactivates_and_audits(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        services.membership_reactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        [event] = _events("membership.reactivated")

    manager_member.refresh_from_db()
    assert manager_member.is_active is True
    assert manager_member.deactivated_at is None
    assert event.changes == {"is_active": ["False", "True"]}


def test_membership_reactivate_refuses_a_membership_of_another_tenant(
    tenant, other_tenant, admin_member, member_factory, in_tenant, unscoped
):
    stranger = member_factory(other_tenant, Role.PARTNER_MANAGER)
    with unscoped():
        Membership.objects.filter(pk=stranger.pk).update(is_active=False)
    stranger.refresh_from_db()

    with in_tenant(tenant), pytest.raises(ValidationError, match="does not belong"):
        services.membership_reactivate(tenant=tenant, actor=admin_member.user, membership=stranger)

    stranger.refresh_from_db()
    assert stranger.is_active is False


# --- invitation_create ------------------------------------------------------------------------


def test_invitation_create_sends_the_email_only_after_commit(
    tenant, admin_member, in_tenant, mailoutbox, django_capture_on_commit_callbacks
):
    accept_url_for = _accept_url_recorder()

    with in_tenant(tenant):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            invitation = services.invitation_create(
                tenant=tenant,
                actor=admin_member.user,
                email="New.Person@Example.test",
                role=Role.FINANCE,
                accept_url_for=accept_url_for,
            )
            assert mailoutbox == []  # nothing leaves before the transaction commits
        [event] = _events("invitation.sent")

    assert len(callbacks) == 1
    [mail] = mailoutbox
    [token] = accept_url_for.tokens
    assert mail.to == ["new.person@example.test"]
    assert f"https://prm.example/alpha/invite/{token}/" in mail.body
    assert "Alpha Software" in mail.subject
    assert invitation.email == "new.person@example.test"
    assert invitation.role == Role.FINANCE
    assert invitation.expires_at - timezone.now() > timedelta(days=6)
    assert event.changes == {"role": "finance"}


def test_invitation_token_is_stored_only_as_its_digest(tenant, admin_member, in_tenant, unscoped):
    accept_url_for = _accept_url_recorder()

    with in_tenant(tenant):
        invitation = services.invitation_create(
            tenant=tenant,
            actor=admin_member.user,
            email="someone@example.test",
            role=Role.VIEWER,
            accept_url_for=accept_url_for,
        )

    [token] = accept_url_for.tokens
    with unscoped():
        stored = Invitation.objects.values().get(pk=invitation.pk)
    assert stored["token_digest"] == hashlib.sha256(token.encode()).hexdigest()
    assert not any(token in str(value) for value in stored.values())


def test_reinviting_revokes_the_pending_invitation(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        first = services.invitation_create(
            tenant=tenant,
            actor=admin_member.user,
            email="twice@example.test",
            role=Role.VIEWER,
            accept_url_for=_accept_url_recorder(),
        )
        second = services.invitation_create(
            tenant=tenant,
            actor=admin_member.user,
            email="TWICE@example.test",
            role=Role.FINANCE,
            accept_url_for=_accept_url_recorder(),
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert second.is_pending


def test_inviting_an_active_member_is_refused(
    tenant, admin_member, manager_member, in_tenant, mailoutbox
):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.invitation_create(
                tenant=tenant,
                actor=admin_member.user,
                email=manager_member.user.email.upper(),
                role=Role.VIEWER,
                accept_url_for=_accept_url_recorder(),
            )
        assert not Invitation.objects.exists()

    assert "email" in error.value.message_dict
    assert mailoutbox == []


def test_invitation_create_refuses_an_unknown_role(tenant, admin_member, in_tenant):
    with in_tenant(tenant), pytest.raises(ValidationError) as error:
        services.invitation_create(
            tenant=tenant,
            actor=admin_member.user,
            email="x@example.test",
            role="god",
            accept_url_for=_accept_url_recorder(),
        )

    assert "role" in error.value.message_dict


# --- invitation_accept ------------------------------------------------------------------------


def _invite(tenant, actor, email, role=Role.PARTNER_MANAGER):
    accept_url_for = _accept_url_recorder()
    invitation = services.invitation_create(
        tenant=tenant, actor=actor, email=email, role=role, accept_url_for=accept_url_for
    )
    return invitation, accept_url_for.tokens[0]


def test_invitation_accept_creates_the_membership_with_the_invited_role(
    tenant, admin_member, in_tenant
):
    person = UserFactory(email="joiner@example.test")
    with in_tenant(tenant):
        invitation, token = _invite(tenant, admin_member.user, "joiner@example.test", Role.FINANCE)
        found = services.invitation_find(tenant=tenant, token=token)

        membership = services.invitation_accept(tenant=tenant, invitation=found, user=person)
        [event] = _events("invitation.accepted")

    invitation.refresh_from_db()
    assert found == invitation
    assert membership.user == person
    assert membership.role == Role.FINANCE
    assert membership.is_active
    assert invitation.accepted_by == person
    assert invitation.accepted_at is not None
    assert event.actor == person


def test_invitation_find_does_not_find_a_token_under_another_tenant(
    tenant, other_tenant, admin_member, in_tenant
):
    with in_tenant(tenant):
        _invitation, token = _invite(tenant, admin_member.user, "a@example.test")

    with in_tenant(other_tenant):
        assert services.invitation_find(tenant=other_tenant, token=token) is None


def test_invitation_can_be_accepted_only_once(tenant, admin_member, in_tenant):
    person = UserFactory(email="once@example.test")
    with in_tenant(tenant):
        invitation, _token = _invite(tenant, admin_member.user, "once@example.test")
        services.invitation_accept(tenant=tenant, invitation=invitation, user=person)

        with pytest.raises(ValidationError, match="already used"):
            services.invitation_accept(tenant=tenant, invitation=invitation, user=person)
        assert len(_events("invitation.accepted")) == 1


def test_expired_invitation_cannot_be_accepted(tenant, in_tenant):
    person = UserFactory(email="late@example.test")
    invitation = InvitationFactory(
        tenant=tenant, email="late@example.test", expires_at=timezone.now() - timedelta(minutes=1)
    )

    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="expired"):
            services.invitation_accept(tenant=tenant, invitation=invitation, user=person)
        assert not Membership.objects.filter(user=person).exists()


def test_invitation_for_another_email_cannot_be_accepted(tenant, in_tenant):
    intruder = UserFactory(email="intruder@example.test")
    invitation = InvitationFactory(tenant=tenant, email="invitee@example.test")

    with in_tenant(tenant):
        with pytest.raises(ValidationError, match="different e-mail"):
            services.invitation_accept(tenant=tenant, invitation=invitation, user=intruder)
        assert not Membership.objects.filter(user=intruder).exists()

    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_reactivates_a_deactivated_membership_with_the_new_role(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        invitation, _token = _invite(
            tenant, admin_member.user, manager_member.user.email, Role.VIEWER
        )

        membership = services.invitation_accept(
            tenant=tenant, invitation=invitation, user=manager_member.user
        )
        assert Membership.objects.filter(user=manager_member.user).count() == 1

    assert membership.pk == manager_member.pk
    manager_member.refresh_from_db()
    assert manager_member.is_active is True
    assert manager_member.deactivated_at is None
    assert manager_member.role == Role.VIEWER


def test_accepting_marks_the_email_address_verified(tenant, in_tenant):
    person = UserFactory(email="unverified@example.test")
    EmailAddress.objects.filter(user=person).update(verified=False)
    invitation = InvitationFactory(tenant=tenant, email="unverified@example.test")

    with in_tenant(tenant):
        services.invitation_accept(tenant=tenant, invitation=invitation, user=person)

    address = EmailAddress.objects.get(user=person)
    assert address.verified is True
    assert address.primary is True


# --- invitation_revoke ------------------------------------------------------------------------


def test_invitation_revoke_revokes_audits_and_kills_the_link(tenant, admin_member, in_tenant):
    person = UserFactory(email="withdrawn@example.test")
    invitation = InvitationFactory(tenant=tenant, email="withdrawn@example.test")

    with in_tenant(tenant):
        services.invitation_revoke(tenant=tenant, actor=admin_member.user, invitation=invitation)
        [event] = _events("invitation.revoked")

        with pytest.raises(ValidationError):
            services.invitation_accept(tenant=tenant, invitation=invitation, user=person)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert event.object_id == str(invitation.pk)


def test_invitation_revoke_refuses_an_invitation_of_another_tenant(
    tenant, other_tenant, admin_member, in_tenant
):
    foreign = InvitationFactory(tenant=other_tenant)

    with in_tenant(tenant), pytest.raises(ValidationError, match="does not belong"):
        services.invitation_revoke(tenant=tenant, actor=admin_member.user, invitation=foreign)

    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# --- API keys ---------------------------------------------------------------------------------


def test_api_key_create_shows_the_secret_once_and_stores_only_its_digest(
    tenant, admin_member, in_tenant, unscoped
):
    with in_tenant(tenant):
        key, secret = services.api_key_create(
            tenant=tenant, actor=admin_member.user, name="  ERP sync  ", role=Role.FINANCE
        )
        [event] = _events("api_key.created")

    assert re.fullmatch(r"prm_[A-Za-z0-9_-]{40,}", secret)
    raw = secret.removeprefix("prm_")
    with unscoped():
        stored = ApiKey.objects.values().get(pk=key.pk)
    assert stored["key_digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["prefix"] == raw[:8]
    assert not any(raw in str(value) for value in stored.values())
    assert stored["name"] == "ERP sync"
    assert stored["role"] == Role.FINANCE
    assert event.changes == {"name": "ERP sync", "role": "finance"}


def test_api_key_create_refuses_a_blank_name(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.api_key_create(
                tenant=tenant, actor=admin_member.user, name="   ", role=Role.VIEWER
            )
        assert not ApiKey.objects.exists()

    assert "name" in error.value.message_dict


def test_api_key_cannot_act_as_a_portal_role(tenant, admin_member, in_tenant):
    with in_tenant(tenant):
        with pytest.raises(ValidationError) as error:
            services.api_key_create(
                tenant=tenant, actor=admin_member.user, name="Portal", role=Role.PARTNER_REP
            )
        assert not ApiKey.objects.exists()

    assert "role" in error.value.message_dict


def test_api_key_revoke_revokes_once_and_audits(tenant, admin_member, in_tenant):
    key = ApiKeyFactory(tenant=tenant)

    with in_tenant(tenant):
        services.api_key_revoke(tenant=tenant, actor=admin_member.user, api_key=key)
        first_revoked_at = ApiKey.objects.get(pk=key.pk).revoked_at
        services.api_key_revoke(tenant=tenant, actor=admin_member.user, api_key=key)

        assert len(_events("api_key.revoked")) == 1
        assert ApiKey.objects.get(pk=key.pk).revoked_at == first_revoked_at
    assert first_revoked_at is not None


def test_api_key_revoke_refuses_a_key_of_another_tenant(
    tenant, other_tenant, admin_member, in_tenant
):
    foreign = ApiKeyFactory(tenant=other_tenant)

    with in_tenant(tenant), pytest.raises(ValidationError, match="does not belong"):
        services.api_key_revoke(tenant=tenant, actor=admin_member.user, api_key=foreign)

    foreign.refresh_from_db()
    assert foreign.revoked_at is None


# --- users ------------------------------------------------------------------------------------


def test_user_language_set_saves_the_language(db):
    person = UserFactory(language="en")

    services.user_language_set(user=person, language="ja")

    person.refresh_from_db()
    assert person.language == "ja"


def test_user_language_set_refuses_an_unknown_language(db):
    person = UserFactory(language="en")

    with pytest.raises(ValidationError) as error:
        services.user_language_set(user=person, language="fr")

    assert "language" in error.value.message_dict
    person.refresh_from_db()
    assert person.language == "en"


# --- the audit event's origin -------------------------------------------------------------------


def test_audit_event_records_the_ip_address_of_the_request(
    tenant, admin_member, manager_member, client_for, in_tenant
):
    client = client_for(admin_member)

    response = client.post(
        f"/{tenant.slug}/settings/members/{manager_member.pk}/role/",
        {"role": Role.VIEWER},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.1",  # ignored outside production: no proxy in front
    )

    assert response.status_code == 302
    with in_tenant(tenant):
        [event] = _events("membership.role_changed")
    assert event.ip_address == "203.0.113.7"
    assert event.actor == admin_member.user


def test_audit_event_outside_a_request_has_no_ip_address(
    tenant, admin_member, manager_member, in_tenant
):
    with in_tenant(tenant):
        services.membership_deactivate(
            tenant=tenant, actor=admin_member.user, membership=manager_member
        )
        [event] = _events("membership.deactivated")

    assert event.ip_address is None
