"""The benchmark's URLs: the app's own, plus a trivial staff page every page is measured
against. Only `manage.py bench` uses this module (through override_settings), so the trivial
page is never a route of the running app."""

from django.shortcuts import render
from django.urls import path

from accounts.access import tenant_view
from prm.urls import urlpatterns as app_urlpatterns


@tenant_view(audience="staff")
def bench_trivial(request, tenant_slug):
    # The frame every staff page pays (middleware, session, tenant, base layout) and nothing
    # else: a page's ratio to it is what the page itself costs.
    return render(request, "staff/base.html", {"nav": "dashboard"})


urlpatterns = [
    path("<slug:tenant_slug>/_bench/trivial/", bench_trivial, name="bench_trivial"),
    *app_urlpatterns,
]
