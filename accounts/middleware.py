"""Resolve the tenant from the URL, check the membership, run the request inside the tenant."""

import zoneinfo

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import view_audience
from accounts.models import Tenant
from accounts.rls import set_rls_user
from accounts.roles import MFA_REQUIRED_ROLES
from accounts.selectors import membership_for
from accounts.tenancy import RequestMeta, request_meta, tenant_context

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
RETURN_AFTER_MFA_SETUP = "prm_return_after_mfa_setup"  # session key; a local path only


def client_ip(request) -> str | None:
    # Behind the production proxy the first X-Forwarded-For hop is the client; the proxy is the
    # only way in, so the header cannot be forged from outside it.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.PRODUCTION:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


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
        token = request_meta.set(RequestMeta(ip_address=client_ip(request)))
        try:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            slug = match.kwargs.get("tenant_slug")
            if slug is None:
                return self._outside_tenant(request)
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                raise Http404
            return self._inside_tenant(request, tenant, view_audience(match.func))
        finally:
            request_meta.reset(token)

    def _outside_tenant(self, request):
        from django.db import transaction

        with transaction.atomic():
            set_rls_user(request.user.pk if request.user.is_authenticated else None)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response

    def _inside_tenant(self, request, tenant, audience):
        from django.db import transaction

        with tenant_context(tenant):
            set_rls_user(request.user.pk if request.user.is_authenticated else None)
            request.tenant = tenant
            membership = membership_for(tenant=tenant, user=request.user)
            if membership is not None and membership.is_active:
                request.membership = membership
            refusal = self._refusal(request, audience)
            if refusal is not None:
                return refusal
            self._activate_locale(request, tenant)
            response = self.get_response(request)
            # Exceptions are turned into responses below us, so roll back explicitly: a failed
            # request must not leave half of its writes behind.
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response

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
        if membership.role in MFA_REQUIRED_ROLES and not _has_totp(request.user):
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


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
