from django.urls import path

from partners import api

urlpatterns = [
    path("api/v1/partners/", api.PartnerListView.as_view(), name="api_partner_list"),
    path(
        "api/v1/partners/<int:partner_id>/",
        api.PartnerDetailView.as_view(),
        name="api_partner_detail",
    ),
    path("api/v1/reps/", api.RepListView.as_view(), name="api_rep_list"),
    path("api/v1/reps/<int:rep_id>/", api.RepDetailView.as_view(), name="api_rep_detail"),
    path("api/v1/prospects/", api.ProspectListView.as_view(), name="api_prospect_list"),
    path(
        "api/v1/prospects/<int:prospect_id>/",
        api.ProspectDetailView.as_view(),
        name="api_prospect_detail",
    ),
    path("api/v1/activities/", api.ActivityListView.as_view(), name="api_activity_list"),
    path(
        "api/v1/activities/<int:activity_id>/",
        api.ActivityDetailView.as_view(),
        name="api_activity_detail",
    ),
]
