"""django-allauth adapters: invitation-only sign-up, MFA rules that follow the tenant roles."""

import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django_scopes import scopes_disabled

from accounts.models import Membership
from accounts.roles import MFA_REQUIRED_ROLES


def _needs_mfa(user) -> bool:
    # SECURITY(tenant): a cross-tenant read of the person's own memberships only, to know
    # whether any tenant requires the second factor of this login.
    with scopes_disabled():
        return Membership.objects.filter(
            user=user, is_active=True, role__in=MFA_REQUIRED_ROLES
        ).exists()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join a tenant by invitation only (accounts/views/invitations.py).
        return False

    def get_client_ip(self, request) -> str:
        # The one client-address rule (PRM_TRUSTED_PROXY_COUNT) keys the login rate limits too.
        from django.core.exceptions import PermissionDenied

        from accounts.middleware import client_ip

        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and self._first_factor_setup_after_login():
            # The middleware sends a vendor admin without TOTP straight from the login to
            # the set-up page; asking for the password they typed seconds ago helps nobody.
            return False
        return required

    def _first_factor_setup_after_login(self) -> bool:
        """Signed in moments ago and had no second factor before this session."""
        request = self.request
        user = getattr(request, "user", None)
        if request is None or user is None or not user.is_authenticated:
            return False
        records = get_authentication_records(request, user)
        if not records:
            return False
        signed_in_at = records[-1]["at"]
        if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
            return False
        # Only factors added in this fresh session (activation, then its recovery codes);
        # a person who already had a factor before signing in confirms as usual.
        signed_in = datetime.fromtimestamp(signed_in_at, tz=UTC)
        return not Authenticator.objects.filter(user=user, created_at__lt=signed_in).exists()


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Vendor admins and finance must keep their second factor (accounts.roles).
        if authenticator.type == Authenticator.Type.TOTP and _needs_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
