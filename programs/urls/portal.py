"""Routes of the programs app: portal."""

from django.urls import path

from programs.views import portal

urlpatterns = [
    path("portal/programs/", portal.portal_programs, name="portal_programs"),
    path(
        "portal/programs/contracts/<int:contract_id>/terms/",
        portal.portal_contract_terms,
        name="portal_contract_terms",
    ),
]
