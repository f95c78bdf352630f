"""Pages outside any tenant: the tenant picker and the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.selectors import memberships_for_user
from accounts.services import user_language_set


def membership_home_url(membership) -> str:
    name = "staff_dashboard" if membership.is_staff_role else "portal_home"
    return reverse(name, kwargs={"tenant_slug": membership.tenant.slug})


@login_required
def home(request):
    """After login: straight into the only tenant, or a choice when there are several."""
    memberships = memberships_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect(membership_home_url(memberships[0]))
    entries = [(m, membership_home_url(m)) for m in memberships]
    return render(request, "accounts/home.html", {"entries": entries})


@require_POST
def language_set(request):
    language = request.POST.get("language", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest()
    if request.user.is_authenticated:
        try:
            user_language_set(user=request.user, language=language)
        except ValidationError:
            return HttpResponseBadRequest()
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.PRODUCTION,
        httponly=True,
    )
    return response
