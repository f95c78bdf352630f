"""The partner portal's kernel pages: its home and its branding."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from accounts.access import tenant_view
from accounts.colour import text_colour_on
from accounts.roles import Perm


@tenant_view(audience="portal", perm=Perm.PORTAL_VIEW)
def portal_home(request, tenant_slug):
    return render(request, "portal/home.html", {"nav": "home"})


@tenant_view(audience="public")
@cache_control(max_age=300)
def portal_brand_css(request, tenant_slug):
    """The tenant's colour as a stylesheet: the CSP forbids inline styles."""
    colour = request.tenant.portal_primary_colour  # validated as #RRGGBB on save
    # Text on the brand colour (the portal header) is white or dark, whichever contrasts more.
    on_brand = text_colour_on(colour)
    css = f":root {{ --brand: {colour}; --bs-primary: {colour}; --brand-text: {on_brand}; }}\n"
    return HttpResponse(css, content_type="text/css")


@tenant_view(audience="public")
@cache_control(max_age=300)
def portal_logo(request, tenant_slug):
    logo = request.tenant.portal_logo
    if not logo:
        raise Http404
    return FileResponse(logo.open("rb"))
