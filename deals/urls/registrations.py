"""Routes of the registrations area (staff pages, portal pages and the API)."""

from django.urls import path

from deals.api import registrations as api
from deals.views import portal_registrations as portal
from deals.views import staff_registrations as staff

urlpatterns = [
    # Staff
    path("deals/review/", staff.review_queue, name="review_queue"),
    path("deals/<int:deal_id>/", staff.deal_detail, name="deal_detail"),
    path("deals/<int:deal_id>/approve/", staff.deal_approve, name="deal_approve"),
    path("deals/<int:deal_id>/reject/", staff.deal_reject, name="deal_reject"),
    path("deals/<int:deal_id>/duplicate/", staff.deal_duplicate, name="deal_duplicate"),
    path(
        "deals/extensions/<int:extension_id>/decide/",
        staff.extension_decide,
        name="extension_decide",
    ),
    # Portal
    path("portal/deals/", portal.portal_deals, name="portal_deals"),
    path("portal/deals/register/", portal.portal_deal_register, name="portal_deal_register"),
    path("portal/deals/check/", portal.portal_deal_check, name="portal_deal_check"),
    path("portal/deals/<int:deal_id>/", portal.portal_deal_detail, name="portal_deal_detail"),
    path(
        "portal/deals/<int:deal_id>/extension/",
        portal.portal_extension_request,
        name="portal_extension_request",
    ),
    # API
    path("api/v1/deals/", api.DealListView.as_view(), name="api_deal_list"),
    path("api/v1/deals/<int:deal_id>/", api.DealDetailView.as_view(), name="api_deal_detail"),
    path(
        "api/v1/deals/<int:deal_id>/approve/",
        api.DealApproveView.as_view(),
        name="api_deal_approve",
    ),
    path(
        "api/v1/deals/<int:deal_id>/reject/", api.DealRejectView.as_view(), name="api_deal_reject"
    ),
    path(
        "api/v1/deals/<int:deal_id>/duplicate/",
        api.DealDuplicateView.as_view(),
        name="api_deal_duplicate",
    ),
    path(
        "api/v1/deals/<int:deal_id>/extensions/",
        api.DealExtensionListView.as_view(),
        name="api_deal_extensions",
    ),
    path(
        "api/v1/deal-extensions/<int:extension_id>/decide/",
        api.ExtensionDecideView.as_view(),
        name="api_extension_decide",
    ),
]
