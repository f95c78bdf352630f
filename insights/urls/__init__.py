"""The insights app's routes inside a tenant (mounted under /<tenant_slug>/, namespace
"insights"). One module per area, so each area's routes sit beside its views."""

from insights.urls import api, portal, reps, scorecards, staff

urlpatterns = [
    *staff.urlpatterns,
    *reps.urlpatterns,
    *scorecards.urlpatterns,
    *portal.urlpatterns,
    *api.urlpatterns,
]
