"""The programs app's routes inside a tenant (mounted under /<tenant_slug>/, namespace
"programs"). One module per area, so each area's routes sit beside its views."""

from programs.urls import (
    announcements,
    api,
    commission,
    contracts,
    library,
    library_portal,
    portal,
    staff,
    tiers,
    training,
)

urlpatterns = [
    *staff.urlpatterns,
    *commission.urlpatterns,
    *contracts.urlpatterns,
    *tiers.urlpatterns,
    *library.urlpatterns,
    *library_portal.urlpatterns,
    *announcements.urlpatterns,
    *training.urlpatterns,
    *portal.urlpatterns,
    *api.urlpatterns,
]
