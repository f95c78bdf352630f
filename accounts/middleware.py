"""Resolve the tenant from the URL, check the membership, run the request inside the tenant.

The request is not one transaction: services own theirs (`atomic(durable=True)`), so their
locks last for the write, not for the rendering. What the request owns is the connection's
row-level-security binding: set afresh at the start of every request (to the URL's tenant, or
to none) and cleared at its end, so a persistent connection never carries a tenant onward.
"""

import zoneinfo

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope

from accounts.access import view_audience
from accounts.models import Tenant
from accounts.rls import rls_bind, rls_clear
from accounts.roles import MFA_REQUIRED_ROLES
from accounts.selectors import membership_for
from accounts.tenancy import RequestMeta, request_meta

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
RETURN_AFTER_MFA_SETUP = "prm_return_after_mfa_setup"  # session key; a local path only


def client_ip(request) -> str | None:
    """The client's address: the one rule for the audit log and every rate limit.

    `PRM_TRUSTED_PROXY_COUNT` proxies of ours stand in front of the app (0: clients reach it
    directly, as in docker-compose.yml). Each proxy appends the address it saw to
    X-Forwarded-For, so the client is the entry that many hops from the right; anything left
    of it was written by the client and is ignored. A header shorter than the trusted chain
    did not pass through all our proxies: the nearest hop is the best we know.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.PRM_TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    return hops[-min(trusted, len(hops))]


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over cookies and the browser's wish."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in LANGUAGE_CODES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        user_id = request.user.pk if request.user.is_authenticated else None
        token = request_meta.set(RequestMeta(ip_address=client_ip(request)))
        try:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                rls_bind(tenant_id=None, user_id=user_id)
                return self.get_response(request)
            slug = match.kwargs.get("tenant_slug")
            if slug is None:
                rls_bind(tenant_id=None, user_id=user_id)
                return self.get_response(request)
            # Tenants are no tenant rows: the lookup needs no binding (the finally clears any).
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                raise Http404
            response = self._inside_tenant(request, tenant, view_audience(match.func), user_id)
            if response.streaming:
                # The body is produced after we return (a streamed CSV export): it gets the
                # tenant's scope and binding of its own for as long as it runs.
                response.streaming_content = _in_tenant(
                    response.streaming_content,
                    tenant=tenant,
                    user_id=user_id,
                    meta=request_meta.get(),
                )
            return response
        finally:
            rls_clear()
            request_meta.reset(token)

    def _inside_tenant(self, request, tenant, audience, user_id):
        rls_bind(tenant_id=tenant.pk, user_id=user_id)
        with scope(tenant=tenant):
            request.tenant = tenant
            membership = membership_for(tenant=tenant, user=request.user)
            if membership is not None and membership.is_active:
                request.membership = membership
            refusal = self._refusal(request, audience)
            if refusal is not None:
                return refusal
            self._activate_locale(request, tenant)
            return self.get_response(request)

    def _refusal(self, request, audience):
        if audience in {"public", "api"}:
            return None
        if not request.user.is_authenticated:
            # redirect_to_login encodes `next`, so a query string with several parameters
            # comes back whole after login.
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        membership = request.membership
        # SECURITY(tenant): someone without an active membership learns nothing about the
        # tenant, not even that it exists; a deactivated member is refused on the next request.
        if membership is None:
            raise Http404
        if audience == "staff" and not membership.is_staff_role:
            raise Http404
        if audience == "portal" and not membership.is_portal_role:
            raise Http404
        if membership.role in MFA_REQUIRED_ROLES and not user_has_totp(request.user):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set it up to continue."),
            )
            # The account pages' "Back to PRM" link returns here once the factor is set up.
            request.session[RETURN_AFTER_MFA_SETUP] = request.get_full_path()
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return None

    def _activate_locale(self, request, tenant):
        user = request.user
        if not (user.is_authenticated and user.language in LANGUAGE_CODES):
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = cookie if cookie in LANGUAGE_CODES else tenant.default_language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        timezone.activate(zoneinfo.ZoneInfo(tenant.time_zone))


def _in_tenant(chunks, *, tenant, user_id, meta):
    rls_bind(tenant_id=tenant.pk, user_id=user_id)
    try:
        with scope(tenant=tenant):
            token = request_meta.set(meta)
            try:
                yield from chunks
            finally:
                request_meta.reset(token)
    finally:
        rls_clear()


def user_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
