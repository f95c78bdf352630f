"""Public pages of a tenant: the "become a partner" application form.

Anonymous visitors reach these pages on purpose. They show the tenant's branding and nothing
else of its data; the form still needs its CSRF token.
"""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import tenant_view
from accounts.tenancy import request_meta
from accounts.urls_helpers import tenant_reverse
from partners.forms.recruitment import ApplicationForm
from partners.services import recruitment as services

# At most this many applications per client address and tenant within the window.
APPLICATIONS_PER_WINDOW = 5
APPLICATION_WINDOW_SECONDS = 60 * 60


def _rate_key(request) -> str:
    address = request_meta.get().ip_address or "unknown"
    return f"partner-apply:{request.tenant.pk}:{address}"


def _over_limit(key: str) -> bool:
    return (cache.get(key) or 0) >= APPLICATIONS_PER_WINDOW


def _count(key: str) -> None:
    # add() starts the window once; incr() counts within it without extending it.
    cache.add(key, 0, APPLICATION_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, APPLICATION_WINDOW_SECONDS)


@tenant_view(audience="public")
@require_http_methods(["GET", "POST"])
def partner_apply(request, tenant_slug):
    tenant = request.tenant
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        key = _rate_key(request)
        if _over_limit(key):
            return render(request, "partners/public/rate_limited.html", status=429)
        if form.is_spam:
            # A robot filled the hidden field: thank it and keep nothing.
            _count(key)
            return redirect(tenant_reverse(tenant, "partner_apply_thanks"))
        if form.is_valid():
            services.prospect_apply(tenant=tenant, fields=form.values())
            _count(key)
            return redirect(tenant_reverse(tenant, "partner_apply_thanks"))
    return render(
        request,
        "partners/public/apply.html",
        {"form": form},
    )


@tenant_view(audience="public")
def partner_apply_thanks(request, tenant_slug):
    return render(request, "partners/public/thanks.html")
