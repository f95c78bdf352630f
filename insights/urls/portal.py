"""Routes of the insights app: portal."""

from django.urls import path

from insights.views import portal

urlpatterns = [
    path("portal/results/", portal.portal_results, name="portal_results"),
]
