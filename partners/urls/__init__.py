"""The partners app's routes inside a tenant (mounted under /<tenant_slug>/ by prm/urls.py).

One module per area, so each area's routes sit beside its views.
"""

from partners.urls import api, dashboard, engagement, portal, public, recruitment, staff

urlpatterns = [
    *staff.urlpatterns,
    *recruitment.urlpatterns,
    *engagement.urlpatterns,
    *dashboard.urlpatterns,
    *public.urlpatterns,
    *portal.urlpatterns,
    *api.urlpatterns,
]
