"""allauth adapters: the second factor follows the roles that require it."""

from allauth.mfa.models import Authenticator

from accounts.adapters import MFAAdapter


def _totp_of(user):
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def test_vendor_admin_cannot_remove_their_totp(admin_member, with_totp):
    with_totp(admin_member.user)

    assert MFAAdapter().can_delete_authenticator(_totp_of(admin_member.user)) is False


def test_partner_manager_may_remove_their_totp(manager_member, with_totp):
    with_totp(manager_member.user)

    assert MFAAdapter().can_delete_authenticator(_totp_of(manager_member.user)) is True
