from django.urls import path

from partners.views import portal

urlpatterns = [
    path("portal/company/", portal.portal_company, name="portal_company"),
    path("portal/company/edit/", portal.portal_company_edit, name="portal_company_edit"),
    path("portal/company/reps/", portal.portal_reps, name="portal_reps"),
    path("portal/company/reps/invite/", portal.portal_rep_invite, name="portal_rep_invite"),
    path(
        "portal/company/reps/<int:rep_id>/deactivate/",
        portal.portal_rep_deactivate,
        name="portal_rep_deactivate",
    ),
]
