from django.urls import path

from partners.views import dashboard

urlpatterns = [
    path("dashboard/partners/", dashboard.dashboard_panel, name="partners_dashboard_panel"),
]
