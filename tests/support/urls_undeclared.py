"""Test-only URLconf: the product's routes plus one tenant view that declares no audience.

Proves deny by default: the system check reports it, and the middleware never serves it.
"""

from django.http import HttpResponse
from django.urls import path

from prm.urls import urlpatterns as product_urlpatterns


def undeclared(request, tenant_slug):
    return HttpResponse("secret")


urlpatterns = [
    path("<slug:tenant_slug>/test-only/undeclared/", undeclared, name="test_undeclared"),
    *product_urlpatterns,
]
