from django.urls import include, path, re_path

from accounts.api_errors import api_not_found
from accounts.registry import registry
from accounts.views import home

# Everything under /<tenant_slug>/: the kernel, then each app that registered its routes in its
# AppConfig.ready() (accounts/registry.py); the API catch-all comes last so that every app's API
# routes are matched before it.
tenant_patterns = [
    path("", include("accounts.urls")),
    *registry.tenant_url_includes(),
    re_path(r"^api/", api_not_found, name="api_not_found"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("language/", home.language_set, name="language_set"),
    path("<slug:tenant_slug>/", include(tenant_patterns)),
]
