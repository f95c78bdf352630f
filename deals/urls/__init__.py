"""The deals app's routes inside a tenant (mounted under /<tenant_slug>/, namespace "deals").
One module per area, so each area's routes sit beside its views."""

from deals.urls import pipeline, registrations, targets

urlpatterns = [
    *targets.urlpatterns,
    *registrations.urlpatterns,
    *pipeline.urlpatterns,
]
