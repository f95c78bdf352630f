"""Routes of the targets area (staff pages, portal pages and the API)."""

from django.urls import path

from deals.api import targets as api
from deals.views import portal_targets as portal
from deals.views import staff_targets as staff

PARTNER = "partners/<int:partner_id>/target-accounts/"

urlpatterns = [
    # Staff
    path("funnel/", staff.funnel_board, name="funnel_board"),
    path("funnel/requests/", staff.funnel_request, name="funnel_request"),
    path(
        "target-accounts/<int:target_account_id>/move/",
        staff.target_account_move,
        name="target_account_move",
    ),
    path("target-accounts/new/", staff.staff_target_create, name="staff_target_create"),
    path(PARTNER, staff.partner_targets, name="partner_targets"),
    path(PARTNER + "willingness/", staff.partner_willingness, name="partner_willingness"),
    path(PARTNER + "import/", staff.staff_target_import, name="staff_target_import"),
    # Portal
    path("portal/target-accounts/", portal.portal_targets, name="portal_targets"),
    path(
        "portal/target-accounts/import/", portal.portal_target_import, name="portal_target_import"
    ),
    # API
    path("api/v1/target-accounts/", api.TargetAccountListView.as_view(), name="api_target_list"),
    path(
        "api/v1/target-accounts/<int:target_account_id>/",
        api.TargetAccountDetailView.as_view(),
        name="api_target_detail",
    ),
    path(
        "api/v1/target-accounts/<int:target_account_id>/move/",
        api.TargetAccountMoveView.as_view(),
        name="api_target_move",
    ),
]
