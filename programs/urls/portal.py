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
    path(
        "portal/programs/notices/<int:notice_id>/",
        portal.portal_notice,
        name="portal_notice",
    ),
    path(
        "portal/programs/notices/<int:notice_id>/notice.pdf",
        portal.portal_notice_pdf,
        name="portal_notice_pdf",
    ),
    # Public: the "become a partner" page's section listing the public programs.
    path("apply/programs/", portal.public_programs, name="public_programs"),
]
