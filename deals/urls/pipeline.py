"""Routes of the pipeline area (staff pages, portal pages and the API)."""

from django.urls import path

from deals.api import pipeline as api
from deals.views import portal_pipeline as portal
from deals.views import staff_pipeline as staff

DEAL = "deals/<int:deal_id>/"
STAGE = "settings/pipeline-stages/<int:stage_id>/"

urlpatterns = [
    # Staff
    path("deals/", staff.pipeline_list, name="pipeline_list"),
    path("deals/board/", staff.pipeline_board, name="pipeline_board"),
    path("deals/direct/new/", staff.direct_deal_create, name="direct_deal_create"),
    path("deals/direct/import/", staff.direct_deal_import, name="direct_deal_import"),
    path(DEAL + "stage/", staff.deal_stage_move, name="deal_stage_move"),
    path(DEAL + "amount/", staff.deal_amount_change, name="deal_amount_change"),
    path(DEAL + "churn/", staff.deal_churn, name="deal_churn"),
    path(DEAL + "attribution/", staff.deal_attribution, name="deal_attribution"),
    path("partners/<int:partner_id>/deals/", staff.partner_deals, name="partner_deals"),
    path("settings/pipeline-stages/", staff.stage_list, name="stage_list"),
    path(STAGE, staff.stage_edit, name="stage_edit"),
    path(STAGE + "move/", staff.stage_move, name="stage_move"),
    path(STAGE + "delete/", staff.stage_delete, name="stage_delete"),
    # Portal
    path("portal/" + DEAL + "stage/", portal.portal_deal_stage_move, name="portal_deal_stage_move"),
    # API
    path("api/v1/deal-stages/", api.StageListView.as_view(), name="api_stage_list"),
    path("api/v1/pipeline/", api.PipelineListView.as_view(), name="api_pipeline_list"),
    path(
        "api/v1/deals/<int:deal_id>/stage/",
        api.DealStageMoveView.as_view(),
        name="api_deal_stage_move",
    ),
    path("api/v1/direct-deals/", api.DirectDealCreateView.as_view(), name="api_direct_deal_create"),
]
