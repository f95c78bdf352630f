"""API authentication and errors: session for the browser, per-tenant API keys for machines."""

from dataclasses import replace

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiKey
from accounts.roles import MFA_REQUIRED_ROLES, role_has_perm
from accounts.services import token_digest
from accounts.tenancy import request_meta

KEYWORD = b"api-key"


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key prm_<secret>`; the key must belong to the URL's tenant."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed API key header."))
        raw = header[1].decode(errors="replace")
        secret = raw.removeprefix("prm_")
        tenant = getattr(request._request, "tenant", None)
        if tenant is None:
            raise exceptions.AuthenticationFailed(_("API keys work only under a tenant URL."))
        # SECURITY(tenant): looked up inside the URL's tenant scope only; a key of another
        # tenant is simply not found here.
        api_key = ApiKey.objects.filter(
            tenant=tenant,
            prefix=secret[:8],
            key_digest=token_digest(secret),
            revoked_at__isnull=True,
        ).first()
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        ApiKey.objects.filter(tenant=tenant, pk=api_key.pk).update(last_used_at=timezone.now())
        principal = ApiKeyUser(api_key)
        # The middleware resets request_meta when the request ends; until then, writes made
        # with this key are audited under its name.
        request_meta.set(replace(request_meta.get(), principal=principal.label))
        return (principal, api_key)

    def authenticate_header(self, request):
        return "Api-Key"


class ApiKeyUser:
    """The principal of a request made with an API key: no person, the key's role."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    id = None

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.role = api_key.role
        self.email = ""

    @property
    def label(self) -> str:
        return f"API key prm_{self.api_key.prefix}… ({self.api_key.name})"

    def __str__(self) -> str:
        return f"api-key:{self.api_key.prefix}"


def request_role(request) -> str | None:
    """The role a DRF request acts with: the key's, or the signed-in member's."""
    if isinstance(request.user, ApiKeyUser):
        return request.user.role
    membership = getattr(request._request, "membership", None)
    if membership is not None and membership.is_active:
        return membership.role
    return None


class IsTenantMember(permissions.BasePermission):
    """Authenticated and part of the URL's tenant; a stranger to the tenant gets a 404."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        role = request_role(request)
        if role is None:
            raise Http404
        if (
            role in MFA_REQUIRED_ROLES
            and not isinstance(request.user, ApiKeyUser)
            and not _has_totp(request.user)
        ):
            # A browser session of a role that must use two factors gets no further without
            # one, as on the pages; an API key is a machine's credential and stays exempt.
            raise exceptions.PermissionDenied(
                _(
                    "Your role requires two-factor authentication. Set it up under your "
                    "account's security settings, then try again."
                ),
                code="mfa_required",
            )
        perm = getattr(view, "required_perm", None)
        return perm is None or role_has_perm(role, perm)


def _has_totp(user) -> bool:
    from accounts.middleware import user_has_totp

    return user_has_totp(user)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Send "Api-Key prm_…"; a vendor admin creates keys in Settings.',
        }
