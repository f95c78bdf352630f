"""django-allauth adapters: invitation-only sign-up, MFA rules that follow the tenant roles."""

import base64
import hashlib
import math
import re
import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import ngettext
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


def login_retry_after(request, login: str) -> int:
    """Seconds until the failed-login limit of `login` lets a sign-in through again (0: now).

    Reads allauth's own rate-limit history (core.internal.ratelimit), so the wait shown is
    the one allauth enforces."""
    adapter = AccountAdapter(request)
    key = adapter._get_login_attempts_cache_key(request, email=login)
    now = time.time()
    wait = 0.0
    for rate in allauth_ratelimit.get_rates(app="allauth.account", action="login_failed"):
        if rate.per != "key":
            continue
        cache_key = allauth_ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=key
        )
        history = [hit for hit in cache.get(cache_key, []) if hit > now - rate.duration]
        if len(history) >= rate.amount:
            # history is newest first: the limit frees a slot when the amount-th newest expires.
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


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

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as error:
            if self._login_failed_rl_usage is not None:
                raise
            # Locked by the failed-login limit: answer 429 and say when to try again, not a
            # 200 that reads like a wrong password (even the right one is refused now).
            raise ImmediateHttpResponse(
                self._login_locked_response(request, **credentials)
            ) from error

    def _login_locked_response(self, request, **credentials):
        login = credentials.get("email", credentials.get("username", ""))
        seconds = max(login_retry_after(request, login), 1)
        minutes = math.ceil(seconds / 60)
        message = ngettext(
            "Too many failed sign-ins for this account. Try again in %(minutes)d minute.",
            "Too many failed sign-ins for this account. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = render(
            request,
            "account/login.html",
            {
                "form": LoginForm(request=request, initial={"login": login}),
                "locked_message": message,
            },
            status=429,
        )
        response["Retry-After"] = str(seconds)
        return response

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
    # SECURITY: the TOTP secret is encrypted at rest, so the application role (and a database
    # dump) reads ciphertext only.
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Vendor admins and finance must keep their second factor (accounts.roles).
        if authenticator.type == Authenticator.Type.TOTP and _needs_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)


# --- MFA secrets at rest ----------------------------------------------------------------------

# What allauth stored in clear before encryption: a TOTP secret (base32) or a recovery-code
# seed (hex). A Fernet token ("gAAAA…", url-safe base64) never matches either.
_CLEAR_SECRET = re.compile(r"^(?:[A-Z2-7]+=*|[0-9a-f]+)$")


def _fernet() -> Fernet:
    """PRM_MFA_ENCRYPTION_KEY when set (a Fernet key; keeps secrets readable across a
    SECRET_KEY rotation), else a key derived from SECRET_KEY for this purpose only."""
    key = getattr(settings, "PRM_MFA_ENCRYPTION_KEY", "")
    if not key:
        digest = hashlib.sha256(b"prm.mfa.totp-secret:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def encrypt_secret(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt_secret(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        # Written before secrets were encrypted: still valid, so nobody is locked out; it is
        # stored encrypted when the person sets up their authenticator again.
        if _CLEAR_SECRET.match(stored):
            return stored
        raise
